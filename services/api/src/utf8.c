/* utf8.c - see utf8.h. Follows the Unicode "well-formed UTF-8" table
 * (Unicode 15, table 3-7), so overlongs and surrogates are rejected. */
#include "utf8.h"

#include <string.h>

static int in(unsigned char c, unsigned char lo, unsigned char hi)
{
    return c >= lo && c <= hi;
}

size_t utf8_sequence_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];

    if (avail == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (in(c, 0xC2, 0xDF))
        return avail >= 2 && in(s[1], 0x80, 0xBF) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        unsigned char hi = c == 0xED ? 0x9F : 0xBF;
        return avail >= 3 && in(s[1], lo, hi) && in(s[2], 0x80, 0xBF) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
        return avail >= 4 && in(s[1], lo, hi) && in(s[2], 0x80, 0xBF) &&
                       in(s[3], 0x80, 0xBF)
                   ? 4
                   : 0;
    }
    return 0;
}

size_t utf8_count_code_points(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0;

    for (size_t i = 0; i < len; count++) {
        size_t n = utf8_sequence_length(p + i, len - i);
        if (n == 0)
            return (size_t)-1;
        i += n;
    }
    return count;
}

size_t utf8_sanitized_size(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t out = 0;

    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence_length(p + i, len - i);
        out += n ? n : 3;
        i += n ? n : 1;
    }
    return out;
}

size_t utf8_sanitize(const char *s, size_t len, char *out)
{
    static const char replacement[3] = {(char)0xEF, (char)0xBF, (char)0xBD};
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;

    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence_length(p + i, len - i);
        if (n) {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, replacement, 3);
            o += 3;
            i += 1;
        }
    }
    return o;
}
