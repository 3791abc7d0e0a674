/* openapi.h - GET /openapi.json, rendered once at start-up.
 *
 * The document itself is static/openapi.json, kept as reviewable JSON in the
 * repository and compiled into the binary. Rendering parses it with
 * yajl_tree and writes it back compactly with yajl_gen, replacing only the
 * top-level "servers" with the API Gateway stage, as FastAPI's root_path
 * does. Routes in the document never include the stage. */
#ifndef API_OPENAPI_H
#define API_OPENAPI_H

#include <stddef.h>

#include "json.h"

/* servers is [{"url": "/<stage>"}], or [{"url": "/"}] when stage is "".
 * Returns 0, or -1 with a reason in error when the template is not JSON. */
int openapi_render(const char *template_json, size_t len, const char *stage,
                   struct json_text *out, char *error, size_t error_size);

#endif
