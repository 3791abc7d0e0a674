/* config_fuzz.c - libFuzzer target: configuration parsing. The input is
 * split at NUL bytes into the values of the seven variables. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static const char *names[] = {"PORT", "API_STAGE", "APP_ENV", "APP_VERSION",
                              "IMAGE_DIGEST", "API_THREADS", "SHUTDOWN_TIMEOUT_S"};

struct env {
    char *values[7];
};

static const char *lookup(const char *name, void *ctx)
{
    struct env *env = ctx;

    for (size_t i = 0; i < 7; i++) {
        if (strcmp(names[i], name) == 0)
            return env->values[i];
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    struct env env = {{NULL}};
    struct api_config cfg;
    char error[CONFIG_ERROR_MAX];
    size_t field = 0;

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    env.values[0] = copy;
    for (size_t i = 0; i < size && field < 6; i++) {
        if (copy[i] == '\0')
            env.values[++field] = copy + i + 1;
    }
    if (config_load(&cfg, lookup, &env, error, sizeof(error)) == 0 &&
        (cfg.port < 1 || cfg.port > 65535 || cfg.threads < 1))
        abort(); /* accepted something out of range */
    free(copy);
    return 0;
}
