#!/usr/bin/env bash
# output_labels_test.sh - the labels defs.bzl's macros promise name the files
# they promise: `:img` is the layout and the digest, `:img.digest` and
# `:img.report.json` are one file each, named so beside the layout (what
# tools/dev and the release scripts read from bazel-bin), and a layer's
# `.tar.gz` and `.json` labels are its blob and the descriptor of that blob.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: output_labels_test.sh PKG 'IMG_DEFAULT_OUTPUTS' IMG.digest IMG.report.json
                             'LAYER_DEFAULT_OUTPUTS' LAYER.tar.gz LAYER.json

PKG is the package's path (tools/oci/testdata); the quoted arguments are
space-separated $(rootpaths) of the image and layer targets. Run by Bazel as
//tools/oci/testdata:output_labels_test.
EOF_USAGE
}

die() {
  printf 'output_labels_test: %s\n' "$*" >&2
  exit 1
}

for tool in sha256sum grep; do
  command -v "${tool}" >/dev/null || die "'${tool}' not found: install coreutils, grep"
done

if [[ ${1:-} == --help || $# -ne 7 ]]; then
  usage
  [[ ${1:-} == --help ]] && exit 0
  exit 2
fi
PKG="$1" IMG_DEFAULT="$2" DIGEST="$3" REPORT="$4"
LAYER_DEFAULT="$5" BLOB="$6" DESCRIPTOR="$7"

expect() { # expect WHAT EXPECTED ACTUAL
  [[ $2 == "$3" ]] || die "$1: expected [$2], got [$3]"
  printf 'ok: %s\n' "$1"
}

sorted() { tr ' ' '\n' <<<"$1" | sort | tr '\n' ' '; }

# value FILE KEY: the string value of "KEY":"..." in canonical JSON.
value() { grep -o "\"$2\":\"[^\"]*\"" "$1" | head -1 | sed "s/^\"$2\":\"//; s/\"\$//"; }

expect ":img default outputs" "$(sorted "${PKG}/img ${PKG}/img.digest")" "$(sorted "${IMG_DEFAULT}")"
expect ":img.digest" "${PKG}/img.digest" "${DIGEST}"
expect ":img.report.json" "${PKG}/img.report.json" "${REPORT}"
expect ":hello_layer default outputs" \
  "$(sorted "${PKG}/hello_layer.json ${PKG}/hello_layer.tar.gz")" "$(sorted "${LAYER_DEFAULT}")"
expect ":hello_layer.tar.gz" "${PKG}/hello_layer.tar.gz" "${BLOB}"
expect ":hello_layer.json" "${PKG}/hello_layer.json" "${DESCRIPTOR}"

[[ -d ${PKG}/img && -f ${PKG}/img/index.json ]] || die ":img is not a layout directory"
expect "the report names the digest" "$(cat "${DIGEST}")" "$(value "${REPORT}" digest)"
blob_digest="sha256:$(sha256sum "${BLOB}" | cut -d' ' -f1)"
expect "the descriptor describes the blob" "${blob_digest}" "$(value "${DESCRIPTOR}" digest)"
grep -q "\"digest\":\"${blob_digest}\"" "${REPORT}" || die "the report does not list the hello_layer blob ${blob_digest}"
echo "ok: the report lists the layer"
