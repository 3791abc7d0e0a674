/* exchange.c - see exchange.h. */
#include "exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "access_log.h"
#include "http_response.h"

#define OUT_SIZE (16 * 1024)

struct worker *worker_new(void)
{
    struct worker *w = calloc(1, sizeof(*w));

    if (w == NULL)
        return NULL;
    w->body = malloc(APP_BODY_LIMIT + 1);
    w->out = malloc(OUT_SIZE);
    w->out_size = OUT_SIZE;
    if (w->body == NULL || w->out == NULL) {
        worker_free(w);
        return NULL;
    }
    return w;
}

void worker_free(struct worker *w)
{
    if (w == NULL)
        return;
    free(w->body);
    free(w->out);
    free(w);
}

static int client_wants_keep_alive(const struct exchange *x)
{
    const char *connection = exchange_header(x, "Connection");
    const char *version = x->ri->http_version;

    if (connection != NULL)
        return strcasestr(connection, "keep-alive") != NULL;
    return version != NULL && strcmp(version, "1.1") == 0;
}

void exchange_begin(struct exchange *x, struct mg_connection *conn,
                    const struct app *app, const atomic_int *draining)
{
    unsigned char random[REQUEST_ID_RANDOM_BYTES] = {0};

    memset(x, 0, sizeof(*x));
    clock_gettime(CLOCK_MONOTONIC, &x->start);
    x->conn = conn;
    x->ri = mg_get_request_info(conn);
    x->app = app;
    x->worker = mg_get_thread_pointer(conn);
    x->is_head = x->ri->request_method != NULL &&
                 strcmp(x->ri->request_method, "HEAD") == 0;
    x->draining = draining;
    x->keep_alive = draining != NULL && client_wants_keep_alive(x);
    if (request_id_from_headers(exchange_header(x, "X-Request-Id"),
                                exchange_header(x, "X-Amzn-Trace-Id"),
                                x->request_id))
        return;
    /* getrandom() only fails before the kernel's pool is seeded, long
     * before a server accepts traffic; zeros still make a valid id. */
    if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
        memset(random, 0, sizeof(random));
    request_id_generate(random, x->request_id);
}

const char *exchange_header(const struct exchange *x, const char *name)
{
    for (int i = 0; i < x->ri->num_headers; i++) {
        if (strcasecmp(x->ri->http_headers[i].name, name) == 0)
            return x->ri->http_headers[i].value;
    }
    return NULL;
}

int exchange_read_body(struct exchange *x, const char **body, size_t *len)
{
    long long declared = x->ri->content_length;
    size_t used = 0;
    int n;

    *body = x->worker->body;
    *len = 0;
    if (declared > APP_BODY_LIMIT) {
        x->keep_alive = 0;
        return 413;
    }
    while ((n = mg_read(x->conn, x->worker->body + used,
                        APP_BODY_LIMIT + 1 - used)) > 0) {
        used += (size_t)n;
        if (used > APP_BODY_LIMIT) {
            x->keep_alive = 0;
            return 413;
        }
    }
    if (n < 0 || (declared >= 0 && used != (size_t)declared)) {
        x->keep_alive = 0;
        return 400;
    }
    x->worker->body[used] = '\0';
    *len = used;
    return 0;
}

void exchange_discard_body(struct exchange *x)
{
    const char *body;
    size_t len;

    if (x->ri->content_length == 0)
        return;
    if (exchange_read_body(x, &body, &len) != 0)
        x->keep_alive = 0;
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void log_request(const struct exchange *x, int status, size_t bytes)
{
    struct access_entry e = {
        .method = x->ri->request_method,
        .path = x->ri->local_uri_raw ? x->ri->local_uri_raw
                                     : x->ri->request_uri,
        .status = status,
        .bytes = bytes,
        .duration_ms = elapsed_ms(&x->start),
        .request_id = x->request_id,
        .user_agent = exchange_header(x, "User-Agent"),
    };
    struct json_text line;

    clock_gettime(CLOCK_REALTIME, &e.time);
    if (access_log_format(&e, &line) != 0)
        return;
    flockfile(stdout);
    fwrite(line.data, 1, line.len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    funlockfile(stdout);
    json_text_free(&line);
}

int exchange_send(struct exchange *x, int status, const char *content_type,
                  const char *cache_control, const void *body, size_t len,
                  const struct response_extra *extra)
{
    static const struct response_extra none = {0};
    struct worker *w = x->worker;
    char date[30];
    struct http_response head;
    int head_len, written;
    size_t total;

    if (extra == NULL)
        extra = &none;
    if (x->draining == NULL || atomic_load(x->draining))
        x->keep_alive = 0;
    if (!x->keep_alive)
        mg_close_after_response(x->conn); /* as the header below says */
    http_format_date(time(NULL), date);
    head = (struct http_response){
        .status = status, .content_type = content_type,
        .cache_control = cache_control, .request_id = x->request_id,
        .allow = extra->allow, .location = extra->location,
        .csp = extra->csp, .retry_after = extra->retry_after,
        .date = date, .keep_alive = x->keep_alive,
        .content_length = len,
    };
    head_len = http_format_head(&head, w->out, w->out_size);
    if (head_len < 0)
        return status;
    if (x->is_head)
        len = 0;
    total = (size_t)head_len + len;
    if (total <= w->out_size) {
        if (len > 0)
            memcpy(w->out + head_len, body, len);
        written = mg_write(x->conn, w->out, total);
    } else {
        written = mg_write(x->conn, w->out, (size_t)head_len);
        if (written == head_len)
            written += mg_write(x->conn, body, len);
    }
    log_request(x, status, written > 0 ? (size_t)written : 0);
    return status;
}

int exchange_send_json(struct exchange *x, int status,
                       const struct json_text *json)
{
    return exchange_send(x, status, "application/json", CACHE_NO_STORE,
                         json->data, json->len, NULL);
}

int exchange_send_problem_extra(struct exchange *x, struct problem *p,
                                const struct response_extra *extra)
{
    struct json_text doc;
    int status;

    p->request_id = x->request_id;
    if (problem_render(p, &doc) != 0)
        return exchange_send(x, 500, "text/plain", CACHE_NO_STORE, "", 0, NULL);
    status = exchange_send(x, p->status, PROBLEM_CONTENT_TYPE, CACHE_NO_STORE,
                           doc.data, doc.len, extra);
    json_text_free(&doc);
    return status;
}

int exchange_send_problem(struct exchange *x, struct problem *p,
                          const char *allow)
{
    struct response_extra extra = {.allow = allow};

    return exchange_send_problem_extra(x, p, &extra);
}

int exchange_fail(struct exchange *x, int status, const char *detail)
{
    struct problem p = {.status = status, .detail = detail};

    return exchange_send_problem(x, &p, NULL);
}
