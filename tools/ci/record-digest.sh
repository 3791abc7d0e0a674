#!/usr/bin/env bash
# record-digest.sh: prints the image digest recorded in infra/live/release.json,
# so workflow steps never parse JSON inline; with --rev, the record as it is at
# a git revision (a release tag), so nothing else parses a record either.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="record-digest"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: record-digest.sh [--record FILE | --rev REV]

Prints the image_digest (sha256:<64 hex>) of the release record.
  --record FILE   default: infra/live/release.json of this checkout
  --rev REV       the record at git revision REV (a tag, a commit) of the
                  repository in the working directory:
                  git show REV:infra/live/release.json
  -h, --help      this text
Exit: 0 printed, 1 unreadable or malformed record (or no such revision),
2 bad usage.
USAGE
}

# show_record REV: the record at REV in a temporary file; prints its path.
show_record() {
  local tmp
  require git git
  git rev-parse --quiet --verify "$1^{commit}" >/dev/null || die "no commit '$1' in this repository"
  tmp="$(mktemp "${TMPDIR:-/tmp}/record-digest.XXXXXX")"
  git show "$1:infra/live/release.json" >"${tmp}" 2>/dev/null || {
    rm -f "${tmp}"
    die "$1 has no infra/live/release.json"
  }
  printf '%s' "${tmp}"
}

main() {
  local record="${ROOT}/infra/live/release.json" rev="" from_record=0 digest rc=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --record) need_value "$@"; record="$2"; from_record=1; shift 2 ;;
      --rev) need_value "$@"; rev="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ -z ${rev} || ${from_record} -eq 0 ]] || usage_error "--record and --rev exclude each other"
  require python3 python3
  if [[ -z ${rev} ]]; then
    release_digest "${record}"
    return 0
  fi
  record="$(show_record "${rev}")"
  digest="$(release_digest "${record}")" || rc=$?
  rm -f "${record}"
  [[ ${rc} -eq 0 ]] || die "${rev}:infra/live/release.json has no valid image_digest"
  printf '%s\n' "${digest}"
}

main "$@"
