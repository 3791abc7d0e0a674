/* image_command.c - parse `oci_builder image` options and run
 * image_build(); see image.h for what is written. */
#include "image_command.h"

#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "image.h"

static const char usage[] =
    "Usage: oci_builder image --layout-dir DIR --digest-out FILE --report-out FILE\n"
    "                         --config CONFIG.json --layer BLOB.tar.gz=DESCRIPTOR.json...\n"
    "\n"
    "Assembles an OCI image layout in DIR (created if missing, must be empty):\n"
    "oci-layout, index.json (one manifest, no tag) and blobs/sha256/ holding the\n"
    "config, the manifest and every layer. Writes \"sha256:<manifest hex>\" (no\n"
    "newline) to --digest-out and a size report JSON to --report-out.\n"
    "\n"
    "  --config FILE       image settings: {\"architecture\",\"cmd\",\"created\",\n"
    "                      \"entrypoint\",\"env\",\"exposed_ports\",\"labels\",\"os\",\n"
    "                      \"user\",\"workdir\"}\n"
    "  --layer BLOB=DESC   a layer and the descriptor `oci_builder layer` wrote\n"
    "                      for it; repeat in order, base layer first\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 bad command line.\n";

static int take_layer(const char *value, struct image_request *req,
                      struct image_layer_arg *layers, struct oci_error *err)
{
    const char *eq = strchr(value, '=');
    struct image_layer_arg *layer = &layers[req->layer_count];

    if (eq == NULL || eq == value || eq[1] == '\0')
        return oci_usage(err, "--layer \"%s\": expected BLOB=DESCRIPTOR", value);
    layer->blob = strndup(value, (size_t)(eq - value));
    if (layer->blob == NULL)
        return oci_fail(err, "out of memory");
    layer->descriptor = eq + 1;
    req->layer_count++;
    return 0;
}

static int take_option(const char *name, const char *value,
                       struct image_request *req,
                       struct image_layer_arg *layers, struct oci_error *err)
{
    if (strcmp(name, "--layout-dir") == 0)
        return cli_once(&req->layout_dir, name, value, err);
    if (strcmp(name, "--digest-out") == 0)
        return cli_once(&req->digest_out, name, value, err);
    if (strcmp(name, "--report-out") == 0)
        return cli_once(&req->report_out, name, value, err);
    if (strcmp(name, "--config") == 0)
        return cli_once(&req->config, name, value, err);
    if (strcmp(name, "--layer") == 0)
        return take_layer(value, req, layers, err);
    return oci_usage(err, "unknown option %s", name);
}

static int check_complete(const struct image_request *req,
                          struct oci_error *err)
{
    if (cli_required(req->layout_dir, "--layout-dir", err) != 0 ||
        cli_required(req->digest_out, "--digest-out", err) != 0 ||
        cli_required(req->report_out, "--report-out", err) != 0 ||
        cli_required(req->config, "--config", err) != 0)
        return -1;
    if (req->layer_count == 0)
        return oci_usage(err, "at least one --layer is needed");
    return 0;
}

/* 1 when --help was asked for, 0 when options are complete, -1 on error. */
static int parse(int argc, char **argv, struct image_request *req,
                 struct image_layer_arg *layers, struct oci_error *err)
{
    struct cli_args args;
    const char *name, *value;
    int rc;

    cli_args_init(&args, argc, argv);
    while ((rc = cli_next(&args, &name, &value, err)) == 1) {
        if (value == NULL)
            return 1;
        if (take_option(name, value, req, layers, err) != 0)
            return -1;
    }
    return rc < 0 ? -1 : check_complete(req, err);
}

static void free_layers(struct image_layer_arg *layers, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free((char *)layers[i].blob);
    free(layers);
}

int image_command(int argc, char **argv, FILE *out, struct oci_error *err)
{
    struct image_request req = {0};
    /* At most one layer per argument. */
    struct image_layer_arg *layers = calloc((size_t)argc + 1, sizeof(*layers));
    int rc;

    if (layers == NULL)
        return oci_fail(err, "out of memory");
    req.layers = layers;
    rc = parse(argc, argv, &req, layers, err);
    if (rc == 1)
        rc = fputs(usage, out) < 0 ? oci_fail(err, "cannot write the help") : 0;
    else if (rc == 0)
        rc = image_build(&req, err);
    free_layers(layers, req.layer_count);
    return rc;
}
