/* image_index.h - the two small documents of an OCI image layout.
 *
 *   oci-layout:  {"imageLayoutVersion":"1.0.0"}
 *   index.json:  {"manifests":[{"digest","mediaType","size"}],
 *                 "schemaVersion":2}
 *
 * The index has exactly one manifest and no org.opencontainers.image.ref.name
 * annotation: tools that accept an untagged layout (skopeo's oci:DIR) pick
 * that single manifest. Canonical JSON; see canonical_json.h. */
#ifndef OCI_IMAGE_INDEX_H
#define OCI_IMAGE_INDEX_H

#include "canonical_json.h"
#include "descriptor.h"
#include "oci_error.h"

#define OCI_LAYOUT_VERSION "1.0.0"

int image_index_render(const struct descriptor *manifest,
                       struct json_text *out, struct oci_error *err);

int image_layout_marker_render(struct json_text *out, struct oci_error *err);

#endif
