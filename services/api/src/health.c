/* health.c - see health.h. */
#include "health.h"

#include <stdio.h>

#include <yajl/yajl_version.h>

void format_yajl_version(char out[16])
{
    int v = yajl_version(); /* 20100 for 2.1.0 */

    snprintf(out, 16, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
}

int health_render(const struct api_config *cfg, struct json_text *out)
{
    yajl_gen g = json_begin();
    int st;

    if (g == NULL)
        return -1;
    st = yajl_gen_map_open(g);
    st |= json_key_str(g, "status", "ok");
    st |= json_key_str(g, "environment", cfg->environment);
    st |= json_key_str(g, "stage", cfg->stage);
    st |= json_key_str(g, "version", cfg->version);
    st |= json_key_str(g, "image_digest", cfg->image_digest);
    st |= yajl_gen_map_close(g);
    return json_finish(g, st, out);
}

void format_rfc3339(time_t t, char out[21])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int version_render(const struct version_info *info, struct json_text *out)
{
    yajl_gen g = json_begin();
    char started[21];
    int st;

    if (g == NULL)
        return -1;
    format_rfc3339(info->started_at, started);
    st = yajl_gen_map_open(g);
    st |= json_key_str(g, "version", info->cfg->version);
    st |= json_key_str(g, "image_digest", info->cfg->image_digest);
    st |= json_key_str(g, "environment", info->cfg->environment);
    st |= json_key_str(g, "stage", info->cfg->stage);
    st |= json_key_str(g, "started_at", started);
    st |= json_key_int(g, "uptime_s", info->uptime_s);
    st |= json_key(g, "components") | yajl_gen_map_open(g);
    st |= json_key_str(g, "civetweb", info->civetweb_version);
    st |= json_key_str(g, "yajl", info->yajl_version);
    st |= yajl_gen_map_close(g);
    st |= yajl_gen_map_close(g);
    return json_finish(g, st, out);
}
