/* layer_command.h - `oci_builder layer`: command line to layer_build(). */
#ifndef OCI_LAYER_COMMAND_H
#define OCI_LAYER_COMMAND_H

#include <stdio.h>

#include "oci_error.h"

/* argv[0] is "layer". Returns 0 (after writing the help to out when asked),
 * or -1 with err set (its kind tells usage from failure). */
int layer_command(int argc, char **argv, FILE *out, struct oci_error *err);

#endif
