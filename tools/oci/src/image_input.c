/* image_input.c - read and validate the image settings; see image_input.h. */
#include "image_input.h"

#include <stdlib.h>
#include <string.h>

#include "json_read.h"

#define PORT_MAX 65535L

int image_input_valid_port(const char *port)
{
    long value = 0;
    size_t digits = 0;
    const char *p = port;

    for (; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
        value = value * 10 + (*p - '0');
    if (digits == 0 || port[0] == '0' || value > PORT_MAX)
        return 0;
    return *p == '\0' || strcmp(p, "/tcp") == 0 || strcmp(p, "/udp") == 0 ||
           strcmp(p, "/sctp") == 0;
}

static int check_env(const struct image_input *in, const char *what,
                     struct oci_error *err)
{
    for (size_t i = 0; i < in->env_count; i++) {
        const char *eq = strchr(in->env[i], '=');

        if (eq == NULL || eq == in->env[i])
            return oci_fail(err, "%s: env entry \"%s\" is not NAME=VALUE", what,
                            in->env[i]);
    }
    return 0;
}

/* Turns the port list into sorted pairs, rejecting bad and repeated ones. */
static int read_ports(yajl_val root, struct image_input *in, const char *what,
                      struct oci_error *err)
{
    const char **ports;
    size_t count;
    const char *dup;

    if (json_read_string_list(root, "exposed_ports", &ports, &count, what, err) != 0)
        return -1;
    in->exposed_ports = calloc(count + 1, sizeof(*in->exposed_ports));
    if (in->exposed_ports == NULL) {
        free(ports);
        return oci_fail(err, "out of memory");
    }
    for (size_t i = 0; i < count; i++)
        in->exposed_ports[i].key = ports[i];
    free(ports);
    in->exposed_port_count = count;
    for (size_t i = 0; i < count; i++) {
        if (!image_input_valid_port(in->exposed_ports[i].key))
            return oci_fail(err, "%s: exposed port \"%s\" is not "
                            "PORT[/tcp|/udp|/sctp] with PORT 1-65535",
                            what, in->exposed_ports[i].key);
    }
    json_sort_pairs(in->exposed_ports, count);
    if ((dup = json_duplicate_key(in->exposed_ports, count)) != NULL)
        return oci_fail(err, "%s: exposed port \"%s\" is listed twice", what, dup);
    return 0;
}

static int read_labels(yajl_val root, struct image_input *in, const char *what,
                       struct oci_error *err)
{
    const char *dup;

    if (json_read_string_map(root, "labels", &in->labels, &in->label_count, what, err) != 0)
        return -1;
    json_sort_pairs(in->labels, in->label_count);
    if ((dup = json_duplicate_key(in->labels, in->label_count)) != NULL)
        return oci_fail(err, "%s: label \"%s\" is given twice", what, dup);
    return 0;
}

static int read_fields(yajl_val root, struct image_input *in, const char *what,
                       struct oci_error *err)
{
    static const char *const keys[] = {
        "architecture", "cmd", "created", "entrypoint", "env", "exposed_ports",
        "labels", "os", "user", "workdir", NULL,
    };

    if (json_read_check_keys(root, keys, what, err) != 0 ||
        json_read_string_list(root, "entrypoint", &in->entrypoint,
                              &in->entrypoint_count, what, err) != 0 ||
        json_read_string_list(root, "cmd", &in->cmd, &in->cmd_count, what, err) != 0 ||
        json_read_string_list(root, "env", &in->env, &in->env_count, what, err) != 0 ||
        json_read_string(root, "user", 0, &in->user, what, err) != 0 ||
        json_read_string(root, "workdir", 0, &in->workdir, what, err) != 0 ||
        json_read_string(root, "created", 0, &in->created, what, err) != 0 ||
        json_read_string(root, "os", 1, &in->os, what, err) != 0 ||
        json_read_string(root, "architecture", 1, &in->architecture, what, err) != 0)
        return -1;
    if (in->os[0] == '\0' || in->architecture[0] == '\0')
        return oci_fail(err, "%s: os and architecture must not be empty", what);
    if (check_env(in, what, err) != 0 || read_ports(root, in, what, err) != 0)
        return -1;
    return read_labels(root, in, what, err);
}

int image_input_parse(const char *text, const char *what,
                      struct image_input *out, struct oci_error *err)
{
    memset(out, 0, sizeof(*out));
    if (json_read_object(text, what, &out->root, err) != 0)
        return -1;
    if (read_fields(out->root, out, what, err) != 0) {
        image_input_free(out);
        return -1;
    }
    return 0;
}

void image_input_free(struct image_input *in)
{
    free(in->entrypoint);
    free(in->cmd);
    free(in->env);
    free(in->exposed_ports);
    free(in->labels);
    if (in->root != NULL)
        yajl_tree_free(in->root);
    memset(in, 0, sizeof(*in));
}
