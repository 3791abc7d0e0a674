/* report.h - the size report of an image, for CI logs and budgets.
 *
 *   {"compressed_size": layers + config + manifest bytes,
 *    "config_digest","digest" (the manifest's),
 *    "layers":[{"digest","size"}…]}
 *
 * Canonical JSON; see canonical_json.h. */
#ifndef OCI_REPORT_H
#define OCI_REPORT_H

#include <stddef.h>

#include "canonical_json.h"
#include "descriptor.h"
#include "oci_error.h"

int report_render(const struct descriptor *manifest,
                  const struct descriptor *config,
                  const struct descriptor *layers, size_t layer_count,
                  struct json_text *out, struct oci_error *err);

#endif
