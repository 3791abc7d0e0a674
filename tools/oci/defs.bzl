"""Public API: reproducible OCI images, in the shape of rules_oci.

    load("//tools/oci:defs.bzl", "oci_image", "oci_layer")

`oci_layer` turns files into a gzipped ustar layer; `oci_image` stacks
layers into an OCI image layout with a stable digest. Both run
//tools/oci:oci_builder. See tools/oci/README.md.
"""

load("//tools/oci/private:image.bzl", _OciImageInfo = "OciImageInfo", _oci_image = "oci_image")
load("//tools/oci/private:layer.bzl", _OciLayerInfo = "OciLayerInfo", _oci_layer = "oci_layer")

oci_layer = _oci_layer
oci_image = _oci_image
OciLayerInfo = _OciLayerInfo
OciImageInfo = _OciImageInfo
