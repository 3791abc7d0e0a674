#!/usr/bin/env bash
# umoci_unpack_test.sh - the layers of //tools/oci/testdata:img unpack with
# umoci into the root filesystem the BUILD file describes.
#
# umoci only opens a layout by tag (org.opencontainers.image.ref.name in
# index.json, "latest" by default) and our index deliberately has none. So
# `skopeo copy oci:LAYOUT oci:COPY:latest` first makes a tagged copy; it
# keeps the manifest bytes, so the digest is checked to be unchanged.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: umoci_unpack_test.sh IMG.digest

The layout is the directory next to IMG.digest, named without ".digest".
Run by Bazel as //tools/oci/testdata:umoci_unpack_test (no-sandbox).
EOF_USAGE
}

die() {
  printf 'umoci_unpack_test: %s\n' "$*" >&2
  exit 1
}

command -v skopeo >/dev/null ||
  die "skopeo not found: apt-get install skopeo (tools/dev bootstrap installs it)"
command -v umoci >/dev/null ||
  die "umoci not found: apt-get install umoci (tools/dev bootstrap installs it)"

if [[ ${1:-} == --help || $# -ne 1 ]]; then
  usage
  [[ ${1:-} == --help ]] && exit 0
  exit 2
fi
DIGEST_FILE="$1"
LAYOUT="$(cd "${DIGEST_FILE%.digest}" && pwd -P)"
expected="$(cat "${DIGEST_FILE}")"
WORK="${TEST_TMPDIR:?run me with bazel test, or set TEST_TMPDIR}/umoci"
rm -rf "${WORK}"
mkdir -p "${WORK}"

# A policy of our own: the copy is local, and the host's policy may differ.
printf '{"default":[{"type":"insecureAcceptAnything"}]}' >"${WORK}/policy.json"
skopeo --policy "${WORK}/policy.json" copy --quiet "oci:${LAYOUT}" "oci:${WORK}/tagged:latest" ||
  die "skopeo copy to a tagged layout failed"
copied="$(skopeo inspect --format '{{.Digest}}' "oci:${WORK}/tagged:latest")"
[[ ${copied} == "${expected}" ]] || die "the tagged copy has digest ${copied}, expected ${expected}"
echo "ok: tagged copy keeps ${copied}"

# --rootless: unpack without chown, so the test needs no root.
umoci unpack --rootless --image "${WORK}/tagged:latest" "${WORK}/bundle" >/dev/null ||
  die "umoci unpack failed"
rootfs="${WORK}/bundle/rootfs"

check() { # check WHAT EXPECTED ACTUAL
  [[ $2 == "$3" ]] || die "$1: expected [$2], got [$3]"
  printf 'ok: %s\n' "$1"
}
check "/tmp mode" 1777 "$(stat -c %a "${rootfs}/tmp")"
check "/etc mode" 755 "$(stat -c %a "${rootfs}/etc")"
check "/etc/hello.txt mode" 444 "$(stat -c %a "${rootfs}/etc/hello.txt")"
check "/etc/hello.txt bytes" "hello from an oci_layer" "$(cat "${rootfs}/etc/hello.txt")"
check "/etc/hello.txt mtime" 0 "$(stat -c %Y "${rootfs}/etc/hello.txt")"
check "rootfs entries" "$(printf '%s\n' etc etc/hello.txt tmp)" \
  "$(cd "${rootfs}" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort)"
grep -q '"/bin/hello"' "${WORK}/bundle/config.json" ||
  die "the runtime config has no /bin/hello entrypoint"
echo "ok: runtime config"
