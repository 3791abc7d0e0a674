/* handlers.h - one function per route: parse, call pure logic, respond.
 *
 * Each is a route_handler (router.h) named in one row of the route table.
 * Method checks, 404 and 405 happen before these are called (router.c);
 * rest is what follows the route's path ("" for an exact path). */
#ifndef API_HANDLERS_H
#define API_HANDLERS_H

#include "exchange.h"

int handle_health(struct exchange *x, const char *rest);
int handle_docs_page(struct exchange *x, const char *rest);
/* rest is the asset's name, what follows "/docs/" in the path. */
int handle_docs_asset(struct exchange *x, const char *rest);
int handle_openapi(struct exchange *x, const char *rest);
int handle_version(struct exchange *x, const char *rest);
int handle_echo(struct exchange *x, const char *rest);

#endif
