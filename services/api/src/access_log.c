/* access_log.c - see access_log.h. */
#include "access_log.h"

#include <string.h>

#include "decimal.h"

void access_log_time(const struct timespec *t, char out[25])
{
    struct tm tm;

    if (decimal_utc(t->tv_sec, &tm) != 0) {
        memcpy(out, "1970-01-01T00:00:00.000Z", 25);
        return;
    }
    decimal_write_fixed(out, (unsigned)(tm.tm_year + 1900), 4);
    out[4] = '-';
    decimal_write_fixed(out + 5, (unsigned)tm.tm_mon + 1, 2);
    out[7] = '-';
    decimal_write_fixed(out + 8, (unsigned)tm.tm_mday, 2);
    out[10] = 'T';
    decimal_write_clock(out + 11, &tm);
    out[19] = '.';
    decimal_write_fixed(out + 20, (unsigned)(t->tv_nsec / 1000000 % 1000), 3);
    memcpy(out + 23, "Z", 2);
}

static int key_untrusted(yajl_gen g, const char *key, const char *value)
{
    size_t len;

    if (value == NULL)
        return json_key(g, key) | yajl_gen_null(g);
    len = strnlen(value, ACCESS_LOG_FIELD_MAX);
    return json_key_untrusted(g, key, value, len);
}

/* Milliseconds with three decimals ("0.250"): yajl_gen_double would print
 * 17 significant digits, and printf's %.3f costs more than the rest of
 * the line's numbers together. Negative durations (a clock step) are 0. */
static int json_millis(yajl_gen g, double ms)
{
    char text[32];
    unsigned long long us;
    size_t n;

    if (!(ms > 0))
        ms = 0;
    if (ms > 1e12)
        ms = 1e12; /* 30 years; keeps the product below 2^64 */
    us = (unsigned long long)(ms * 1000.0 + 0.5);
    n = decimal_write(text, us / 1000);
    text[n++] = '.';
    decimal_write_fixed(text + n, (unsigned)(us % 1000), 3);
    return yajl_gen_number(g, text, n + 3);
}

int access_log_format(const struct access_entry *e, struct json_text *out)
{
    yajl_gen g = json_begin();
    char time_text[25];
    int st;

    if (g == NULL)
        return -1;
    access_log_time(&e->time, time_text);
    st = yajl_gen_map_open(g);
    st |= json_key_str(g, "time", time_text);
    st |= key_untrusted(g, "method", e->method);
    st |= key_untrusted(g, "path", e->path);
    st |= json_key_int(g, "status", e->status);
    st |= json_key_int(g, "bytes", (long long)e->bytes);
    st |= json_key(g, "duration_ms") | json_millis(g, e->duration_ms);
    st |= key_untrusted(g, "request_id", e->request_id);
    st |= key_untrusted(g, "user_agent", e->user_agent);
    st |= yajl_gen_map_close(g);
    return json_finish(g, st, out);
}
