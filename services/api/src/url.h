/* url.h - percent-decoding of request paths.
 *
 * CivetWeb's own decoding writes into the buffer it also calls "raw" and
 * lets %00 cut a path short, so the service takes the path undecoded and
 * decodes it here, strictly. Pure. */
#ifndef API_URL_H
#define API_URL_H

#include <stddef.h>

/* Decodes %XX escapes of path into out (out_size bytes, NUL-terminated).
 * Returns 0, or -1 when path has %00, a malformed escape, or does not fit. */
int url_decode_path(const char *path, char *out, size_t out_size);

#endif
