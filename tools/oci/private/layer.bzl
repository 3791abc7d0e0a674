"""Implementation of oci_layer: one reproducible gzipped ustar layer.

The rule only wires inputs to one `OciLayer` action; the tar, the gzip and
the descriptor are written by //tools/oci:oci_builder (see its `layer
--help`), which is built and tested by Bazel like any other C code.
"""

OciLayerInfo = provider(
    doc = "A built OCI layer: the compressed blob and its descriptor.",
    fields = {
        "blob": "File: the layer, a gzipped ustar archive (`<name>.tar.gz`).",
        "descriptor": "File: JSON `{diff_id, digest, mediaType, size}` (`<name>.json`).",
    },
)

# Output group -> file name. The implementation declares these files and
# defs.bzl's oci_layer gives each its own label (`<name>.tar.gz`, ...), so a
# name is written down once.
LAYER_OUTPUTS = {
    "blob": "{name}.tar.gz",
    "descriptor": "{name}.json",
}

_DEFAULT_FILE_MODE = "0644"
_OCTAL = "01234567"

def _check_mode(mode, where):
    ok = len(mode) >= 3 and len(mode) <= 4
    for c in mode.elems():
        ok = ok and c in _OCTAL
    if not ok:
        fail("%s: mode %r must be 3 or 4 octal digits, e.g. \"0644\", \"0555\", \"1777\"" % (where, mode))

def _check_owner(owner, where):
    parts = owner.split(":")
    if len(parts) != 2 or not parts[0].isdigit() or not parts[1].isdigit():
        fail("%s: owner %r must be numeric \"UID:GID\", e.g. \"0:0\" or \"65532:65532\"" % (where, owner))

def _check_dest(dest, where):
    if not dest.startswith("/"):
        fail("%s: destination %r must be an absolute path inside the image, e.g. \"/app/api\"" % (where, dest))

def _single_file(target, dest):
    files = target.files.to_list()
    if len(files) != 1:
        fail("files: %s (for %s) yields %d files; each label in files must yield exactly one file" %
             (target.label, dest, len(files)))
    if "=" in files[0].path:
        fail("files: %s: a source path cannot contain \"=\" (oci_builder splits SRC=DEST on it)" % files[0].path)
    return files[0]

def _check_keys(ctx, file_dests):
    for dest, mode in ctx.attr.modes.items():
        if dest not in file_dests:
            fail("modes: %r is not a destination in files (directories take their mode in directories)" % dest)
        _check_mode(mode, "modes[%r]" % dest)
    for dest, owner in ctx.attr.owners.items():
        if dest not in file_dests and dest not in ctx.attr.directories:
            fail("owners: %r is neither in files nor in directories (add it to directories to create it)" % dest)
        _check_owner(owner, "owners[%r]" % dest)
    _check_owner(ctx.attr.owner, "owner")

def _oci_layer_impl(ctx):
    blob = ctx.actions.declare_file(LAYER_OUTPUTS["blob"].format(name = ctx.label.name))
    descriptor = ctx.actions.declare_file(LAYER_OUTPUTS["descriptor"].format(name = ctx.label.name))
    args = ctx.actions.args()
    args.add("layer")
    args.add("--output", blob)
    args.add("--descriptor", descriptor)
    sources = []
    file_dests = {}
    for target, dest in ctx.attr.files.items():
        _check_dest(dest, "files[%s]" % target.label)
        src = _single_file(target, dest)
        sources.append(src)
        file_dests[dest] = True
        mode = ctx.attr.modes.get(dest, _DEFAULT_FILE_MODE)
        owner = ctx.attr.owners.get(dest, ctx.attr.owner)
        args.add("--file", "%s=%s:%s:%s" % (src.path, dest, mode, owner))
    for dest, mode in ctx.attr.directories.items():
        _check_dest(dest, "directories")
        _check_mode(mode, "directories[%r]" % dest)
        owner = ctx.attr.owners.get(dest, ctx.attr.owner)
        args.add("--dir", "%s:%s:%s" % (dest, mode, owner))
    _check_keys(ctx, file_dests)

    ctx.actions.run(
        executable = ctx.executable._builder,
        arguments = [args],
        inputs = sources,
        outputs = [blob, descriptor],
        mnemonic = "OciLayer",
        progress_message = "Building OCI layer %s" % ctx.label,
    )
    return [
        DefaultInfo(
            files = depset([blob, descriptor]),
            runfiles = ctx.runfiles(files = [blob, descriptor]),
        ),
        OutputGroupInfo(
            blob = depset([blob]),
            descriptor = depset([descriptor]),
        ),
        OciLayerInfo(blob = blob, descriptor = descriptor),
    ]

oci_layer_rule = rule(
    implementation = _oci_layer_impl,
    doc = """A reproducible OCI image layer: a gzipped ustar archive and its descriptor.

Most users want the `oci_layer` macro of //tools/oci:defs.bzl, which calls
this rule and gives each output a label of its own.

Every entry has mtime 0, a numeric owner (uname/gname empty) and exactly the
mode given here; nothing is taken from the source files but their bytes.
Parent directories that are not listed in `directories` are added as 0755,
owned 0:0. Entries are sorted by path. The same inputs give the same bytes
on any machine, in any time zone, under any umask, user or locale.

Outputs (declared by the implementation, see `LAYER_OUTPUTS`), both default
outputs: `<name>.tar.gz` (output group `blob`) and `<name>.json` (output
group `descriptor`: `{"diff_id","digest","mediaType","size"}`). Provides
`OciLayerInfo(blob, descriptor)` for `oci_image`.

Example:

```starlark
load("//tools/oci:defs.bzl", "oci_layer")

oci_layer(
    name = "app_layer",
    files = {"//services/api:api": "/app/api"},
    modes = {"/app/api": "0555"},
    owner = "0:0",
)

oci_layer(
    name = "base_layer",
    directories = {
        "/tmp": "1777",
        "/home/app": "0700",
    },
    owners = {"/home/app": "65532:65532"},
)
```
""",
    attrs = {
        "files": attr.label_keyed_string_dict(
            allow_files = True,
            doc = "Files to put in the layer: label -> absolute destination path " +
                  "(`/app/api`). Each label must yield exactly one file.",
        ),
        "modes": attr.string_dict(
            doc = "Destination path in `files` -> octal mode (`0555`, `4755`). " +
                  "Files not listed get `0644`.",
        ),
        "directories": attr.string_dict(
            doc = "Directories to create: absolute path -> octal mode (`/tmp`: `1777`). " +
                  "Parents of files are created anyway (`0755`, `0:0`); list one here to " +
                  "choose its mode or owner.",
        ),
        "owner": attr.string(
            default = "0:0",
            doc = "Numeric `UID:GID` of every entry not listed in `owners`.",
        ),
        "owners": attr.string_dict(
            doc = "Destination path (in `files` or `directories`) -> numeric `UID:GID`, " +
                  "overriding `owner`.",
        ),
        "_builder": attr.label(
            default = Label("//tools/oci:oci_builder"),
            executable = True,
            cfg = "exec",
            doc = "The tool that writes the layer.",
        ),
    },
)
