/* handlers.c - see handlers.h. */
#include "handlers.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "docs.h"
#include "echo.h"
#include "health.h"
#include "http_response.h"

int handle_health(struct exchange *x, const char *rest)
{
    (void)rest; /* an exact path */
    return exchange_send_json(x, 200, &x->app->health);
}

int handle_openapi(struct exchange *x, const char *rest)
{
    (void)rest; /* an exact path */
    return exchange_send_json(x, 200, &x->app->openapi);
}

static int send_asset(struct exchange *x, const char *name)
{
    static const struct response_extra page_extra = {.csp = DOCS_CSP};
    struct docs_asset asset;

    if (docs_find(name, &asset) != 0)
        return exchange_fail(x, 404, "no such documentation asset");
    return exchange_send(x, 200, asset.content_type, asset.cache_control,
                         asset.data, asset.size,
                         strcmp(name, DOCS_PAGE_NAME) == 0 ? &page_extra
                                                           : NULL);
}

int handle_docs_page(struct exchange *x, const char *rest)
{
    (void)rest; /* an exact path */
    return send_asset(x, DOCS_PAGE_NAME);
}

int handle_docs_asset(struct exchange *x, const char *rest)
{
    /* "/docs/" would resolve the page's relative URLs one level too deep;
     * a relative Location keeps whatever stage prefix the client used. */
    static const struct response_extra redirect = {.location = "../docs"};

    if (rest[0] == '\0')
        return exchange_send(x, 308, "text/plain", CACHE_NO_STORE, "", 0,
                             &redirect);
    return send_asset(x, rest);
}

int handle_version(struct exchange *x, const char *rest)
{
    struct timespec now;
    char yajl[16];
    struct version_info info = {.cfg = &x->app->cfg,
                                .started_at = x->app->started_at,
                                .civetweb_version = mg_version(),
                                .yajl_version = yajl};
    struct json_text doc;
    int status;

    (void)rest; /* an exact path */
    clock_gettime(CLOCK_MONOTONIC, &now);
    info.uptime_s = (long long)(now.tv_sec - x->app->started_mono.tv_sec);
    format_yajl_version(yajl);
    if (version_render(&info, &doc) != 0)
        return exchange_fail(x, 500, "cannot render the version document");
    status = exchange_send_json(x, 200, &doc);
    json_text_free(&doc);
    return status;
}

/* application/json or application/<anything>+json, parameters allowed. */
static int is_json_media_type(const char *content_type)
{
    size_t len;

    if (content_type == NULL)
        return 0;
    len = strcspn(content_type, "; \t");
    if (len == 16 && strncasecmp(content_type, "application/json", 16) == 0)
        return 1;
    return len > 17 && strncasecmp(content_type, "application/", 12) == 0 &&
           strncasecmp(content_type + len - 5, "+json", 5) == 0;
}

static int send_echo_error(struct exchange *x, const struct echo_error *err)
{
    struct problem p = {.status = err->status, .detail = err->detail};

    if (err->status == 400) {
        p.type = PROBLEM_TYPE_MALFORMED_JSON;
        p.title = "Malformed JSON";
        p.offset = err->offset;
    } else if (err->status == 422) {
        p.type = PROBLEM_TYPE_VALIDATION;
        p.title = "Validation failed";
        p.field = err->field;
    }
    return exchange_send_problem(x, &p, NULL);
}

int handle_echo(struct exchange *x, const char *rest)
{
    struct echo_request req;
    struct echo_error err;
    struct json_text doc;
    const char *body;
    size_t len;
    int status;

    (void)rest; /* an exact path */
    if (!is_json_media_type(exchange_header(x, "Content-Type"))) {
        exchange_discard_body(x);
        return exchange_fail(x, 415, "the body must be application/json");
    }
    status = exchange_read_body(x, &body, &len);
    if (status == 413)
        return exchange_fail(x, 413, "the body is larger than 65536 bytes");
    if (status != 0)
        return exchange_fail(x, status, "the body ended before Content-Length");
    if (echo_parse(body, len, &req, &err) != 0)
        return send_echo_error(x, &err);
    if (echo_render(&req, x->request_id, &doc) != 0)
        return exchange_fail(x, 500, "cannot render the reply");
    status = exchange_send_json(x, 200, &doc);
    json_text_free(&doc);
    return status;
}
