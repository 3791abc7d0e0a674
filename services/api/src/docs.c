/* docs.c - see docs.h. */
#include "docs.h"

#include <string.h>

#include "embedded_asset.h"

/* Generated from static/ and Swagger UI by //tools/embed:embed_assets. */
extern const struct embedded_asset docs_assets[];
extern const size_t docs_assets_count;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

const char *docs_content_type(const char *name)
{
    if (ends_with(name, ".js"))
        return "application/javascript; charset=utf-8";
    if (ends_with(name, ".css"))
        return "text/css; charset=utf-8";
    if (ends_with(name, ".html"))
        return "text/html; charset=utf-8";
    if (ends_with(name, ".png"))
        return "image/png";
    if (ends_with(name, ".json"))
        return "application/json";
    return "application/octet-stream";
}

int docs_find(const char *name, struct docs_asset *out)
{
    const struct embedded_asset *a =
        embedded_asset_find(docs_assets, docs_assets_count, name);

    if (a != NULL) {
        out->name = a->name;
        out->data = a->data;
        out->size = a->size;
        out->content_type = docs_content_type(a->name);
        /* The page must pick up a new deploy at once; assets change only
         * with the pinned Swagger UI version, so a day of caching is safe. */
        out->cache_control = strcmp(a->name, DOCS_PAGE_NAME) == 0
                                 ? "no-cache"
                                 : "public, max-age=86400";
        return 0;
    }
    return -1;
}
