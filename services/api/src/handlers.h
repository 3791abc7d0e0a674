/* handlers.h - one function per route: parse, call pure logic, respond.
 *
 * Method checks, 404 and 405 happen before these are called (router.c). */
#ifndef API_HANDLERS_H
#define API_HANDLERS_H

#include "exchange.h"

int handle_health(struct exchange *x);
int handle_docs_page(struct exchange *x);
/* name is what follows "/docs/" in the path. */
int handle_docs_asset(struct exchange *x, const char *name);
int handle_openapi(struct exchange *x);
int handle_version(struct exchange *x);
int handle_echo(struct exchange *x);

#endif
