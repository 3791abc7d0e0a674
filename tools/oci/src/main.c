/* main.c - oci_builder: reproducible OCI layers and image layouts.
 *
 *   oci_builder layer ...   one gzipped ustar layer and its descriptor
 *   oci_builder image ...   an OCI image layout from layers
 *
 * The only place that prints errors and picks the exit status: 0 done,
 * 1 failed, 2 bad command line. Nothing here reads the time, the time zone,
 * the locale, the user or SOURCE_DATE_EPOCH, and nothing below does either. */
#include <stdio.h>
#include <string.h>

#include "image_command.h"
#include "layer_command.h"
#include "oci_error.h"

static const char usage[] =
    "Usage: oci_builder COMMAND [OPTIONS]\n"
    "\n"
    "Builds reproducible OCI images: the same inputs give the same bytes on\n"
    "any machine, in any time zone, under any umask, user or locale.\n"
    "\n"
    "Commands:\n"
    "  layer   write one gzipped ustar layer and its descriptor JSON\n"
    "  image   assemble an OCI image layout from layers\n"
    "\n"
    "Run `oci_builder COMMAND --help` for a command's options.\n";

/* Control characters from arguments would break the one-line message. */
static void flatten(char *text)
{
    for (; *text != '\0'; text++) {
        if ((unsigned char)*text < 0x20 || *text == 0x7f)
            *text = '?';
    }
}

static int report(const char *command, struct oci_error *err)
{
    flatten(err->message);
    if (err->kind == OCI_ERROR_USAGE)
        fprintf(stderr, "oci_builder %s: %s (see oci_builder %s --help)\n",
                command, err->message, command);
    else
        fprintf(stderr, "oci_builder %s: %s\n", command, err->message);
    return err->kind == OCI_ERROR_USAGE ? 2 : 1;
}

int main(int argc, char **argv)
{
    struct oci_error err = {OCI_ERROR_FAILURE, ""};
    const char *command = argc > 1 ? argv[1] : "";

    if (strcmp(command, "layer") == 0)
        return layer_command(argc - 1, argv + 1, stdout, &err) == 0 ? 0 : report(command, &err);
    if (strcmp(command, "image") == 0)
        return image_command(argc - 1, argv + 1, stdout, &err) == 0 ? 0 : report(command, &err);
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 ||
        strcmp(command, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (command[0] == '\0')
        fputs("oci_builder: missing command: layer or image "
              "(see oci_builder --help)\n", stderr);
    else
        fprintf(stderr, "oci_builder: unknown command \"%s\": expected layer or "
                "image (see oci_builder --help)\n", command);
    return 2;
}
