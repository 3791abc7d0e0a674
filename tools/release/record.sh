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

Writes infra/live/release.json with the digest of //services/api:image, the
sha256 of //services/api:image.sbom, as built now, and the toolchain they were
built with: the version of each package marked digest-input in
tools/deps/debian-packages.txt (@pins//:toolchain.txt). Refuses to record a
build whose toolchain is not the pinned one (run tools/bootstrap first). With
--check, writes nothing and exits 1 if the file differs from the build.
EOF_USAGE
}

# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="record"
# die: tools/lib/cli.sh. `bazel run` starts this in its runfiles tree, where
# the paths below (and the two arguments BUILD passes) are relative to the
# working directory.
# shellcheck source=tools/lib/cli.sh
source tools/lib/cli.sh 2>/dev/null || {
  echo "record: run me with bazel run //tools/release:record" >&2
  exit 1
}

# BUILD passes the runfiles paths of the digest, the SBOM and the toolchain
# first; the user's arguments (after `--`) follow.
[[ $# -ge 3 ]] || die "run me with bazel run //tools/release:record"
digest_file="$1"
sbom_file="$2"
toolchain_file="$3"
shift 3

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

# toolchain_json: the "toolchain" object, one "package": "version" per line,
# from the lines `package pinned installed` of @pins//:toolchain.txt.
toolchain_json() {
  local pkg pinned installed sep="" drift=""
  printf '{'
  while read -r pkg pinned installed _; do
    [[ -n ${pkg} ]] || continue
    [[ ${installed} == "${pinned}" ]] || drift+=" ${pkg} (pinned ${pinned}, installed ${installed})"
    printf '%s\n    "%s": "%s"' "${sep}" "${pkg}" "${installed}"
    sep=","
  done <"${toolchain_file}"
  printf '\n  }'
  [[ -z ${drift} ]] ||
    die "this machine's toolchain is not the pinned one:${drift}; run tools/bootstrap (it installs the pins of tools/deps/debian-packages.txt), then record"
}
toolchain="$(toolchain_json)"

new="$(printf '{\n  "service": "api",\n  "image_digest": "%s",\n  "sbom_sha256": "%s",\n  "toolchain": %s\n}\n' \
  "${digest}" "${sbom_sha256}" "${toolchain}")"

if [[ ${check_only} -eq 1 ]]; then
  [[ -f ${record} && "$(cat "${record}")" == "${new}" ]] || die "infra/live/release.json is stale"
  echo "infra/live/release.json matches the build"
  exit 0
fi
printf '%s\n' "${new}" >"${record}.tmp"
mv "${record}.tmp" "${record}"
printf 'recorded %s\n  image_digest  %s\n  sbom_sha256   %s\n  toolchain     %s packages\n' \
  "infra/live/release.json" "${digest}" "${sbom_sha256}" "$(grep -c . "${toolchain_file}")"
