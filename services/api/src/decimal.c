/* decimal.c - see decimal.h. */
#include "decimal.h"

size_t decimal_write(char *out, unsigned long long value)
{
    char reversed[20];
    size_t n = 0;

    do {
        reversed[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++)
        out[i] = reversed[n - 1 - i];
    return n;
}

void decimal_write_fixed(char *out, unsigned value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

int decimal_utc(time_t t, struct tm *tm)
{
    if (gmtime_r(&t, tm) == NULL || tm->tm_year + 1900 > 9999 ||
        tm->tm_year + 1900 < 0)
        return -1;
    return 0;
}

void decimal_write_clock(char *out, const struct tm *tm)
{
    decimal_write_fixed(out, (unsigned)tm->tm_hour, 2);
    out[2] = ':';
    decimal_write_fixed(out + 3, (unsigned)tm->tm_min, 2);
    out[5] = ':';
    decimal_write_fixed(out + 6, (unsigned)tm->tm_sec, 2);
}
