/* image.h - assemble an OCI image layout from built layers.
 *
 * Reads the image settings and each layer's descriptor, copies the layer
 * blobs into the layout (checking their digests), renders and stores the
 * config and the manifest, writes index.json and oci-layout, then the
 * manifest digest and the size report. Layers are in the order given,
 * base first. */
#ifndef OCI_IMAGE_H
#define OCI_IMAGE_H

#include <stddef.h>

#include "oci_error.h"

struct image_layer_arg {
    const char *blob;       /* LAYER.tar.gz */
    const char *descriptor; /* LAYER.json, written by `oci_builder layer` */
};

struct image_request {
    const char *layout_dir;
    const char *digest_out;
    const char *report_out;
    const char *config; /* the image settings; see image_input.h */
    const struct image_layer_arg *layers;
    size_t layer_count;
};

int image_build(const struct image_request *req, struct oci_error *err);

#endif
