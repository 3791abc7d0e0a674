"""Public API: reproducible OCI images, in the shape of rules_oci.

    load("//tools/oci:defs.bzl", "oci_image", "oci_layer")

`oci_layer` turns files into a gzipped ustar layer; `oci_image` stacks
layers into an OCI image layout with a stable digest. Both run
//tools/oci:oci_builder. See tools/oci/README.md.

As in rules_oci, the two are macros around `oci_layer_rule` and
`oci_image_rule`: the rules declare their files in the implementation (not
with the deprecated `rule(outputs = ...)`) and expose them as output groups,
and the macros give each output group a label named after its file, so
`:image.digest` or `:app_layer.tar.gz` can be used like any other label.
"""

load(
    "//tools/oci/private:image.bzl",
    "IMAGE_OUTPUTS",
    _OciImageInfo = "OciImageInfo",
    _oci_image_rule = "oci_image_rule",
)
load(
    "//tools/oci/private:layer.bzl",
    "LAYER_OUTPUTS",
    _OciLayerInfo = "OciLayerInfo",
    _oci_layer_rule = "oci_layer_rule",
)

oci_image_rule = _oci_image_rule
oci_layer_rule = _oci_layer_rule
OciImageInfo = _OciImageInfo
OciLayerInfo = _OciLayerInfo

# Attributes an output's label shares with the target that makes the output.
_SHARED_ATTRS = ["tags", "testonly", "visibility"]

def _output_labels(name, outputs, kwargs):
    """Declares one filegroup per output group, named as the file it holds.

    Args:
      name: the rule target's name.
      outputs: output group -> file name pattern ("{name}.digest").
      kwargs: the rule target's attributes; _SHARED_ATTRS are passed on.
    """
    shared = {k: kwargs[k] for k in _SHARED_ATTRS if k in kwargs}
    for group, pattern in outputs.items():
        native.filegroup(
            name = pattern.format(name = name),
            srcs = [":" + name],
            output_group = group,
            **shared
        )

def oci_layer(name, **kwargs):
    """A reproducible OCI image layer, with a label for each of its files.

    Declares `oci_layer_rule(name = name, **kwargs)` and the labels
    `<name>.tar.gz` (the layer) and `<name>.json` (its descriptor).

    ```starlark
    load("//tools/oci:defs.bzl", "oci_layer")

    oci_layer(
        name = "app_layer",
        files = {"//services/api:api": "/app/api"},
        modes = {"/app/api": "0555"},
    )
    ```

    Args:
      name: name of the layer target; its files are named after it.
      **kwargs: attributes of `oci_layer_rule` (tools/oci/README.md lists
        them) and the common ones (`visibility`, `tags`, `testonly`, which
        the output labels share).
    """
    oci_layer_rule(name = name, **kwargs)
    _output_labels(name, LAYER_OUTPUTS, kwargs)

def oci_image(name, **kwargs):
    """A reproducible OCI image layout, with a label for its digest and report.

    Declares `oci_image_rule(name = name, **kwargs)` and the labels
    `<name>.digest` (`sha256:<hex>` of the manifest) and `<name>.report.json`
    (sizes and digests).

    ```starlark
    load("//tools/oci:defs.bzl", "oci_image")

    oci_image(
        name = "image",
        layers = [":base_layer", ":app_layer"],  # base first
        entrypoint = ["/app/api"],
    )
    ```

    `bazel build //pkg:image.digest` then builds the image and names its
    digest; `spdx_sbom(image_digest = ":image.digest", ...)` reads it.

    Args:
      name: name of the image target (and of the layout directory).
      **kwargs: attributes of `oci_image_rule` (tools/oci/README.md lists
        them) and the common ones (`visibility`, `tags`, `testonly`, which
        the output labels share).
    """
    oci_image_rule(name = name, **kwargs)
    _output_labels(name, IMAGE_OUTPUTS, kwargs)
