/* overload.h - when the service answers 503 instead of serving a request.
 *
 * CivetWeb serves each request on a worker thread; when all are busy,
 * connections wait for one (third_party/patches/civetweb-fair-keep-alive.patch
 * keeps that wait fair and tells us its length, from the kernel's receive
 * time of the request's first bytes). A request that waited
 * longer than OVERLOAD_WAIT_MS is answered at once with 503, Retry-After and
 * Connection: close instead of being served late: the client (or API
 * Gateway, or the NLB's next target) learns within a bounded time, and the
 * connection stops competing for a worker. /health is always served: the
 * NLB must not take a slow but working task out of service and move its
 * load onto the others.
 *
 * Pure policy; server.c asks it and writes the answer. */
#ifndef API_OVERLOAD_H
#define API_OVERLOAD_H

#include "router.h"

#define OVERLOAD_WAIT_MS 500
#define OVERLOAD_RETRY_AFTER_S "1"

/* 1 when a request for route that waited waited_ms for a worker is shed;
 * a route whose row says always_served (/health) never is. */
int overload_should_shed(int waited_ms, const struct route *route);

#endif
