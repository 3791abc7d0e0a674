/* server.c - see server.h.
 *
 * The request path: CivetWeb parses the request and calls dispatch(), which
 * starts an exchange (request id, timing), asks the router for the route and
 * calls that route's handler. Errors CivetWeb detects itself (unparsable
 * request line, headers over max_request_size) arrive in on_http_error()
 * and leave as problem documents too.
 *
 * Start-up: the route handler is registered from CivetWeb's init_context
 * callback, which runs after the port is bound and before the master and
 * worker threads exist. A connection that arrives that early waits in the
 * kernel's accept queue until it can be routed; it is never answered 404
 * (the old order, mg_start() then mg_set_request_handler(), had a window).
 *
 * Connections under pressure: CivetWeb serves a connection on one worker
 * thread at a time. Our patch (third_party/patches/civetweb-fair-keep-alive
 * .patch) makes connections wait for a worker in one epoll set instead of
 * on a thread: the master adds each accepted socket, idle workers take
 * ready ones in the order they became ready, and a worker lets go of a
 * keep-alive connection, without closing it, when its next request is not
 * there yet while every worker is busy, when it does not come within
 * 100 ms, or when every worker is busy and it has been served for 10 ms.
 * Nor does a worker wait for a slow client: until a request's head (and a
 * body of up to 16 kB) is all there, it takes what has come and parks the
 * connection with it, so clients sending a byte at a time hold no worker
 * (they held one each, and 100 of them kept /health waiting for seconds).
 * So a new connection (an NLB health check) waits only behind those ready
 * before it, whatever the number of open connections, an idle connection
 * costs a socket and no thread, and nothing is ever closed under a client
 * that may be reusing it. Closing busy connections (Connection: close when
 * workers are scarce) was the alternative: it costs a TCP handshake per
 * turn and cannot free a worker held by an idle connection without racing
 * the client's next request.
 *
 * Timeouts (see README, "Connections"): keep-alive connections stay open
 * KEEP_ALIVE_TIMEOUT_MS, longer than the NLB's 350 s TCP idle timeout, so
 * the service never closes a flow the NLB still considers open; the NLB
 * (or API Gateway) always closes first. A request that waited longer than
 * OVERLOAD_WAIT_MS for a worker is answered 503 (overload.h). */
#include "server.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "civetweb.h"

#include "app.h"
#include "exchange.h"
#include "listener.h"
#include "overload.h"
#include "router.h"
#include "url.h"

#define MAX_HEADER_BYTES "16384"
/* The NLB forgets an idle flow after 350 s (its default TCP idle timeout);
 * 10 s more so that our close never crosses a request it forwards. */
#define KEEP_ALIVE_TIMEOUT_MS "360000"
#define MAX_PATH_BYTES 16384 /* a path cannot be longer than the head */

/* The only state that changes while serving: what a graceful stop needs. */
struct traffic {
    atomic_int in_flight; /* requests between dispatch and response */
    atomic_int draining;  /* set by server_stop(): answer Connection: close */
};

struct api_server {
    struct app app;
    struct traffic traffic;
    struct mg_context *mg;
    int port;
    server_listening_fn on_listening; /* tests: see server_start_observed() */
    void *on_listening_arg;
    /* Graceful stop: a helper thread runs mg_stop() and signals done. */
    pthread_mutex_t lock;
    pthread_cond_t stopped;
    int stop_done;
};

static int serve_request(struct api_server *server,
                         struct mg_connection *conn);

static int dispatch(struct mg_connection *conn, void *cbdata)
{
    struct api_server *server = cbdata;
    int status;

    atomic_fetch_add(&server->traffic.in_flight, 1);
    status = serve_request(server, conn);
    atomic_fetch_sub(&server->traffic.in_flight, 1);
    return status;
}

/* 503 at once: the request waited too long for a worker (overload.h). */
static int shed(struct exchange *x)
{
    struct problem p = {.status = 503,
                        .detail = "the service is overloaded; retry after "
                                  OVERLOAD_RETRY_AFTER_S " s"};
    struct response_extra extra = {.retry_after = OVERLOAD_RETRY_AFTER_S};

    x->keep_alive = 0; /* one connection fewer competing for a worker */
    return exchange_send_problem_extra(x, &p, &extra);
}

