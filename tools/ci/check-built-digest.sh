#!/usr/bin/env bash
# check-built-digest.sh: the image this commit built is the recorded one.
# deploy-dev runs it after `bazel build //services/api:image`, before any push:
# a build whose digest differs from infra/live/release.json is never deployed.
set -euo pipefail
PROG="check-built-digest"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: check-built-digest.sh [--digest-file FILE] [--record FILE]

Fails unless the digest in FILE (written by the build) equals the record's.
  --digest-file FILE  default: bazel-bin/services/api/image.digest
  --record FILE       default: infra/live/release.json
  -h, --help          this text
Exit: 0 equal, 1 different or unreadable, 2 bad usage.
USAGE
}

main() {
  local digest_file="${ROOT}/bazel-bin/services/api/image.digest"
  local record="${ROOT}/infra/live/release.json" built recorded
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --digest-file) need_value "$@"; digest_file="$2"; shift 2 ;;
      --record) need_value "$@"; record="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  require python3 python3
  [[ -r ${digest_file} ]] || die "${digest_file} not found: bazel build //services/api:image first"
  built="$(tr -d '[:space:]' <"${digest_file}")"
  is_digest "${built}" || die "${digest_file}: '${built}' is not sha256:<64 hex>"
  recorded="$(release_digest "${record}")"
  [[ ${built} == "${recorded}" ]] ||
    die "built ${built} but ${record} records ${recorded}: run bazel run //tools/release:record and commit it"
  say "built digest ${built} is the recorded one"
}

main "$@"
