/* decimal.h - integers and UTC times as decimal text, without printf.
 *
 * The response head, its Date and the access log's time are written for
 * every request; snprintf and strftime were most of the service's own
 * instructions per request (see tools/bench/profile_api.py). These write
 * digits directly. Pure. */
#ifndef API_DECIMAL_H
#define API_DECIMAL_H

#include <stddef.h>
#include <time.h>

/* The shortest decimal form of value, not NUL-terminated; out holds at
 * least 20 bytes. Returns its length. */
size_t decimal_write(char *out, unsigned long long value);

/* Exactly width digits, zero-padded, of value mod 10^width. */
void decimal_write_fixed(char *out, unsigned value, int width);

/* Fills *tm with t's UTC fields. Returns 0, or -1 when the year does not
 * have four digits (0 to 9999), which no formatter here can write. */
int decimal_utc(time_t t, struct tm *tm);

/* "HH:MM:SS" of tm: 8 bytes, not NUL-terminated. */
void decimal_write_clock(char *out, const struct tm *tm);

#endif
