/* cli_args.h - walk a subcommand's options: "--name VALUE", "--name=VALUE"
 * and the valueless "--help" / "-h".
 *
 * Only tokenising: which names exist and what they mean is the caller's.
 * Positional arguments are rejected, since every input is named. */
#ifndef OCI_CLI_ARGS_H
#define OCI_CLI_ARGS_H

#include "oci_error.h"

#define CLI_NAME_MAX 64

struct cli_args {
    int argc;
    char **argv;
    int next;
    char name[CLI_NAME_MAX];
};

/* argv[0] is the subcommand's name and is skipped. */
void cli_args_init(struct cli_args *args, int argc, char **argv);

/* 1 with *name (e.g. "--file") and *value (NULL for --help), 0 after the
 * last option, -1 with a usage error. */
int cli_next(struct cli_args *args, const char **name, const char **value,
             struct oci_error *err);

/* Sets *slot to value, or fails when the option was already given. */
int cli_once(const char **slot, const char *name, const char *value,
             struct oci_error *err);

/* Fails naming `name` when *slot was never set. */
int cli_required(const char *slot, const char *name, struct oci_error *err);

#endif
