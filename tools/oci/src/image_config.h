/* image_config.h - render the OCI image configuration blob.
 *
 *   {"architecture","config":{"Cmd","Entrypoint","Env","ExposedPorts",
 *    "Labels","User","WorkingDir"},"created","history":[…],"os",
 *    "rootfs":{"diff_ids":[…],"type":"layers"}}
 *
 * Canonical JSON (see canonical_json.h); empty optional fields are left
 * out. One history entry per layer, created_by "oci_builder layer". */
#ifndef OCI_IMAGE_CONFIG_H
#define OCI_IMAGE_CONFIG_H

#include <stddef.h>

#include "canonical_json.h"
#include "descriptor.h"
#include "image_input.h"
#include "oci_error.h"

#define IMAGE_CONFIG_CREATED_BY "oci_builder layer"

int image_config_render(const struct image_input *in,
                        const struct descriptor *layers, size_t layer_count,
                        struct json_text *out, struct oci_error *err);

#endif
