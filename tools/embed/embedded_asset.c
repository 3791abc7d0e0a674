/* embedded_asset.c - lookup in a table written by embed_assets. */
#include "embedded_asset.h"

#include <string.h>

const struct embedded_asset *embedded_asset_find(
    const struct embedded_asset *table, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    }
    return NULL;
}
