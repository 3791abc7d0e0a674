#!/usr/bin/env bash
# record: rewrite infra/live/release.json from the current build.
#
# `bazel run //tools/release:record` — the one way the recorded digest
# changes. Both infra/live/dev and infra/live/prod deploy what this file
# says, and //infra/live:release_record_test fails while it is stale.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: bazel run //tools/release:record [-- --check]

Writes infra/live/release.json with the digest of //services/api:image and
the sha256 of //services/api:image.sbom, as built now. With --check, writes
nothing and exits 1 if the file differs from the build.
EOF_USAGE
}

PROG="record"
# die: tools/lib/cli.sh. `bazel run` starts this in its runfiles tree, where
# the paths below (and the two arguments BUILD passes) are relative to the
# working directory.
# shellcheck source=tools/lib/cli.sh
source tools/lib/cli.sh 2>/dev/null || {
  echo "record: run me with bazel run //tools/release:record" >&2
  exit 1
}

# BUILD passes the runfiles paths of the digest and the SBOM first; the
# user's arguments (after `--`) follow.
[[ $# -ge 2 ]] || die "run me with bazel run //tools/release:record"
digest_file="$1"
sbom_file="$2"
shift 2

check_only=0
case "${1:-}" in
  -h | --help)
    usage
    exit 0
    ;;
  --check) check_only=1 ;;
  "") ;;
  *)
    usage >&2
    exit 2
    ;;
esac

workspace="${BUILD_WORKSPACE_DIRECTORY:?run me with bazel run //tools/release:record}"
record="${workspace}/infra/live/release.json"

digest="$(cat "${digest_file}")"
[[ ${digest} =~ ^sha256:[0-9a-f]{64}$ ]] || die "${digest_file} holds '${digest}', not sha256:<64 hex>"
sbom_sha256="$(sha256sum "${sbom_file}" | cut -d' ' -f1)"

new="$(printf '{\n  "service": "api",\n  "image_digest": "%s",\n  "sbom_sha256": "%s"\n}\n' \
  "${digest}" "${sbom_sha256}")"

if [[ ${check_only} -eq 1 ]]; then
  [[ -f ${record} && "$(cat "${record}")" == "${new}" ]] || die "infra/live/release.json is stale"
  echo "infra/live/release.json matches the build"
  exit 0
fi
printf '%s\n' "${new}" >"${record}.tmp"
mv "${record}.tmp" "${record}"
printf 'recorded %s\n  image_digest  %s\n  sbom_sha256   %s\n' \
  "infra/live/release.json" "${digest}" "${sbom_sha256}"
