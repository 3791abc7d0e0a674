/* url.c - see url.h. */
#include "url.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int url_decode_path(const char *path, char *out, size_t out_size)
{
    size_t o = 0;

    for (const char *p = path; *p != '\0'; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);
            if (lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = hi * 16 + lo;
            p += 2;
        }
        if (o + 1 >= out_size)
            return -1;
        out[o++] = (char)c;
    }
    if (out_size == 0)
        return -1;
    out[o] = '\0';
    return 0;
}
