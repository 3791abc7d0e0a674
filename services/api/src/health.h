/* health.h - the documents describing the running service: GET /health and
 * GET /v1/version.
 *
 * The health body depends only on configuration, so the server renders it
 * once at start-up and sends the same bytes for every probe. */
#ifndef API_HEALTH_H
#define API_HEALTH_H

#include <time.h>

#include "config.h"
#include "json.h"

/* {"status":"ok","environment","stage","version","image_digest"} */
int health_render(const struct api_config *cfg, struct json_text *out);

struct version_info {
    const struct api_config *cfg;
    time_t started_at;       /* wall clock, for started_at */
    long long uptime_s;
    const char *civetweb_version;
    const char *yajl_version;
};

/* {"version","image_digest","environment","stage","started_at","uptime_s",
 *  "civetweb","yajl"} */
int version_render(const struct version_info *info, struct json_text *out);

/* The linked yajl's version as "2.1.0"; out holds 16 bytes. */
void format_yajl_version(char out[16]);

/* RFC 3339 UTC with seconds: "2026-11-26T14:46:21Z". out holds 21 bytes. */
void format_rfc3339(time_t t, char out[21]);

#endif
