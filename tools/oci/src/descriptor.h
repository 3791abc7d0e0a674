/* descriptor.h - OCI content descriptors and the media types we write.
 *
 * A descriptor names a blob by digest, size and media type. Layers also
 * carry their diff_id (digest of the uncompressed tar) in the descriptor
 * file `oci_builder layer` writes; the manifest's copies leave it out. */
#ifndef OCI_DESCRIPTOR_H
#define OCI_DESCRIPTOR_H

#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "canonical_json.h"
#include "oci_error.h"
#include "sha256.h"

#define OCI_MEDIA_TYPE_LAYER "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_MEDIA_TYPE_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MEDIA_TYPE_MANIFEST "application/vnd.oci.image.manifest.v1+json"

struct descriptor {
    const char *media_type; /* one of the constants above */
    char digest[OCI_DIGEST_LEN + 1];
    char diff_id[OCI_DIGEST_LEN + 1]; /* layers only; "" otherwise */
    int64_t size;
};

/* Emits {"diff_id"?,"digest","mediaType","size"} (keys sorted). */
int descriptor_gen(yajl_gen g, const struct descriptor *d, int with_diff_id);

/* The layer descriptor file: the descriptor with its diff_id. */
int descriptor_render_layer(const struct descriptor *d, struct json_text *out,
                            struct oci_error *err);

/* Parses a layer descriptor file; `what` names it in messages. */
int descriptor_parse_layer(const char *text, const char *what,
                           struct descriptor *out, struct oci_error *err);

/* Fills a descriptor for bytes held in memory (config, manifest). */
int descriptor_of_bytes(const char *media_type, const void *data, size_t len,
                        struct descriptor *out, struct oci_error *err);

#endif
