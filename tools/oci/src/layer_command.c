/* layer_command.c - parse `oci_builder layer` options, build the layer,
 * write its descriptor. See layer.h for the pipeline and layer_spec.h for
 * the --file/--dir syntax. */
#include "layer_command.h"

#include <string.h>

#include "cli_args.h"
#include "descriptor.h"
#include "file_io.h"
#include "layer.h"
#include "layer_plan.h"

static const char usage[] =
    "Usage: oci_builder layer --output OUT.tar.gz --descriptor OUT.json\n"
    "                         [--file SRC=DEST:MODE:UID:GID]... [--dir DEST:MODE:UID:GID]...\n"
    "\n"
    "Writes a reproducible gzipped ustar layer and its OCI descriptor JSON\n"
    "{\"diff_id\",\"digest\",\"mediaType\",\"size\"}.\n"
    "\n"
    "  --file SRC=DEST:MODE:UID:GID  a regular file at absolute DEST with SRC's bytes\n"
    "  --dir DEST:MODE:UID:GID       a directory at absolute DEST\n"
    "\n"
    "MODE is octal (0644, 0555, 1777; at most 7777), UID and GID decimal.\n"
    "Parent directories not given with --dir are added as 0755 0:0. Entries are\n"
    "sorted by path; mtime is 0, uname/gname empty; the source's own mode,\n"
    "owner and times are ignored. SRC cannot contain \"=\".\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 bad command line.\n";

struct layer_options {
    const char *output;
    const char *descriptor;
};

static int take_option(const char *name, const char *value,
                       struct layer_options *opts, struct layer_plan *plan,
                       struct oci_error *err)
{
    struct layer_entry entry;

    if (strcmp(name, "--output") == 0)
        return cli_once(&opts->output, name, value, err);
    if (strcmp(name, "--descriptor") == 0)
        return cli_once(&opts->descriptor, name, value, err);
    if (strcmp(name, "--file") == 0) {
        if (layer_spec_parse_file(value, &entry, err) != 0)
            return -1;
        return layer_plan_add(plan, &entry, err);
    }
    if (strcmp(name, "--dir") == 0) {
        if (layer_spec_parse_dir(value, &entry, err) != 0)
            return -1;
        return layer_plan_add(plan, &entry, err);
    }
    return oci_usage(err, "unknown option %s", name);
}

/* 1 when --help was asked for, 0 when options are complete, -1 on error. */
static int parse(int argc, char **argv, struct layer_options *opts,
                 struct layer_plan *plan, struct oci_error *err)
{
    struct cli_args args;
    const char *name, *value;
    int rc;

    cli_args_init(&args, argc, argv);
    while ((rc = cli_next(&args, &name, &value, err)) == 1) {
        if (value == NULL)
            return 1;
        if (take_option(name, value, opts, plan, err) != 0)
            return -1;
    }
    if (rc < 0 || cli_required(opts->output, "--output", err) != 0 ||
        cli_required(opts->descriptor, "--descriptor", err) != 0)
        return -1;
    return layer_plan_finish(plan, err);
}

static int build(const struct layer_options *opts,
                 const struct layer_plan *plan, struct oci_error *err)
{
    struct descriptor desc;
    struct json_text text = {0};
    int rc = -1;

    if (layer_build(plan, opts->output, &desc, err) == 0 &&
        descriptor_render_layer(&desc, &text, err) == 0)
        rc = file_write_all(opts->descriptor, text.data, text.len, err);
    json_text_free(&text);
    return rc;
}

int layer_command(int argc, char **argv, FILE *out, struct oci_error *err)
{
    struct layer_options opts = {0};
    struct layer_plan plan;
    int rc;

    layer_plan_init(&plan);
    rc = parse(argc, argv, &opts, &plan, err);
    if (rc == 1)
        rc = fputs(usage, out) < 0 ? oci_fail(err, "cannot write the help") : 0;
    else if (rc == 0)
        rc = build(&opts, &plan, err);
    layer_plan_free(&plan);
    return rc;
}
