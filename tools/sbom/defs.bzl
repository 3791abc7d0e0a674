"""Public API: an SPDX 2.3 SBOM for an OCI image built from pinned sources.

The document lists the image and what is statically linked into it: the
pinned third-party packages of `//third_party:sources.lock` (version, licence,
sha256 of each pinned file, a package URL) and the host C library and
compiler runtime (Debian source package and version). It names the image by
its digest, so it can only describe one build. Nothing in it depends on time
or machine beyond those versions: `created` is the epoch, like the image's.
"""

load("@pins//:pins.bzl", "PINS", "TOOLCHAIN")

_DIGEST_PLACEHOLDER = "@@IMAGE_DIGEST@@"  # sha256:<hex>
_PURL_DIGEST_PLACEHOLDER = "@@IMAGE_DIGEST_PURL@@"  # sha256%3A<hex>

def _spdx_id(name):
    return "SPDXRef-Package-" + "".join([c if c.isalnum() or c in ".-" else "-" for c in name.elems()])

def _purl(kind, name, version):
    if kind == "debian":
        return "pkg:deb/debian/%s@%s?arch=source" % (name, version.replace("+", "%2B"))
    return "pkg:npm/%s@%s" % (name, version)

def _pinned_package(name, license):
    if name not in PINS:
        fail("spdx_sbom: %r is not in //third_party:sources.lock (known: %s)" % (name, ", ".join(sorted(PINS.keys()))))
    pin = PINS[name]
    files = sorted(pin["files"].items())

    # The package checksum is the upstream archive's; Debian's patch archive
    # is listed in sourceInfo with every other pinned file.
    upstream = [sha for f, sha in files if ".orig." in f or f.endswith(".tgz")]
    return {
        "SPDXID": _spdx_id(name),
        "name": name,
        "versionInfo": pin["version"],
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "licenseConcluded": license,
        "licenseDeclared": license,
        "copyrightText": "NOASSERTION",
        "sourceInfo": "pinned in //third_party:sources.lock: " + ", ".join(
            ["%s sha256:%s" % (f, sha) for f, sha in files],
        ),
        "checksums": [{"algorithm": "SHA256", "checksumValue": (upstream or [files[0][1]])[0]}],
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": _purl(pin["kind"], name, pin["version"]),
        }],
    }

def _toolchain_package(package, license):
    if package not in TOOLCHAIN:
        fail("spdx_sbom: host package %r is not in @pins TOOLCHAIN (%s)" % (package, ", ".join(sorted(TOOLCHAIN.keys()))))
    info = TOOLCHAIN[package]
    return {
        "SPDXID": _spdx_id(info["source"]),
        "name": info["source"],
        "versionInfo": info["version"],
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "licenseConcluded": license,
        "licenseDeclared": license,
        "copyrightText": "NOASSERTION",
        "comment": "Statically linked from the build host's Debian package %s." % package,
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": _purl("debian", info["source"], info["version"]),
        }],
    }

def _document(ctx):
    image_id = "SPDXRef-Package-image"
    packages = [{
        "SPDXID": image_id,
        "name": ctx.attr.image_name,
        "versionInfo": _DIGEST_PLACEHOLDER,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "licenseConcluded": ctx.attr.image_license,
        "licenseDeclared": ctx.attr.image_license,
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "CONTAINER",
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": "pkg:oci/%s@%s" % (ctx.attr.image_name, _PURL_DIGEST_PLACEHOLDER),
        }],
    }]
    for name in sorted(ctx.attr.components.keys()):
        packages.append(_pinned_package(name, ctx.attr.components[name]))
    for package in sorted(ctx.attr.toolchain.keys()):
        packages.append(_toolchain_package(package, ctx.attr.toolchain[package]))
    relationships = [{
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": image_id,
    }] + [{
        "spdxElementId": image_id,
        "relationshipType": "CONTAINS",
        "relatedSpdxElement": p["SPDXID"],
    } for p in packages[1:]]
    return {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "%s image" % ctx.attr.image_name,
        "documentNamespace": "urn:spdx:%s:image:%s" % (ctx.attr.image_name, _DIGEST_PLACEHOLDER),
        "creationInfo": {
            "created": "1970-01-01T00:00:00Z",
            "creators": ["Tool: //tools/sbom:defs.bzl"],
        },
        "packages": packages,
        "relationships": relationships,
    }

def _spdx_sbom_impl(ctx):
    template = ctx.actions.declare_file(ctx.label.name + ".template.json")
    out = ctx.actions.declare_file(ctx.label.name + ".spdx.json")
    ctx.actions.write(template, json.encode(_document(ctx)) + "\n")
    ctx.actions.run_shell(
        inputs = [template, ctx.file.image_digest],
        outputs = [out],
        command = """
set -eu
digest="$(cat "$2")"
case "$digest" in
  sha256:*) ;;
  *) echo "spdx_sbom: $2 does not hold a sha256 digest: $digest" >&2; exit 1 ;;
esac
hex="${digest#sha256:}"
if [ "${#hex}" -ne 64 ] || [ -n "$(printf '%s' "$hex" | tr -d 0-9a-f)" ]; then
  echo "spdx_sbom: malformed digest in $2: $digest" >&2; exit 1
fi
sed -e "s/@@IMAGE_DIGEST@@/$digest/g" -e "s/@@IMAGE_DIGEST_PURL@@/sha256%3A$hex/g" "$1" > "$3"
""",
        arguments = [template.path, ctx.file.image_digest.path, out.path],
        mnemonic = "SpdxSbom",
        progress_message = "Writing SPDX SBOM %s" % out.short_path,
    )
    return [DefaultInfo(
        files = depset([out]),
        runfiles = ctx.runfiles(files = [out]),
    )]

spdx_sbom = rule(
    implementation = _spdx_sbom_impl,
    doc = """Writes `<name>.spdx.json`, an SPDX 2.3 document for one image.

Example:

```starlark
load("//tools/sbom:defs.bzl", "spdx_sbom")

spdx_sbom(
    name = "image.sbom",
    image_digest = ":image.digest",
    image_name = "api",
    components = {"civetweb": "MIT", "yajl": "ISC"},
    toolchain = {"libc6-dev": "LGPL-2.1-or-later"},
)
```
""",
    attrs = {
        "image_digest": attr.label(
            mandatory = True,
            allow_single_file = True,
            doc = "The image's `<name>.digest` file (`sha256:<hex>`); the SBOM names the image by it.",
        ),
        "image_name": attr.string(
            mandatory = True,
            doc = "Name of the image package in the SBOM and in its `pkg:oci` URL.",
        ),
        "image_license": attr.string(
            default = "MIT",
            doc = "SPDX licence expression of the image's own code.",
        ),
        "components": attr.string_dict(
            mandatory = True,
            doc = "Package of `//third_party:sources.lock` → its SPDX licence expression. Version and sha256 come from the lock.",
        ),
        "toolchain": attr.string_dict(
            default = {},
            doc = "Host Debian package whose static libraries are linked in (see `@pins` TOOLCHAIN) → SPDX licence expression.",
        ),
    },
)
