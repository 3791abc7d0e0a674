/* http_response.c - see http_response.h. */
#include "http_response.h"

#include <stdio.h>

#include "problem.h"

static int append(char *buf, size_t size, size_t *used, const char *name,
                  const char *value)
{
    int n;

    if (value == NULL)
        return 0;
    n = snprintf(buf + *used, size - *used, "%s: %s\r\n", name, value);
    if (n < 0 || (size_t)n >= size - *used)
        return -1;
    *used += (size_t)n;
    return 0;
}

int http_format_head(const struct http_response *r, char *buf, size_t size)
{
    char length[24];
    size_t used = 0;
    int n, rc = 0;

    n = snprintf(buf, size, "HTTP/1.1 %d %s\r\n", r->status,
                 problem_reason_phrase(r->status));
    if (n < 0 || (size_t)n >= size)
        return -1;
    used = (size_t)n;
    snprintf(length, sizeof(length), "%zu", r->content_length);
    rc |= append(buf, size, &used, "Date", r->date);
    rc |= append(buf, size, &used, "Content-Type", r->content_type);
    rc |= append(buf, size, &used, "Content-Length", length);
    rc |= append(buf, size, &used, "Cache-Control", r->cache_control);
    rc |= append(buf, size, &used, "X-Content-Type-Options", "nosniff");
    rc |= append(buf, size, &used, "X-Request-Id", r->request_id);
    rc |= append(buf, size, &used, "Allow", r->allow);
    rc |= append(buf, size, &used, "Location", r->location);
    rc |= append(buf, size, &used, "Content-Security-Policy", r->csp);
    rc |= append(buf, size, &used, "Connection",
                 r->keep_alive ? "keep-alive" : "close");
    if (rc != 0 || size - used < 3)
        return -1;
    buf[used++] = '\r';
    buf[used++] = '\n';
    buf[used] = '\0';
    return (int)used;
}

void http_format_date(time_t t, char out[30])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}
