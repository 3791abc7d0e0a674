#!/usr/bin/env bash
# skopeo_inspect_test.sh - skopeo accepts the untagged OCI layout of
# //tools/oci/testdata:img (`oci:DIR` picks the index's only manifest) and
# reports the digest Bazel wrote to img.digest, and the two layers.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: skopeo_inspect_test.sh IMG.digest

The layout is the directory next to IMG.digest, named without ".digest".
Run by Bazel as //tools/oci/testdata:skopeo_inspect_test (no-sandbox).
EOF_USAGE
}

die() {
  printf 'skopeo_inspect_test: %s\n' "$*" >&2
  exit 1
}

command -v skopeo >/dev/null ||
  die "skopeo not found: apt-get install skopeo (tools/dev bootstrap installs it)"

if [[ ${1:-} == --help || $# -ne 1 ]]; then
  usage
  [[ ${1:-} == --help ]] && exit 0
  exit 2
fi
DIGEST_FILE="$1"
LAYOUT="$(cd "${DIGEST_FILE%.digest}" && pwd -P)"
expected="$(cat "${DIGEST_FILE}")"

reported="$(skopeo inspect --format '{{.Digest}}' "oci:${LAYOUT}")" ||
  die "skopeo inspect oci:${LAYOUT} failed"
[[ ${reported} == "${expected}" ]] ||
  die "skopeo reports ${reported}, img.digest says ${expected}"
echo "ok: skopeo inspect reports ${reported}"

layers="$(skopeo inspect --format '{{len .Layers}}' "oci:${LAYOUT}")"
[[ ${layers} == 2 ]] || die "skopeo sees ${layers} layers, expected 2"
echo "ok: 2 layers"
os_arch="$(skopeo inspect --format '{{.Os}}/{{.Architecture}}' "oci:${LAYOUT}")"
[[ ${os_arch} == linux/amd64 ]] || die "skopeo sees ${os_arch}, expected linux/amd64"
echo "ok: linux/amd64"
