/* access_log.h - one JSON object per request, for CloudWatch Logs.
 *
 * Formatting is pure and safe for anything a client sends: paths and user
 * agents are repaired to valid UTF-8 and escaped by yajl_gen, and long
 * values are cut, so every line parses as JSON. */
#ifndef API_ACCESS_LOG_H
#define API_ACCESS_LOG_H

#include <stddef.h>
#include <time.h>

#include "json.h"

#define ACCESS_LOG_FIELD_MAX 2048 /* bytes kept of path and user agent */

struct access_entry {
    struct timespec time;       /* wall clock when the response was sent */
    const char *method;         /* may be NULL (request line unreadable) */
    const char *path;           /* raw path as sent, may be NULL */
    int status;
    size_t bytes;               /* response bytes written, head included */
    double duration_ms;
    const char *request_id;     /* may be NULL */
    const char *user_agent;     /* may be NULL */
};

/* Renders the line without its trailing newline. */
int access_log_format(const struct access_entry *e, struct json_text *out);

/* "2026-11-26T14:46:21.123Z"; out holds 25 bytes. */
void access_log_time(const struct timespec *t, char out[25]);

#endif
