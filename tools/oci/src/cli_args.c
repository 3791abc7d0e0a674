/* cli_args.c - option tokenising for the subcommands; see cli_args.h. */
#include "cli_args.h"

#include <string.h>

void cli_args_init(struct cli_args *args, int argc, char **argv)
{
    memset(args, 0, sizeof(*args));
    args->argc = argc;
    args->argv = argv;
    args->next = 1;
}

static int is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* "--name=value": copies the name, points *value after the "=". */
static int split_inline(struct cli_args *args, const char *arg,
                        const char *eq, const char **value,
                        struct oci_error *err)
{
    size_t len = (size_t)(eq - arg);

    if (len >= sizeof(args->name))
        return oci_usage(err, "unknown option %.*s", (int)len, arg);
    memcpy(args->name, arg, len);
    args->name[len] = '\0';
    *value = eq + 1;
    return 1;
}

int cli_next(struct cli_args *args, const char **name, const char **value,
             struct oci_error *err)
{
    const char *arg, *eq;

    *name = NULL;
    *value = NULL;
    if (args->next >= args->argc)
        return 0;
    arg = args->argv[args->next++];
    *name = arg;
    if (is_help(arg))
        return 1;
    if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
        return oci_usage(err, "unexpected argument \"%s\" (every input is a --option)", arg);
    if ((eq = strchr(arg, '=')) != NULL) {
        *name = args->name;
        return split_inline(args, arg, eq, value, err);
    }
    if (args->next >= args->argc)
        return oci_usage(err, "option %s needs a value", arg);
    *value = args->argv[args->next++];
    return 1;
}

int cli_once(const char **slot, const char *name, const char *value,
             struct oci_error *err)
{
    if (*slot != NULL)
        return oci_usage(err, "option %s given twice", name);
    *slot = value;
    return 0;
}

int cli_required(const char *slot, const char *name, struct oci_error *err)
{
    return slot != NULL ? 0 : oci_usage(err, "missing required option %s", name);
}
