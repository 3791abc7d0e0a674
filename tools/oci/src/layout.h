/* layout.h - write an OCI image layout directory.
 *
 *   DIR/oci-layout, DIR/index.json, DIR/blobs/sha256/<hex>
 *
 * DIR may exist (Bazel creates tree artifacts) but must be empty, so no
 * stale blob survives. Directories get mode 0755 and files 0644, set after
 * creation. Layer blobs are copied and re-hashed on the way in, so a layer
 * whose bytes do not match its descriptor is an error, not a broken image. */
#ifndef OCI_LAYOUT_H
#define OCI_LAYOUT_H

#include "canonical_json.h"
#include "descriptor.h"
#include "oci_error.h"

struct layout {
    char *dir;
    char *blobs; /* DIR/blobs/sha256 */
};

int layout_create(struct layout *layout, const char *dir,
                  struct oci_error *err);

/* Stores bytes held in memory under their digest (desc->digest). */
int layout_write_blob(const struct layout *layout,
                      const struct descriptor *desc,
                      const struct json_text *bytes, struct oci_error *err);

/* Copies a layer blob from src, checking it against expected. */
int layout_copy_layer(const struct layout *layout, const char *src,
                      const struct descriptor *expected,
                      struct oci_error *err);

/* Writes oci-layout and index.json (pointing at manifest). */
int layout_write_index(const struct layout *layout,
                       const struct descriptor *manifest,
                       struct oci_error *err);

void layout_free(struct layout *layout);

#endif
