/* router.c - see router.h. */
#include "router.h"

#include <stddef.h>
#include <string.h>

static const struct route routes[ROUTE_COUNT] = {
    {ROUTE_HEALTH, "/health", 0, METHODS_GET_HEAD, "GET, HEAD"},
    {ROUTE_DOCS_PAGE, "/docs", 0, METHODS_GET_HEAD, "GET, HEAD"},
    {ROUTE_DOCS_ASSET, "/docs/", 1, METHODS_GET_HEAD, "GET, HEAD"},
    {ROUTE_OPENAPI, "/openapi.json", 0, METHODS_GET_HEAD, "GET, HEAD"},
    {ROUTE_VERSION, "/v1/version", 0, METHODS_GET_HEAD, "GET, HEAD"},
    {ROUTE_ECHO, "/v1/echo", 0, METHODS_POST, "POST"},
};

const struct route *router_routes(int *count)
{
    *count = ROUTE_COUNT;
    return routes;
}

static int path_matches(const struct route *r, const char *path)
{
    if (r->is_prefix)
        return strncmp(path, r->path, strlen(r->path)) == 0;
    return strcmp(path, r->path) == 0;
}

static int method_allowed(enum route_methods methods, const char *method)
{
    if (methods == METHODS_POST)
        return strcmp(method, "POST") == 0;
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

struct route_match router_match(const char *method, const char *path)
{
    struct route_match match = {NULL, 404};

    if (method == NULL || path == NULL)
        return match;
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        if (!path_matches(&routes[i], path))
            continue;
        match.route = &routes[i];
        match.status = method_allowed(routes[i].methods, method) ? 0 : 405;
        return match;
    }
    return match;
}
