/* utf8.h - UTF-8 validation, counting and repair for client-supplied text.
 *
 * Pure functions over byte ranges; no allocation. */
#ifndef API_UTF8_H
#define API_UTF8_H

#include <stddef.h>

/* Length in bytes of the valid sequence starting at s (1..4), or 0 if the
 * bytes there are not valid UTF-8 (overlong, surrogate, truncated, >U+10FFFF). */
size_t utf8_sequence_length(const unsigned char *s, size_t avail);

/* Number of code points in a valid UTF-8 string, or (size_t)-1 if invalid. */
size_t utf8_count_code_points(const char *s, size_t len);

/* Bytes utf8_sanitize() will write for this input. */
size_t utf8_sanitized_size(const char *s, size_t len);

/* Copies s to out replacing each invalid byte with U+FFFD (3 bytes).
 * out must hold utf8_sanitized_size(s, len) bytes. Returns bytes written. */
size_t utf8_sanitize(const char *s, size_t len, char *out);

#endif