static int serve_request(struct api_server *server, struct mg_connection *conn)
{
    char path[MAX_PATH_BYTES];
    struct exchange x;
    struct route_match match;
    struct problem p = {0};

    exchange_begin(&x, conn, &server->app, &server->traffic.draining);
    /* CivetWeb keeps at most MG_MAX_HEADERS and drops the rest silently. */
    if (x.ri->num_headers >= MG_MAX_HEADERS) {
        x.keep_alive = 0;
        return exchange_fail(&x, 431, "too many request headers");
    }
    /* CivetWeb runs with decode_url=no: the path is decoded here, strictly
     * (no %00, no malformed escape), so what is routed is what was sent. */
    if (url_decode_path(x.ri->local_uri, path, sizeof(path)) != 0) {
        exchange_discard_body(&x);
        return exchange_fail(&x, 400, "the path has a malformed or NUL escape");
    }
    match = router_match(x.ri->request_method, path);
    if (match.status == 0 &&
        overload_should_shed(mg_get_connection_wait_ms(conn), match.route))
        return shed(&x);
    if (match.status != 0) {
        exchange_discard_body(&x);
        p.status = match.status;
        p.detail = match.status == 404 ? "no such route"
                                       : "method not allowed on this route";
        return exchange_send_problem(&x, &p, match.allow);
    }
    if (match.route->methods != METHODS_POST)
        exchange_discard_body(&x);
    return match.route->handler(&x, match.rest);
}

/* Errors found by CivetWeb before any handler runs. The connection is
 * closed afterwards, whatever the client asked for. */
static int on_http_error(struct mg_connection *conn, int status,
                         const char *message)
{
    const struct api_server *server =
        mg_get_user_data(mg_get_context(conn));
    struct exchange x;

    (void)message;
    exchange_begin(&x, conn, &server->app, NULL);
    /* CivetWeb says 413 when the request head exceeds max_request_size. */
    if (status == 413)
        return exchange_fail(&x, 431, "request headers larger than "
                                      MAX_HEADER_BYTES " bytes"), 0;
    /* Everything CivetWeb rejects here is the client's request (an unknown
     * HTTP version is its 505): bad input is never a 5xx of ours. */
    if (status >= 400 && status < 500)
        return exchange_fail(&x, status, "the request could not be parsed"), 0;
    return exchange_fail(&x, 400, "the request could not be parsed"), 0;
}

/* Runs inside mg_start(), port bound, before any thread that reads a
 * request exists: routes are in place before the first request is read. */
static void on_init_context(const struct mg_context *ctx)
{
    /* CivetWeb passes its context as const; registering a handler is what
     * this callback is for ("init user libraries"). */
    struct mg_context *mg = (struct mg_context *)(uintptr_t)ctx;
    struct api_server *s = mg_get_user_data(ctx);
    struct mg_server_port port;

    if (s->on_listening != NULL && mg_get_server_ports(ctx, 1, &port) == 1)
        s->on_listening(port.port, s->on_listening_arg);
    mg_set_request_handler(mg, "**", dispatch, s);
}

static void *on_init_thread(const struct mg_context *ctx, int thread_type)
{
    (void)ctx;
    return thread_type == 1 ? worker_new() : NULL; /* 1: worker thread */
}

static void on_exit_thread(const struct mg_context *ctx, int thread_type,
                           void *user)
{
    (void)ctx;
    if (thread_type == 1)
        worker_free(user);
}

static int on_log_message(const struct mg_connection *conn, const char *msg)
{
    (void)conn;
    fprintf(stderr, "civetweb: %s\n", msg);
    return 1;
}

