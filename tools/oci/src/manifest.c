/* manifest.c - the image manifest document; see manifest.h. */
#include "manifest.h"

#define OCI_SCHEMA_VERSION 2

static int gen_manifest(yajl_gen g, const struct descriptor *config,
                        const struct descriptor *layers, size_t layer_count)
{
    int rc = yajl_gen_map_open(g);

    rc |= json_str(g, "config") | descriptor_gen(g, config, 0);
    rc |= json_str(g, "layers") | yajl_gen_array_open(g);
    for (size_t i = 0; i < layer_count; i++)
        rc |= descriptor_gen(g, &layers[i], 0);
    rc |= yajl_gen_array_close(g);
    rc |= json_key_str(g, "mediaType", OCI_MEDIA_TYPE_MANIFEST);
    rc |= json_key_int(g, "schemaVersion", OCI_SCHEMA_VERSION);
    return rc | yajl_gen_map_close(g);
}

int manifest_render(const struct descriptor *config,
                    const struct descriptor *layers, size_t layer_count,
                    struct json_text *out, struct oci_error *err)
{
    yajl_gen g = json_begin();

    return json_finish(g, g ? gen_manifest(g, config, layers, layer_count) : 0,
                       out, err);
}
