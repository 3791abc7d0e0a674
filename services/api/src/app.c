/* app.c - see app.h. */
#include "app.h"

#include <stdio.h>
#include <string.h>

#include "embedded_asset.h"
#include "health.h"
#include "openapi.h"

/* Generated from static/openapi.json by //tools/embed:embed_assets. */
extern const struct embedded_asset openapi_template[];
extern const size_t openapi_template_count;

int app_init(struct app *app, const struct api_config *cfg, char *error,
             size_t error_size)
{
    const struct embedded_asset *spec =
        embedded_asset_find(openapi_template, openapi_template_count,
                            "openapi.json");

    memset(app, 0, sizeof(*app));
    app->cfg = *cfg;
    app->started_at = time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &app->started_mono);
    if (health_render(&app->cfg, &app->health) != 0) {
        snprintf(error, error_size, "cannot render the health document");
        return -1;
    }
    if (spec == NULL) {
        snprintf(error, error_size, "openapi.json is not embedded");
        return -1;
    }
    return openapi_render((const char *)spec->data, spec->size, cfg->stage,
                          &app->openapi, error, error_size);
}

void app_free(struct app *app)
{
    json_text_free(&app->health);
    json_text_free(&app->openapi);
}
