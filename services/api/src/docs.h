/* docs.h - the Swagger UI at /docs, served from assets inside the binary.
 *
 * Lookups go through a fixed table, so no request can reach the file
 * system. The page and its initializer use relative URLs only
 * ("openapi.json", "docs/…"), so they work unchanged under any API Gateway
 * stage prefix. */
#ifndef API_DOCS_H
#define API_DOCS_H

#include <stddef.h>

#define DOCS_PAGE_NAME "index.html"

/* Allows only same-origin resources; data: images are the icons inlined in
 * Swagger UI's stylesheet. */
#define DOCS_CSP                                                             \
    "default-src 'self'; script-src 'self'; style-src 'self'; "              \
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "          \
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

struct docs_asset {
    const char *name;
    const unsigned char *data;
    size_t size;
    const char *content_type;
    const char *cache_control;
};

/* Finds an asset by its name under /docs/ ("swagger-ui.css"). Returns 0 and
 * fills *out, or -1 when there is no such asset. */
int docs_find(const char *name, struct docs_asset *out);

/* Content type for a file name, by extension. */
const char *docs_content_type(const char *name);

#endif
