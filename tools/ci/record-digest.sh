#!/usr/bin/env bash
# record-digest.sh: prints the image digest recorded in infra/live/release.json,
# so workflow steps never parse JSON inline.
set -euo pipefail
PROG="record-digest"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: record-digest.sh [--record FILE]

Prints the image_digest (sha256:<64 hex>) of the release record.
  --record FILE   default: infra/live/release.json of this checkout
  -h, --help      this text
Exit: 0 printed, 1 unreadable or malformed record, 2 bad usage.
USAGE
}

main() {
  local record="${ROOT}/infra/live/release.json"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --record) need_value "$@"; record="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  require python3 python3
  release_digest "${record}"
}

main "$@"
