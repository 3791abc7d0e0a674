/* layer.h - build one compressed layer blob and its descriptor.
 *
 * Streams tar -> gzip -> file in one pass, hashing the tar bytes (diff_id)
 * and the gzip bytes (digest) on the way; no stage holds a whole file. */
#ifndef OCI_LAYER_H
#define OCI_LAYER_H

#include "descriptor.h"
#include "layer_plan.h"
#include "oci_error.h"

/* Writes plan as OUTPUT (.tar.gz, mode 0644) and fills desc. A partial
 * output is removed on failure. */
int layer_build(const struct layer_plan *plan, const char *output,
                struct descriptor *desc, struct oci_error *err);

#endif
