/* router.h - the route table: which paths exist, which methods each
 * accepts, and the handler that answers it.
 *
 * A route is one row of the table in router.c: adding one is that row, its
 * handler (handlers.h) and its entry in static/openapi.json, which the
 * tests check against the table in both directions. Lookup is pure, so 404
 * versus 405 (and the Allow header) is decided in one place that unit tests
 * can cover. Paths never include the API Gateway stage: the gateway strips
 * it before forwarding. */
#ifndef API_ROUTER_H
#define API_ROUTER_H

struct exchange;

/* Answers a routed request. rest is what follows the route's path: "" for
 * an exact path, the asset name under "/docs/". */
typedef int route_handler(struct exchange *x, const char *rest);

enum route_methods { METHODS_GET_HEAD, METHODS_POST };

struct route {
    const char *path;        /* exact path, or prefix when is_prefix */
    int is_prefix;
    enum route_methods methods;
    route_handler *handler;
    int always_served;       /* never shed under overload (overload.h) */
};

struct route_match {
    const struct route *route; /* NULL when status is 404 */
    int status;                /* 0 when routed, 404 or 405 */
    const char *allow;         /* the Allow header; NULL when status is 404 */
    const char *rest;          /* what follows route->path; NULL unless 0 */
};

struct route_match router_match(const char *method, const char *path);

/* The Allow header of a method set ("GET, HEAD", "POST"). */
const char *router_allow(enum route_methods methods);

/* The table, for tests. */
const struct route *router_routes(int *count);

#endif
