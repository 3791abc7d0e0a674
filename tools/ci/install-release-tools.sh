#!/usr/bin/env bash
# install-release-tools.sh: the Debian packages the release steps call (aws,
# skopeo, jq, curl, python3; tools/deps/debian-packages-release.txt), for the
# jobs that deploy without building: lighter than tools/bootstrap, which also
# installs the build toolchain and fetches sources.
set -euo pipefail
PROG="install-release-tools"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"
LIST="${ROOT}/tools/deps/debian-packages-release.txt"

usage() {
  cat <<'USAGE'
Usage: install-release-tools.sh

Installs the packages of tools/deps/debian-packages-release.txt that are not
installed (apt-get update only when one is missing). Needs root.
  -h, --help   this text
Exit: 0 all installed, 1 failure, 2 bad usage.
USAGE
}

missing() {
  local name
  while read -r name _; do
    [[ -z ${name} ]] && continue
    name="${name%%=*}"
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "${name}" 2>/dev/null) == ii* ]] || printf '%s\n' "${name}"
  done < <(sed 's/#.*//' "${LIST}")
}

main() {
  case "${1:-}" in
    -h | --help) usage; return 0 ;;
    "") ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
  require dpkg-query dpkg
  require apt-get apt
  local -a todo
  mapfile -t todo < <(missing)
  if [[ ${#todo[@]} -eq 0 ]]; then
    say "all of ${LIST##*/} installed"
    return 0
  fi
  [[ ${EUID} -eq 0 ]] || die "installing ${todo[*]} needs root"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${todo[@]}" ||
    die "apt-get install ${todo[*]} failed"
  mapfile -t todo < <(missing)
  [[ ${#todo[@]} -eq 0 ]] || die "still missing: ${todo[*]}"
}

main "$@"
