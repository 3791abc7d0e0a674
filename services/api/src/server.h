/* server.h - the HTTP server: CivetWeb started with the service's options,
 * every request routed to a handler, and a bounded graceful stop.
 *
 * Used by main.c and, in-process, by the integration tests. */
#ifndef API_SERVER_H
#define API_SERVER_H

#include <stddef.h>

#include "config.h"

struct api_server;

/* Starts serving on listen_spec in CivetWeb's listening_ports syntax
 * ("8080", "127.0.0.1:0" for an ephemeral port). Returns NULL and writes a
 * reason to error when it cannot. */
struct api_server *server_start(const struct api_config *cfg,
                                const char *listen_spec, char *error,
                                size_t error_size);

/* Called once, on the starting thread, when the port is bound and before
 * any request can be read or routed (routes are registered right after it
 * returns). Tests use it to send a request in that window. */
typedef void (*server_listening_fn)(int port, void *arg);

/* server_start() with on_listening (NULL: none). */
struct api_server *server_start_observed(const struct api_config *cfg,
                                         const char *listen_spec,
                                         server_listening_fn on_listening,
                                         void *arg, char *error,
                                         size_t error_size);

/* The port actually bound (useful after asking for port 0). */
int server_port(const struct api_server *s);

/* Stops accepting, lets requests in flight finish and frees the server.
 * Returns 0 when that took at most timeout_s seconds, else -1 (the server
 * is then left to the process exit). */
int server_stop(struct api_server *s, int timeout_s);

#endif
