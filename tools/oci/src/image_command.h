/* image_command.h - `oci_builder image`: command line to image_build(). */
#ifndef OCI_IMAGE_COMMAND_H
#define OCI_IMAGE_COMMAND_H

#include <stdio.h>

#include "oci_error.h"

/* argv[0] is "image". Returns 0 (after writing the help to out when asked),
 * or -1 with err set (its kind tells usage from failure). */
int image_command(int argc, char **argv, FILE *out, struct oci_error *err);

#endif
