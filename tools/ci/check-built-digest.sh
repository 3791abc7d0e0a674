#!/usr/bin/env bash
# check-built-digest.sh: the image this commit built is the recorded one.
# deploy-dev runs it after `bazel build //services/api:image`, before any push:
# a build whose digest differs from infra/live/release.json is never deployed.
# When they differ it says why: the toolchain (the digest-input packages of
# tools/deps/debian-packages.txt, recorded in release.json's "toolchain")
# differs from the recorded one, naming each package, or the sources changed.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="check-built-digest"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: check-built-digest.sh [--digest-file FILE] [--record FILE] [--packages FILE]

Fails unless the digest in FILE (written by the build) equals the record's.
When they differ, compares the record's "toolchain" with the versions dpkg
reports installed and the pins of the digest-input packages, and says which:
  - the toolchain differs (each package: recorded, installed, pinned), and
    whether tools/bootstrap (this machine is off its pins) or a new record
    (the pins moved) fixes it;
  - the toolchain is the recorded one, so the sources changed: record again.
  --digest-file FILE  default: bazel-bin/services/api/image.digest
  --record FILE       default: infra/live/release.json
  --packages FILE     default: tools/deps/debian-packages.txt
  -h, --help          this text
Exit: 0 equal, 1 different or unreadable, 2 bad usage.
USAGE
}

RECORD_HINT="run bazel run //tools/release:record and commit infra/live/release.json"

# recorded_toolchain RECORD: lines `package version` of the record's
# "toolchain" (none for a record written before it had one).
recorded_toolchain() {
  python3 -c 'import json, sys
toolchain = json.load(open(sys.argv[1], encoding="utf-8")).get("toolchain") or {}
for name in sorted(toolchain):
    print(name, toolchain[name])' "$1" || die "cannot read the toolchain from $1"
}

# pinned_inputs PACKAGES: lines `package version` of the digest-input pins.
pinned_inputs() {
  local spec cond
  while read -r spec cond _; do
    [[ ${cond:-} == digest-input ]] && printf '%s %s\n' "${spec%%=*}" "${spec#*=}"
  done < <(sed 's/#.*//' "$1")
  return 0
}

installed_version() {
  local have
  have="$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$1" 2>/dev/null || true)"
  if [[ ${have} == ii* ]]; then printf '%s' "${have#ii }"; else printf 'none'; fi
}

# explain_mismatch BUILT RECORDED RECORD PACKAGES: dies saying why they differ.
explain_mismatch() {
  local built="$1" recorded="$2" record="$3" packages="$4" name version have pin
  local -A rec=() pins=()
  local -a names lines=()
  local off_pins=0
  while read -r name version; do rec["${name}"]="${version}"; done < <(recorded_toolchain "${record}")
  while read -r name version; do pins["${name}"]="${version}"; done < <(pinned_inputs "${packages}")
  mapfile -t names < <(printf '%s\n' "${!rec[@]}" "${!pins[@]}" | sort -u | sed '/^$/d')
  for name in "${names[@]}"; do
    have="$(installed_version "${name}")"
    pin="${pins[${name}]:-none}"
    [[ ${have} == "${pin}" ]] || off_pins=1
    [[ ${have} == "${rec[${name}]:-none}" ]] ||
      lines+=("  ${name}: recorded ${rec[${name}]:-none}, installed ${have}, pinned ${pin}")
  done
  local head="built ${built} but ${record} records ${recorded}"
  [[ ${#rec[@]} -gt 0 ]] ||
    die "${head}. The record names no toolchain, so whether it or the sources changed cannot be told: ${RECORD_HINT}"
  if [[ ${#lines[@]} -eq 0 ]]; then
    die "${head}. The toolchain is the recorded one (${#names[@]} packages), so the sources changed since the record: ${RECORD_HINT}"
  fi
  local fix="the pins in ${packages#"${ROOT}/"} moved since the record (a new toolchain is a new digest): ${RECORD_HINT}"
  [[ ${off_pins} -eq 0 ]] ||
    fix="this machine's toolchain is not the pinned one: run tools/bootstrap, which installs the pins (set DEBIAN_SNAPSHOT_URL when the archive no longer serves one: tools/bootstrap --help), then build again"
  die "${head}. The toolchain differs from the recorded one:
$(printf '%s\n' "${lines[@]}")
Fix: ${fix}"
}

main() {
  local digest_file="${ROOT}/bazel-bin/services/api/image.digest"
  local record="${ROOT}/infra/live/release.json" built recorded
  local packages="${ROOT}/tools/deps/debian-packages.txt"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --digest-file) need_value "$@"; digest_file="$2"; shift 2 ;;
      --record) need_value "$@"; record="$2"; shift 2 ;;
      --packages) need_value "$@"; packages="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  require python3 python3
  [[ -r ${digest_file} ]] || die "${digest_file} not found: bazel build //services/api:image first"
  built="$(tr -d '[:space:]' <"${digest_file}")"
  is_digest "${built}" || die "${digest_file}: '${built}' is not sha256:<64 hex>"
  recorded="$(release_digest "${record}")"
  if [[ ${built} != "${recorded}" ]]; then
    require dpkg-query "dpkg (Debian)"
    [[ -r ${packages} ]] || die "${packages} not readable"
    explain_mismatch "${built}" "${recorded}" "${record}" "${packages}"
  fi
  say "built digest ${built} is the recorded one"
}

main "$@"