static int start_civetweb(struct api_server *s, const char *listen_spec,
                          char *error, size_t error_size)
{
    char threads[16];
    const char *options[] = {
        "listening_ports", listen_spec,
        "num_threads", threads,
        "enable_keep_alive", "yes",
        "keep_alive_timeout_ms", KEEP_ALIVE_TIMEOUT_MS,
        "request_timeout_ms", "10000",
        "tcp_nodelay", "1",
        "max_request_size", MAX_HEADER_BYTES,
        "decode_url", "no", /* see serve_request() */
        NULL,
    };
    struct mg_callbacks callbacks = {
        .http_error = on_http_error,
        .init_context = on_init_context,
        .init_thread = on_init_thread,
        .exit_thread = on_exit_thread,
        .log_message = on_log_message,
    };
    struct mg_server_port port;

    snprintf(threads, sizeof(threads), "%d", s->app.cfg.threads);
    s->mg = mg_start(&callbacks, s, options);
    if (s->mg == NULL) {
        /* CivetWeb has already said why through on_log_message. */
        snprintf(error, error_size, "cannot listen on %s", listen_spec);
        return -1;
    }
    if (mg_get_server_ports(s->mg, 1, &port) != 1) {
        snprintf(error, error_size, "no listening port");
        return -1;
    }
    s->port = port.port;
    return 0;
}

struct api_server *server_start(const struct api_config *cfg,
                                const char *listen_spec, char *error,
                                size_t error_size)
{
    return server_start_observed(cfg, listen_spec, NULL, NULL, error,
                                 error_size);
}

struct api_server *server_start_observed(const struct api_config *cfg,
                                         const char *listen_spec,
                                         server_listening_fn on_listening,
                                         void *arg, char *error,
                                         size_t error_size)
{
    struct api_server *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    s->on_listening = on_listening;
    s->on_listening_arg = arg;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->stopped, NULL);
    if (app_init(&s->app, cfg, error, error_size) != 0 ||
        start_civetweb(s, listen_spec, error, error_size) != 0) {
        if (s->mg != NULL)
            mg_stop(s->mg);
        app_free(&s->app);
        free(s);
        return NULL;
    }
    return s;
}

int server_port(const struct api_server *s)
{
    return s->port;
}

static void *stop_thread(void *arg)
{
    struct api_server *s = arg;

    mg_stop(s->mg); /* closes the listener, joins workers when done */
    pthread_mutex_lock(&s->lock);
    s->stop_done = 1;
    pthread_cond_signal(&s->stopped);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until no request is between dispatch and response, nor has its
 * head in and its body still coming (CivetWeb reads a small body ahead of
 * dispatch, without a worker between its bytes). */
static int drain(struct api_server *s, long long deadline_ms)
{
    const struct timespec tick = {0, 10 * 1000 * 1000};

    while (atomic_load(&s->traffic.in_flight) > 0 ||
           mg_get_requests_awaiting_body(s->mg) > 0) {
        if (now_ms() >= deadline_ms)
            return -1;
        nanosleep(&tick, NULL);
    }
    return 0;
}

/* mg_stop() in a helper thread, so a stuck worker cannot hold the process
 * past its deadline. */
static int stop_civetweb(struct api_server *s, long long deadline_ms)
{
    struct timespec deadline = {deadline_ms / 1000,
                                (deadline_ms % 1000) * 1000000};
    pthread_condattr_t attr;
    pthread_t thread;
    int rc = 0;

    /* The condition waits on CLOCK_MONOTONIC, like now_ms(). */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_destroy(&s->stopped);
    pthread_cond_init(&s->stopped, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&thread, NULL, stop_thread, s) != 0) {
        mg_stop(s->mg);
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    while (!s->stop_done && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&s->stopped, &s->lock, &deadline);
    pthread_mutex_unlock(&s->lock);
    if (!s->stop_done)
        return -1;
    pthread_join(thread, NULL);
    return 0;
}

int server_stop(struct api_server *s, int timeout_s)
{
    long long deadline_ms = now_ms() + (long long)timeout_s * 1000;
    int idle_pipe;

    /* Order matters: mg_stop() aborts reads and writes in flight, so first
     * refuse new connections and let every started request finish. */
    atomic_store(&s->traffic.draining, 1);
    idle_pipe = listener_close(s->port);
    if (drain(s, deadline_ms) != 0 || stop_civetweb(s, deadline_ms) != 0)
        return -1;
    if (idle_pipe >= 0)
        close(idle_pipe);
    app_free(&s->app);
    pthread_cond_destroy(&s->stopped);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return 0;
}
