#!/usr/bin/env bash
# reproducible_test.sh - oci_builder writes the same bytes whatever the
# environment it runs in.
#
# Builds two layers and an image twice, into two directories, from inputs
# that are byte-identical but differ in path, file mode and mtime:
#   run 1: TZ=UTC, umask 022, SOURCE_DATE_EPOCH unset
#   run 2: TZ=Asia/Kolkata, umask 077, SOURCE_DATE_EPOCH=1700000000,
#          LC_ALL=C.UTF-8
# then compares every output byte for byte, and the layout trees with their
# file types and modes. (The user is not varied: Bazel's sandbox lives under
# root's home, which another user cannot enter; the builder never asks who
# runs it.)
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: reproducible_test.sh OCI_BUILDER

Runs OCI_BUILDER twice under different TZ, umask, SOURCE_DATE_EPOCH and
LC_ALL, on the same inputs, and fails unless all outputs are identical.
Run by Bazel as //tools/oci:reproducible_test.
EOF_USAGE
}

die() {
  printf 'reproducible_test: %s\n' "$*" >&2
  exit 1
}

for tool in cmp diff find sort touch; do
  command -v "${tool}" >/dev/null || die "'${tool}' not found: install coreutils/diffutils/findutils"
done

if [[ ${1:-} == --help || $# -ne 1 ]]; then
  usage
  [[ ${1:-} == --help ]] && exit 0
  exit 2
fi
BUILDER="$1"
[[ ${BUILDER} == /* ]] || BUILDER="${PWD}/${BUILDER}"
[[ -x ${BUILDER} ]] || die "no executable at ${BUILDER}"
export BUILDER

# build_all OUT MTIME: inputs with the given mtime (and the caller's umask
# for their mode), then layer, layer, image into OUT.
build_all() {
  local out="$1" mtime="$2" in="$1/in"
  mkdir -p "${in}" "${out}/result"
  printf 'hello, reproducible world\n' >"${in}/hello.txt"
  printf '#!/bin/true\n' >"${in}/tool"
  touch -d "@${mtime}" "${in}/hello.txt" "${in}/tool"
  cat >"${in}/config.json" <<'EOF_CONFIG'
{"architecture":"amd64","cmd":["--serve"],"created":"1970-01-01T00:00:00Z","entrypoint":["/app/tool"],"env":["PATH=/app","TZ=UTC"],"exposed_ports":["8080/tcp"],"labels":{"org.opencontainers.image.title":"repro","b":"2"},"os":"linux","user":"65532:65532","workdir":"/app"}
EOF_CONFIG
  local r="${out}/result"
  "${BUILDER}" layer --output "${r}/base.tar.gz" --descriptor "${r}/base.json" \
    --dir /tmp:1777:0:0 --dir /home/app:0700:65532:65532
  "${BUILDER}" layer --output "${r}/app.tar.gz" --descriptor "${r}/app.json" \
    --file "${in}/tool=/app/tool:0555:0:0" \
    --file "${in}/hello.txt=/app/share/hello.txt:0444:65532:65532"
  "${BUILDER}" image --layout-dir "${r}/layout" --digest-out "${r}/image.digest" \
    --report-out "${r}/image.report.json" --config "${in}/config.json" \
    --layer "${r}/base.tar.gz=${r}/base.json" --layer "${r}/app.tar.gz=${r}/app.json"
  printf '  umask %s, TZ=%s, SOURCE_DATE_EPOCH=%s, LC_ALL=%s, input mode %s\n' \
    "$(umask)" "${TZ:-}" "${SOURCE_DATE_EPOCH:-<unset>}" "${LC_ALL:-<unset>}" \
    "$(stat -c %a "${in}/hello.txt")"
}
export -f build_all

# tree DIR: every path below DIR with its type and mode, and files' sizes.
tree() {
  (cd "$1" && find . \( -type f -printf 'f %m %s %P\n' \) -o -printf '%y %m %P\n' |
    LC_ALL=C sort)
}

WORK="${TEST_TMPDIR:?run me with bazel test, or set TEST_TMPDIR}/reproducible"
rm -rf "${WORK}"
ONE="${WORK}/one"
TWO="${WORK}/second-run-elsewhere"

echo "run 1:"
# shellcheck disable=SC2016 # "$1" is for the inner bash to expand
env -u SOURCE_DATE_EPOCH TZ=UTC bash -c 'umask 022 && build_all "$1" 1000000000' _ "${ONE}"
echo "run 2:"
# shellcheck disable=SC2016 # "$1" is for the inner bash to expand
env TZ=Asia/Kolkata SOURCE_DATE_EPOCH=1700000000 LC_ALL=C.UTF-8 \
  bash -c 'umask 077 && build_all "$1" 1700000000' _ "${TWO}"

failed=0
for f in base.tar.gz base.json app.tar.gz app.json image.digest image.report.json; do
  if cmp "${ONE}/result/${f}" "${TWO}/result/${f}"; then
    printf 'same: %s\n' "${f}"
  else
    failed=1
  fi
done
if diff <(tree "${ONE}/result/layout") <(tree "${TWO}/result/layout") &&
  diff -r "${ONE}/result/layout" "${TWO}/result/layout"; then
  echo "same: layout tree (paths, types, modes, sizes, bytes)"
else
  failed=1
fi
tree "${ONE}/result/layout"

digest="$(cat "${ONE}/result/image.digest")"
[[ ${digest} =~ ^sha256:[0-9a-f]{64}$ ]] || die "bad digest file: ${digest}"
[[ $(tree "${ONE}/result/layout" | grep -c '^f 644 ') -eq 6 ]] ||
  die "expected 6 files of mode 0644 in the layout (oci-layout, index.json, 4 blobs)"
[[ ${failed} -eq 0 ]] || die "outputs differ between the two runs"
echo "reproducible: ${digest}"
