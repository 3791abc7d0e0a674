/* config.h - the service's configuration, read once from the environment.
 *
 * Everything that differs between environments (stage, environment name,
 * version, image digest) arrives here at start-up and nowhere else: the
 * image itself is identical in dev and prod. Parsing is pure: the caller
 * passes a lookup function, so tests never touch the real environment. */
#ifndef API_CONFIG_H
#define API_CONFIG_H

#include <stddef.h>

#define CONFIG_STAGE_MAX 64
#define CONFIG_TEXT_MAX 128
#define CONFIG_DIGEST_LEN 71 /* "sha256:" + 64 hex */
#define CONFIG_ERROR_MAX 512

struct api_config {
    int port;                               /* PORT, 1..65535, default 8080 */
    char stage[CONFIG_STAGE_MAX + 1];       /* API_STAGE, default "" */
    char environment[CONFIG_TEXT_MAX + 1];  /* APP_ENV, default "local" */
    char version[CONFIG_TEXT_MAX + 1];      /* APP_VERSION, default "dev" */
    char image_digest[CONFIG_DIGEST_LEN + 1]; /* IMAGE_DIGEST, default "" */
    int threads;                            /* API_THREADS, 1..1024 */
    int shutdown_timeout_s;                 /* SHUTDOWN_TIMEOUT_S, 1..300 */
};

/* Returns the value of an environment variable, or NULL when unset. */
typedef const char *(*config_lookup_fn)(const char *name, void *ctx);

/* Fills *cfg from the lookup. Returns 0 on success; on a bad value returns -1
 * and writes one line naming the variable, the value and what is accepted. */
int config_load(struct api_config *cfg, config_lookup_fn lookup, void *ctx,
                char *error, size_t error_size);

/* Defaults, exposed for --help and tests. */
#define CONFIG_DEFAULT_PORT 8080
#define CONFIG_DEFAULT_ENV "local"
#define CONFIG_DEFAULT_VERSION "dev"
/* Threads serve requests in progress, not connections (an open connection
 * waits for one in an epoll set): 64 on a 2-CPU task halves the context
 * switches per request against 128 under load (README, "Benchmark"). */
#define CONFIG_DEFAULT_THREADS 64
#define CONFIG_DEFAULT_SHUTDOWN_TIMEOUT_S 10

#endif
