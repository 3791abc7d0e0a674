/* report.c - the image size report; see report.h. */
#include "report.h"

static int gen_report(yajl_gen g, const struct descriptor *manifest,
                      const struct descriptor *config,
                      const struct descriptor *layers, size_t layer_count)
{
    long long total = (long long)(manifest->size + config->size);
    int rc = yajl_gen_map_open(g);

    for (size_t i = 0; i < layer_count; i++)
        total += (long long)layers[i].size;
    rc |= json_key_int(g, "compressed_size", total);
    rc |= json_key_str(g, "config_digest", config->digest);
    rc |= json_key_str(g, "digest", manifest->digest);
    rc |= json_str(g, "layers") | yajl_gen_array_open(g);
    for (size_t i = 0; i < layer_count; i++) {
        rc |= yajl_gen_map_open(g);
        rc |= json_key_str(g, "digest", layers[i].digest);
        rc |= json_key_int(g, "size", (long long)layers[i].size);
        rc |= yajl_gen_map_close(g);
    }
    rc |= yajl_gen_array_close(g);
    return rc | yajl_gen_map_close(g);
}

int report_render(const struct descriptor *manifest,
                  const struct descriptor *config,
                  const struct descriptor *layers, size_t layer_count,
                  struct json_text *out, struct oci_error *err)
{
    yajl_gen g = json_begin();

    return json_finish(g, g ? gen_report(g, manifest, config, layers, layer_count) : 0,
                       out, err);
}
