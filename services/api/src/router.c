/* router.c - see router.h. */
#include "router.h"

#include <stddef.h>
#include <string.h>

#include "handlers.h"

static const struct route routes[] = {
    /* path, is_prefix, methods, handler, always_served (the NLB's check) */
    {"/health", 0, METHODS_GET_HEAD, handle_health, 1},
    {"/docs", 0, METHODS_GET_HEAD, handle_docs_page, 0},
    {"/docs/", 1, METHODS_GET_HEAD, handle_docs_asset, 0},
    {"/openapi.json", 0, METHODS_GET_HEAD, handle_openapi, 0},
    {"/v1/version", 0, METHODS_GET_HEAD, handle_version, 0},
    {"/v1/echo", 0, METHODS_POST, handle_echo, 0},
};

#define ROUTE_COUNT (sizeof(routes) / sizeof(routes[0]))

const struct route *router_routes(int *count)
{
    *count = (int)ROUTE_COUNT;
    return routes;
}

const char *router_allow(enum route_methods methods)
{
    return methods == METHODS_POST ? "POST" : "GET, HEAD";
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
    struct route_match match = {NULL, 404, NULL, NULL};

    if (method == NULL || path == NULL)
        return match;
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        if (!path_matches(&routes[i], path))
            continue;
        match.route = &routes[i];
        match.allow = router_allow(routes[i].methods);
        if (!method_allowed(routes[i].methods, method)) {
            match.status = 405;
            return match;
        }
        match.status = 0;
        match.rest = path + strlen(routes[i].path);
        return match;
    }
    return match;
}
