"""Implementation of oci_image: an OCI image layout from oci_layer targets.

The rule writes the image settings as JSON (json.encode) and wires them and
the layers to one `OciImage` action; //tools/oci:oci_builder (`image
--help`) renders the config and the manifest and writes the layout.
"""

load(":layer.bzl", "OciLayerInfo")

OciImageInfo = provider(
    doc = "A built OCI image: its layout directory, manifest digest and size report.",
    fields = {
        "layout": "File (directory): the OCI image layout (`<name>`).",
        "digest": "File: `sha256:<hex>` of the manifest, no newline (`<name>.digest`).",
        "report": "File: JSON size report (`<name>.report.json`).",
    },
)

# Output group -> file name. The implementation declares these files and
# defs.bzl's oci_image gives each its own label (`<name>.digest`, ...), so a
# name is written down once.
IMAGE_OUTPUTS = {
    "digest": "{name}.digest",
    "report": "{name}.report.json",
}

# Fixed so the image does not depend on when it was built.
_CREATED = "1970-01-01T00:00:00Z"

def _config_input(ctx):
    return json.encode({
        "architecture": ctx.attr.architecture,
        "cmd": ctx.attr.cmd,
        "created": _CREATED,
        "entrypoint": ctx.attr.entrypoint,
        "env": ctx.attr.env,
        "exposed_ports": ctx.attr.exposed_ports,
        "labels": ctx.attr.labels,
        "os": ctx.attr.os,
        "user": ctx.attr.user,
        "workdir": ctx.attr.workdir,
    })

def _oci_image_impl(ctx):
    layout = ctx.actions.declare_directory(ctx.label.name)
    digest = ctx.actions.declare_file(IMAGE_OUTPUTS["digest"].format(name = ctx.label.name))
    report = ctx.actions.declare_file(IMAGE_OUTPUTS["report"].format(name = ctx.label.name))
    config = ctx.actions.declare_file(ctx.label.name + ".config_input.json")
    ctx.actions.write(config, _config_input(ctx))

    args = ctx.actions.args()
    args.add("image")
    args.add("--layout-dir", layout.path)
    args.add("--digest-out", digest)
    args.add("--report-out", report)
    args.add("--config", config)
    inputs = [config]
    for layer in ctx.attr.layers:
        info = layer[OciLayerInfo]
        args.add("--layer", "%s=%s" % (info.blob.path, info.descriptor.path))
        inputs.extend([info.blob, info.descriptor])

    ctx.actions.run(
        executable = ctx.executable._builder,
        arguments = [args],
        inputs = inputs,
        outputs = [layout, digest, report],
        mnemonic = "OciImage",
        progress_message = "Assembling OCI image %s" % ctx.label,
    )
    return [
        DefaultInfo(
            files = depset([layout, digest]),
            # So a test's `data = [":image"]` sees the layout and the digest.
            runfiles = ctx.runfiles(files = [layout, digest]),
        ),
        OutputGroupInfo(
            digest = depset([digest]),
            report = depset([report]),
        ),
        OciImageInfo(layout = layout, digest = digest, report = report),
    ]

oci_image_rule = rule(
    implementation = _oci_image_impl,
    doc = """A reproducible OCI image, as an OCI image layout directory.

Most users want the `oci_image` macro of //tools/oci:defs.bzl, which calls
this rule and gives each output below a label of its own.

Outputs (declared by the implementation, see `IMAGE_OUTPUTS`):
- `<name>`: the layout (`oci-layout`, `index.json` with the one manifest
  and no tag, `blobs/sha256/`), usable as `oci:<path>` by skopeo;
- `<name>.digest` (output group `digest`): `sha256:<hex>` of the manifest,
  no newline (the image digest a registry will report);
- `<name>.report.json` (output group `report`):
  `{"compressed_size","config_digest","digest","layers"}`.

The default outputs are the layout and the digest; `--output_groups=report`
builds the report. Provides `OciImageInfo(layout, digest, report)`.
`created` is always 1970-01-01T00:00:00Z, so the digest depends only on
the layers and the attributes below.

Example:

```starlark
load("//tools/oci:defs.bzl", "oci_image", "oci_layer")

oci_image(
    name = "image",
    # Base first; the layer that changes most often last.
    layers = [":base_layer", ":app_layer"],
    entrypoint = ["/app/api"],
    env = ["PORT=8080"],
    user = "65532:65532",
    workdir = "/app",
    exposed_ports = ["8080/tcp"],
    labels = {"org.opencontainers.image.source": "https://example.invalid/repo"},
)
```

`bazel build //pkg:image.digest` builds the image and names its digest.
""",
    attrs = {
        "layers": attr.label_list(
            providers = [OciLayerInfo],
            mandatory = True,
            allow_empty = False,
            doc = "`oci_layer` targets, base first. Put the layers that change " +
                  "least often first so a code change re-pushes one small layer.",
        ),
        "entrypoint": attr.string_list(doc = "Config `Entrypoint`: the command run in the container."),
        "cmd": attr.string_list(doc = "Config `Cmd`: default arguments to the entrypoint."),
        "env": attr.string_list(doc = "Config `Env`, each `NAME=VALUE`, in this order."),
        "user": attr.string(doc = "Config `User`, e.g. `65532:65532`; empty leaves it out."),
        "workdir": attr.string(doc = "Config `WorkingDir`; empty leaves it out."),
        "exposed_ports": attr.string_list(
            doc = "Config `ExposedPorts`: `PORT`, `PORT/tcp`, `PORT/udp` or `PORT/sctp`.",
        ),
        "labels": attr.string_dict(doc = "Config `Labels`."),
        "os": attr.string(default = "linux", doc = "Config `os`."),
        "architecture": attr.string(default = "amd64", doc = "Config `architecture` (GOARCH spelling: `amd64`, `arm64`)."),
        "_builder": attr.label(
            default = Label("//tools/oci:oci_builder"),
            executable = True,
            cfg = "exec",
            doc = "The tool that writes the layout.",
        ),
    },
)
