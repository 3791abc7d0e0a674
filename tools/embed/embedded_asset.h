/* embedded_asset.h - files compiled into a binary by embed_assets.
 *
 * Each generated table is `const struct embedded_asset SYMBOL[]` plus
 * `const size_t SYMBOL_count`; the code that serves a table declares it. */
#ifndef EMBEDDED_ASSET_H
#define EMBEDDED_ASSET_H

#include <stddef.h>

struct embedded_asset {
    const char *name;
    const unsigned char *data;
    size_t size;
};

/* The entry named name in a table, or NULL. */
const struct embedded_asset *embedded_asset_find(
    const struct embedded_asset *table, size_t count, const char *name);

#endif
