/* image_config.c - the image configuration document; see image_config.h.
 *
 * Keys are written in bytewise order by hand: the order of the calls below
 * is the order in the output. */
#include "image_config.h"

static int gen_list_if_any(yajl_gen g, const char *key, const char **items,
                           size_t count)
{
    if (count == 0)
        return 0;
    return json_str(g, key) | json_string_array(g, items, count);
}

static int gen_map_if_any(yajl_gen g, const char *key,
                          const struct json_pair *pairs, size_t count,
                          int empty_values)
{
    if (count == 0)
        return 0;
    return json_str(g, key) | json_object_of_pairs(g, pairs, count, empty_values);
}

static int gen_str_if_any(yajl_gen g, const char *key, const char *value)
{
    return value[0] == '\0' ? 0 : json_key_str(g, key, value);
}

static int gen_run_config(yajl_gen g, const struct image_input *in)
{
    int rc = json_str(g, "config") | yajl_gen_map_open(g);

    rc |= gen_list_if_any(g, "Cmd", in->cmd, in->cmd_count);
    rc |= gen_list_if_any(g, "Entrypoint", in->entrypoint, in->entrypoint_count);
    rc |= gen_list_if_any(g, "Env", in->env, in->env_count);
    rc |= gen_map_if_any(g, "ExposedPorts", in->exposed_ports, in->exposed_port_count, 1);
    rc |= gen_map_if_any(g, "Labels", in->labels, in->label_count, 0);
    rc |= gen_str_if_any(g, "User", in->user);
    rc |= gen_str_if_any(g, "WorkingDir", in->workdir);
    return rc | yajl_gen_map_close(g);
}

static int gen_history(yajl_gen g, const char *created, size_t layer_count)
{
    int rc = json_str(g, "history") | yajl_gen_array_open(g);

    for (size_t i = 0; i < layer_count; i++) {
        rc |= yajl_gen_map_open(g);
        rc |= gen_str_if_any(g, "created", created);
        rc |= json_key_str(g, "created_by", IMAGE_CONFIG_CREATED_BY);
        rc |= yajl_gen_map_close(g);
    }
    return rc | yajl_gen_array_close(g);
}

static int gen_rootfs(yajl_gen g, const struct descriptor *layers,
                      size_t layer_count)
{
    int rc = json_str(g, "rootfs") | yajl_gen_map_open(g);

    rc |= json_str(g, "diff_ids") | yajl_gen_array_open(g);
    for (size_t i = 0; i < layer_count; i++)
        rc |= json_str(g, layers[i].diff_id);
    rc |= yajl_gen_array_close(g);
    rc |= json_key_str(g, "type", "layers");
    return rc | yajl_gen_map_close(g);
}

static int gen_config(yajl_gen g, const struct image_input *in,
                      const struct descriptor *layers, size_t layer_count)
{
    int rc = yajl_gen_map_open(g);

    rc |= json_key_str(g, "architecture", in->architecture);
    rc |= gen_run_config(g, in);
    rc |= gen_str_if_any(g, "created", in->created);
    rc |= gen_history(g, in->created, layer_count);
    rc |= json_key_str(g, "os", in->os);
    rc |= gen_rootfs(g, layers, layer_count);
    return rc | yajl_gen_map_close(g);
}

int image_config_render(const struct image_input *in,
                        const struct descriptor *layers, size_t layer_count,
                        struct json_text *out, struct oci_error *err)
{
    yajl_gen g = json_begin();

    return json_finish(g, g ? gen_config(g, in, layers, layer_count) : 0, out, err);
}
