/* manifest.h - render the OCI image manifest.
 *
 *   {"config":{descriptor},"layers":[{descriptor}…],
 *    "mediaType":"application/vnd.oci.image.manifest.v1+json",
 *    "schemaVersion":2}
 *
 * Layer descriptors are written without their diff_id (that lives in the
 * config's rootfs). Canonical JSON; see canonical_json.h. */
#ifndef OCI_MANIFEST_H
#define OCI_MANIFEST_H

#include <stddef.h>

#include "canonical_json.h"
#include "descriptor.h"
#include "oci_error.h"

int manifest_render(const struct descriptor *config,
                    const struct descriptor *layers, size_t layer_count,
                    struct json_text *out, struct oci_error *err);

#endif
