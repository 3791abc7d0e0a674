/* http_response.h - the bytes of a response head.
 *
 * Every response the service writes goes through http_format_head(), so
 * each one has Content-Length (keep-alive clients never wait for a close),
 * X-Request-Id, X-Content-Type-Options and an explicit Cache-Control.
 * Pure: the caller sends the result, ideally in one write with the body. */
#ifndef API_HTTP_RESPONSE_H
#define API_HTTP_RESPONSE_H

#include <stddef.h>
#include <time.h>

#define CACHE_NO_STORE "no-store"

struct http_response {
    int status;
    const char *content_type;
    const char *cache_control;
    const char *request_id;
    const char *allow;          /* optional: 405 */
    const char *location;       /* optional: redirects, always relative */
    const char *csp;            /* optional: Content-Security-Policy */
    const char *retry_after;    /* optional: 503, seconds */
    const char *date;           /* IMF-fixdate, see http_format_date() */
    int keep_alive;
    size_t content_length;
};

/* Writes the status line and headers ending in an empty line. Returns the
 * length written, or -1 when size is too small. */
int http_format_head(const struct http_response *r, char *buf, size_t size);

/* "Thu, 26 Nov 2026 14:46:21 GMT"; out holds 30 bytes. */
void http_format_date(time_t t, char out[30]);

#endif
