/* decimal.h - integers as decimal text, without printf.
 *
 * The response head, its Date and the access log's time are written for
 * every request; snprintf and strftime were most of the service's own
 * instructions per request (see tools/bench/profile_api.py). These write
 * digits directly. Pure. */
#ifndef API_DECIMAL_H
#define API_DECIMAL_H

#include <stddef.h>

/* The shortest decimal form of value, not NUL-terminated; out holds at
 * least 20 bytes. Returns its length. */
size_t decimal_write(char *out, unsigned long long value);

/* Exactly width digits, zero-padded, of value mod 10^width. */
void decimal_write_fixed(char *out, unsigned value, int width);

#endif
