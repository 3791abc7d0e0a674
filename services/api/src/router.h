/* router.h - the route table: which paths exist and which methods each
 * accepts.
 *
 * Pure lookup, so 404 versus 405 (and the Allow header) is decided in one
 * place that unit tests can cover. Paths never include the API Gateway
 * stage: the gateway strips it before forwarding. */
#ifndef API_ROUTER_H
#define API_ROUTER_H

enum route_id {
    ROUTE_HEALTH,
    ROUTE_DOCS_PAGE,
    ROUTE_DOCS_ASSET,
    ROUTE_OPENAPI,
    ROUTE_VERSION,
    ROUTE_ECHO,
    ROUTE_COUNT
};

enum route_methods { METHODS_GET_HEAD, METHODS_POST };

struct route {
    enum route_id id;
    const char *path;        /* exact path, or prefix when is_prefix */
    int is_prefix;
    enum route_methods methods;
    const char *allow;       /* value of the Allow header */
};

struct route_match {
    const struct route *route; /* NULL when status is 404 */
    int status;                /* 0 when routed, 404 or 405 */
};

struct route_match router_match(const char *method, const char *path);

/* The table, for registration with CivetWeb and for tests. */
const struct route *router_routes(int *count);

#endif
