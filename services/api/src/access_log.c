/* access_log.c - see access_log.h. */
#include "access_log.h"

#include <stdio.h>
#include <string.h>

void access_log_time(const struct timespec *t, char out[25])
{
    struct tm tm;
    char seconds[20];

    gmtime_r(&t->tv_sec, &tm);
    strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 25, "%.19s.%03dZ", seconds,
             (int)((unsigned long)t->tv_nsec / 1000000UL % 1000UL));
}

static int key_untrusted(yajl_gen g, const char *key, const char *value)
{
    size_t len;

    if (value == NULL)
        return json_key(g, key) | yajl_gen_null(g);
    len = strnlen(value, ACCESS_LOG_FIELD_MAX);
    return json_key_untrusted(g, key, value, len);
}

/* yajl_gen_double prints 17 significant digits; three decimals are enough. */
static int json_number(yajl_gen g, const char *format, double value)
{
    char text[32];
    int n = snprintf(text, sizeof(text), format, value < 0 ? 0.0 : value);

    if (n < 0 || (size_t)n >= sizeof(text))
        return yajl_gen_invalid_number;
    return yajl_gen_number(g, text, (size_t)n);
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
    st |= json_key(g, "duration_ms") | json_number(g, "%.3f", e->duration_ms);
    st |= key_untrusted(g, "request_id", e->request_id);
    st |= key_untrusted(g, "user_agent", e->user_agent);
    st |= yajl_gen_map_close(g);
    return json_finish(g, st, out);
}
