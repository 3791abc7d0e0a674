/* exchange.h - one request and its response, at the socket edge.
 *
 * Handlers read the request through an exchange and answer through it; it
 * writes the response in as few writes as possible (one for small bodies,
 * which avoids the delayed-ACK stall), decides keep-alive, and writes the
 * access-log line. Nothing here knows about routes. */
#ifndef API_EXCHANGE_H
#define API_EXCHANGE_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "civetweb.h"

#include "app.h"
#include "json.h"
#include "problem.h"
#include "request_id.h"

/* Per worker-thread scratch space, created by the init_thread callback so
 * requests never allocate their buffers. */
struct worker {
    char *body;      /* APP_BODY_LIMIT + 1 bytes */
    char *out;       /* response head + small bodies */
    size_t out_size;
};

struct worker *worker_new(void);
void worker_free(struct worker *w);

struct exchange {
    struct mg_connection *conn;
    const struct mg_request_info *ri; /* fields may be NULL on bad requests */
    const struct app *app;
    struct worker *worker;
    const atomic_int *draining; /* NULL: always close after this response */
    struct timespec start;
    char request_id[REQUEST_ID_MAX + 1];
    int is_head;
    int keep_alive;
};

/* draining is read when the response is sent: once the server is stopping,
 * responses say Connection: close. NULL means close after this response. */
void exchange_begin(struct exchange *x, struct mg_connection *conn,
                    const struct app *app, const atomic_int *draining);

/* A request header, or NULL. */
const char *exchange_header(const struct exchange *x, const char *name);

/* Reads the whole body into the worker's buffer. Returns 0, 413 when it is
 * over APP_BODY_LIMIT, or 400 when the client stopped sending early. */
int exchange_read_body(struct exchange *x, const char **body, size_t *len);

/* Reads and drops a body the handler does not use, so the connection can be
 * kept alive; closes it instead when the body is too large. */
void exchange_discard_body(struct exchange *x);

struct response_extra {
    const char *allow;
    const char *location;
    const char *csp;
    const char *retry_after;
};

/* Sends status, headers and body (omitted for HEAD) and logs the request.
 * Returns status, which is what a CivetWeb handler returns. */
int exchange_send(struct exchange *x, int status, const char *content_type,
                  const char *cache_control, const void *body, size_t len,
                  const struct response_extra *extra);

int exchange_send_json(struct exchange *x, int status,
                       const struct json_text *json);

/* Sends p as application/problem+json; allow may be NULL. Uses x's id. */
int exchange_send_problem(struct exchange *x, struct problem *p,
                          const char *allow);

/* The same with any extra headers (Retry-After on a 503). */
int exchange_send_problem_extra(struct exchange *x, struct problem *p,
                                const struct response_extra *extra);

/* A problem with only status and detail. */
int exchange_fail(struct exchange *x, int status, const char *detail);

#endif
