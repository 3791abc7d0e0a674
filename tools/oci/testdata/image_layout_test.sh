#!/usr/bin/env bash
# image_layout_test.sh - check the OCI layout of //tools/oci/testdata:img as
# Bazel built it, with coreutils and GNU tar only: every blob is named by its
# sha256, index.json points at the manifest named in img.digest, the
# manifest at the config and the two layers, and the layers hold exactly
# the entries, modes and owners the BUILD file asks for.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: image_layout_test.sh IMG.digest IMG.report.json

The layout is the directory next to IMG.digest, named without ".digest".
Run by Bazel as //tools/oci/testdata:image_layout_test.
EOF_USAGE
}

die() {
  printf 'image_layout_test: %s\n' "$*" >&2
  exit 1
}

for tool in sha256sum tar grep sed; do
  command -v "${tool}" >/dev/null || die "'${tool}' not found: install coreutils, tar, grep, sed"
done

if [[ ${1:-} == --help || $# -ne 2 ]]; then
  usage
  [[ ${1:-} == --help ]] && exit 0
  exit 2
fi
DIGEST_FILE="$1"
REPORT="$2"
LAYOUT="${DIGEST_FILE%.digest}"
BLOBS="${LAYOUT}/blobs/sha256"

# digests FILE: every "digest":"sha256:…" value in FILE, in order.
digests() {
  grep -o '"digest":"sha256:[0-9a-f]*"' "$1" | sed 's/"digest":"//; s/"$//'
}

blob() { printf '%s/%s' "${BLOBS}" "${1#sha256:}"; }

# entries LAYER_DIGEST: "MODE OWNER PATH" of each entry of a layer.
entries() {
  TZ=UTC tar --numeric-owner -tvzf "$(blob "$1")" | awk '{print $1, $2, $6}'
}

expect() { # expect WHAT EXPECTED ACTUAL
  [[ $2 == "$3" ]] || die "$1: expected [$2], got [$3]"
  printf 'ok: %s\n' "$1"
}

digest="$(cat "${DIGEST_FILE}")"
[[ ${digest} =~ ^sha256:[0-9a-f]{64}$ ]] || die "img.digest is not sha256:<64 hex>: ${digest}"

expect "oci-layout" '{"imageLayoutVersion":"1.0.0"}' "$(cat "${LAYOUT}/oci-layout")"
expect "index.json" \
  "{\"manifests\":[{\"digest\":\"${digest}\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":$(stat -L -c %s "$(blob "${digest}")")}],\"schemaVersion\":2}" \
  "$(cat "${LAYOUT}/index.json")"

for f in "${BLOBS}"/*; do
  expect "blob ${f##*/} is named by its sha256" "${f##*/}" "$(sha256sum "${f}" | cut -d' ' -f1)"
done

mapfile -t refs < <(digests "$(blob "${digest}")")
expect "manifest references a config and two layers" 3 "${#refs[@]}"
expect "number of blobs" 4 "$(find -L "${BLOBS}" -type f | wc -l)"
config="$(blob "${refs[0]}")"
grep -q '"created":"1970-01-01T00:00:00Z"' "${config}" || die "config: created is not the epoch"
grep -q '"Entrypoint":\["/bin/hello"\]' "${config}" || die "config: Entrypoint missing"
grep -q '"ExposedPorts":{"8080/tcp":{}}' "${config}" || die "config: ExposedPorts missing"
grep -q '"Labels":{"example":"yes","org.opencontainers.image.title":"oci-testdata"}' "${config}" ||
  die "config: Labels missing or not sorted: $(cat "${config}")"
echo "ok: config"

expect "layer 1 (tmp_layer)" "drwxrwxrwt 0/0 tmp/" "$(entries "${refs[1]}")"
expect "layer 2 (hello_layer)" \
  "$(printf '%s\n' 'drwxr-xr-x 0/0 etc/' '-r--r--r-- 65532/65532 etc/hello.txt')" \
  "$(entries "${refs[2]}")"
expect "hello.txt bytes" "hello from an oci_layer" "$(tar -xOzf "$(blob "${refs[2]}")" etc/hello.txt)"

grep -q "\"digest\":\"${digest}\"" "${REPORT}" || die "report does not name ${digest}"
echo "image_layout_test: ${digest}"
