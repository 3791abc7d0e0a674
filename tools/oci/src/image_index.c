/* image_index.c - index.json and oci-layout; see image_index.h. */
#include "image_index.h"

#define OCI_SCHEMA_VERSION 2

static int gen_index(yajl_gen g, const struct descriptor *manifest)
{
    int rc = yajl_gen_map_open(g);

    rc |= json_str(g, "manifests") | yajl_gen_array_open(g);
    rc |= descriptor_gen(g, manifest, 0);
    rc |= yajl_gen_array_close(g);
    rc |= json_key_int(g, "schemaVersion", OCI_SCHEMA_VERSION);
    return rc | yajl_gen_map_close(g);
}

int image_index_render(const struct descriptor *manifest,
                       struct json_text *out, struct oci_error *err)
{
    yajl_gen g = json_begin();

    return json_finish(g, g ? gen_index(g, manifest) : 0, out, err);
}

int image_layout_marker_render(struct json_text *out, struct oci_error *err)
{
    yajl_gen g = json_begin();
    int rc = 0;

    if (g != NULL)
        rc = yajl_gen_map_open(g) |
             json_key_str(g, "imageLayoutVersion", OCI_LAYOUT_VERSION) |
             yajl_gen_map_close(g);
    return json_finish(g, rc, out, err);
}
