/* main.c - the api binary: command line, configuration, signals.
 *
 *   api                 serve until SIGTERM or SIGINT
 *   api --healthcheck   probe 127.0.0.1:$PORT/health, exit 0 or 1
 *   api --version       print the versions built in
 *   api --help
 *
 * Exit status: 0 after a clean stop, 1 when the server cannot start or the
 * shutdown outlives SHUTDOWN_TIMEOUT_S, 2 for bad usage or configuration. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civetweb.h"

#include "config.h"
#include "health.h"
#include "healthcheck.h"
#include "json.h"
#include "server.h"

#define HEALTHCHECK_TIMEOUT_MS 2000

static const char usage[] =
    "usage: api [--healthcheck | --version | --help]\n"
    "\n"
    "Serves the API over HTTP until SIGTERM or SIGINT, then stops accepting,\n"
    "lets requests in flight finish and exits 0.\n"
    "\n"
    "  --healthcheck  GET http://127.0.0.1:$PORT/health; exit 0 on 200\n"
    "                 within 2 s, else 1 (the container health check)\n"
    "  --version      print the API and library versions\n"
    "  --help         print this text\n"
    "\n"
    "Configuration (environment, read once at start):\n"
    "  PORT                8080   TCP port, 1-65535\n"
    "  API_STAGE           \"\"     API Gateway stage, ^[A-Za-z0-9_-]{0,64}$;\n"
    "                             only changes URLs the service writes\n"
    "  APP_ENV             local  environment name shown by /health\n"
    "  APP_VERSION         dev    git commit, injected by the task definition\n"
    "  IMAGE_DIGEST        \"\"     sha256:<64 hex> of the running image\n"
    "  API_THREADS         64     worker threads = requests served at once\n"
    "  SHUTDOWN_TIMEOUT_S  10     seconds allowed for a graceful stop\n";

static const char *lookup_env(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

static void print_version(void)
{
    char yajl[16];

    format_yajl_version(yajl);
    printf("api 1 (civetweb %s, yajl %s)\n", mg_version(), yajl);
}

/* A lifecycle event on stdout, in the same JSON-lines stream as the access
 * log, so CloudWatch shows starts and stops beside requests. */
static void log_event(const char *event, const struct api_config *cfg,
                      int port, const char *detail)
{
    yajl_gen g = json_begin();
    struct json_text line;
    int st;

    if (g == NULL)
        return;
    st = yajl_gen_map_open(g) | json_key_str(g, "event", event);
    if (cfg != NULL) {
        st |= json_key_int(g, "port", port);
        st |= json_key_str(g, "environment", cfg->environment);
        st |= json_key_str(g, "stage", cfg->stage);
        st |= json_key_str(g, "version", cfg->version);
        st |= json_key_str(g, "image_digest", cfg->image_digest);
        st |= json_key_int(g, "threads", cfg->threads);
    }
    if (detail != NULL)
        st |= json_key_str(g, "detail", detail);
    st |= yajl_gen_map_close(g);
    if (json_finish(g, st, &line) == 0) {
        printf("%s\n", line.data);
        fflush(stdout);
        json_text_free(&line);
    }
}

static int load_config(struct api_config *cfg)
{
    char error[CONFIG_ERROR_MAX];

    if (config_load(cfg, lookup_env, NULL, error, sizeof(error)) != 0) {
        fprintf(stderr, "api: %s\n", error);
        return -1;
    }
    return 0;
}

static int healthcheck(void)
{
    struct api_config cfg;
    char error[160];

    if (load_config(&cfg) != 0)
        return 1;
    if (healthcheck_probe(cfg.port, HEALTHCHECK_TIMEOUT_MS, error,
                          sizeof(error)) != 0) {
        fprintf(stderr, "api: healthcheck failed: %s\n", error);
        return 1;
    }
    return 0;
}

static int serve(void)
{
    struct api_config cfg;
    struct api_server *server;
    char error[256], listen_spec[16];
    sigset_t stop_signals;
    int signal_number = 0;

    if (load_config(&cfg) != 0)
        return 2;
    /* Blocked before any thread exists, so only sigwait() below sees them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    snprintf(listen_spec, sizeof(listen_spec), "%d", cfg.port);
    server = server_start(&cfg, listen_spec, error, sizeof(error));
    if (server == NULL) {
        fprintf(stderr, "api: %s\n", error);
        return 1;
    }
    log_event("started", &cfg, server_port(server), NULL);
    sigwait(&stop_signals, &signal_number);
    log_event("stopping", NULL, 0, signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    if (server_stop(server, cfg.shutdown_timeout_s) != 0) {
        log_event("stop_timeout", NULL, 0,
                  "requests still in flight after SHUTDOWN_TIMEOUT_S");
        return 1;
    }
    log_event("stopped", NULL, 0, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return serve();
    if (argc == 2 && strcmp(argv[1], "--healthcheck") == 0)
        return healthcheck();
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        print_version();
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    fputs(usage, stderr);
    return 2;
}
