/* app.h - what request handlers may read: the configuration and the
 * documents rendered from it at start-up. Immutable once the server runs,
 * so worker threads share it without locks. */
#ifndef API_APP_H
#define API_APP_H

#include <time.h>

#include "config.h"
#include "json.h"

#define APP_BODY_LIMIT (64 * 1024) /* request bodies above this get 413 */

struct app {
    struct api_config cfg;
    struct json_text health;   /* GET /health body */
    struct json_text openapi;  /* GET /openapi.json body */
    time_t started_at;         /* wall clock */
    struct timespec started_mono;
};

/* Renders the documents; 0 or -1 with a reason in error. */
int app_init(struct app *app, const struct api_config *cfg, char *error,
             size_t error_size);
void app_free(struct app *app);

#endif
