/* config.c - parse and validate the environment into struct api_config.
 *
 * Each variable has one parser that either accepts the value or explains,
 * in a single line, what it expected. Unset and empty mean "use the
 * default" except for API_STAGE and IMAGE_DIGEST, whose default is empty. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *error, size_t size, const char *name, const char *value,
                const char *accepted)
{
    snprintf(error, size, "invalid %s=\"%.*s\": expected %s", name, 80, value,
             accepted);
    return -1;
}

static int parse_int(const char *value, int min, int max, int *out)
{
    char *end = NULL;
    long parsed;

    if (value[0] < '0' || value[0] > '9')
        return -1;
    errno = 0;
    parsed = strtol(value, &end, 10);
    if (errno != 0 || *end != '\0' || parsed < min || parsed > max)
        return -1;
    *out = (int)parsed;
    return 0;
}

static int is_stage_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Printable ASCII without quotes or backslashes: these values end up in
 * logs and JSON, and a deploy pipeline never needs anything else. */
static int is_plain_text(const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\\')
            return 0;
    }
    return 1;
}

static int valid_stage(const char *value)
{
    size_t len = strlen(value);

    if (len > CONFIG_STAGE_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (!is_stage_char(value[i]))
            return 0;
    }
    return 1;
}

static int valid_digest(const char *value)
{
    if (value[0] == '\0')
        return 1;
    if (strlen(value) != CONFIG_DIGEST_LEN || strncmp(value, "sha256:", 7) != 0)
        return 0;
    for (const char *p = value + 7; *p; p++) {
        if (!is_lower_hex(*p))
            return 0;
    }
    return 1;
}

static const char *get(config_lookup_fn lookup, void *ctx, const char *name)
{
    const char *value = lookup(name, ctx);
    return value ? value : "";
}

static int load_text(char *dst, size_t dst_size, const char *value,
                     const char *fallback)
{
    if (value[0] == '\0')
        value = fallback;
    if (strlen(value) >= dst_size || !is_plain_text(value))
        return -1;
    memcpy(dst, value, strlen(value) + 1);
    return 0;
}

static int load_number(int *dst, const char *value, int fallback, int min,
                       int max)
{
    if (value[0] == '\0') {
        *dst = fallback;
        return 0;
    }
    return parse_int(value, min, max, dst);
}

int config_load(struct api_config *cfg, config_lookup_fn lookup, void *ctx,
                char *error, size_t error_size)
{
    const char *value;

    memset(cfg, 0, sizeof(*cfg));

    value = get(lookup, ctx, "PORT");
    if (load_number(&cfg->port, value, CONFIG_DEFAULT_PORT, 1, 65535) != 0)
        return fail(error, error_size, "PORT", value,
                    "an integer from 1 to 65535");

    value = get(lookup, ctx, "API_STAGE");
    if (!valid_stage(value))
        return fail(error, error_size, "API_STAGE", value,
                    "0 to 64 characters of A-Z a-z 0-9 _ -");
    memcpy(cfg->stage, value, strlen(value) + 1);

    value = get(lookup, ctx, "APP_ENV");
    if (load_text(cfg->environment, sizeof(cfg->environment), value,
                  CONFIG_DEFAULT_ENV) != 0)
        return fail(error, error_size, "APP_ENV", value,
                    "1 to 128 printable ASCII characters without quotes, "
                    "backslashes or spaces");

    value = get(lookup, ctx, "APP_VERSION");
    if (load_text(cfg->version, sizeof(cfg->version), value,
                  CONFIG_DEFAULT_VERSION) != 0)
        return fail(error, error_size, "APP_VERSION", value,
                    "1 to 128 printable ASCII characters without quotes, "
                    "backslashes or spaces");

    value = get(lookup, ctx, "IMAGE_DIGEST");
    if (!valid_digest(value))
        return fail(error, error_size, "IMAGE_DIGEST", value,
                    "sha256: followed by 64 lowercase hex digits, or empty");
    memcpy(cfg->image_digest, value, strlen(value) + 1);

    value = get(lookup, ctx, "API_THREADS");
    if (load_number(&cfg->threads, value, CONFIG_DEFAULT_THREADS, 1, 1024) != 0)
        return fail(error, error_size, "API_THREADS", value,
                    "an integer from 1 to 1024");

    value = get(lookup, ctx, "SHUTDOWN_TIMEOUT_S");
    if (load_number(&cfg->shutdown_timeout_s, value,
                    CONFIG_DEFAULT_SHUTDOWN_TIMEOUT_S, 1, 300) != 0)
        return fail(error, error_size, "SHUTDOWN_TIMEOUT_S", value,
                    "an integer number of seconds from 1 to 300");
    return 0;
}
