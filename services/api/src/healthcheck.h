/* healthcheck.h - `api --healthcheck`: the container health check.
 *
 * The image has no shell and no curl, so the binary probes itself:
 * GET http://127.0.0.1:PORT/health must answer 200 within the deadline. */
#ifndef API_HEALTHCHECK_H
#define API_HEALTHCHECK_H

#include <stddef.h>

/* The status code of an HTTP/1.x status line, or -1 if it is not one. */
int healthcheck_parse_status(const char *response, size_t len);

/* Returns 0 when /health answered 200 within timeout_ms, else -1 with a
 * one-line reason in error. */
int healthcheck_probe(int port, int timeout_ms, char *error, size_t error_size);

#endif
