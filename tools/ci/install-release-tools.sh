#!/usr/bin/env bash
# install-release-tools.sh: the Debian packages the release steps call (aws,
# skopeo, jq, curl, python3; tools/deps/debian-packages-release.txt) and
# cosign (pinned in tools/deps/go-tools.txt, built with `go install`), for
# the jobs that deploy without building: lighter than tools/bootstrap, which
# also installs the build toolchain and fetches sources.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="install-release-tools"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"
LIST="${ROOT}/tools/deps/debian-packages-release.txt"

usage() {
  cat <<'USAGE'
Usage: install-release-tools.sh

Installs the packages of tools/deps/debian-packages-release.txt that are not
installed (apt-get update only when one is missing; needs root), then cosign
as tools/deps/go-tools.txt pins it into the cache's civet-api/go/bin (where
the release tools look), unless it is there at that version. cosign needs
Go: without `go` on PATH (a job with no actions/setup-go step before this
one) it fails at once, before installing anything.
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

# cosign at the version tools/deps/go-tools.txt pins, beside its pin record
# (the same layout tools/bootstrap uses, so either one's install counts).
cosign_dir() { printf '%s\n' "${XDG_CACHE_HOME:-${HOME}/.cache}/civet-api/go/bin"; }

cosign_module() {
  local pins="${ROOT}/tools/deps/go-tools.txt" module
  module="$(awk '$1 == "cosign" { print $2 }' "${pins}")"
  [[ ${module} == *@v* ]] || die "${pins} pins no cosign module@version"
  printf '%s\n' "${module}"
}

# Present means built from MODULE and still running as that version: a
# cache restored in part (a truncated binary) fails to run and is rebuilt.
cosign_present() { # cosign_present MODULE
  local bin
  bin="$(cosign_dir)"
  [[ -x ${bin}/cosign && $(cat "${bin}/cosign.version" 2>/dev/null) == "$1" ]] || return 1
  "${bin}/cosign" version 2>/dev/null | grep -Eq "^GitVersion: +${1##*@}\$" && return 0
  say "${bin}/cosign does not run as ${1##*@} (a damaged restore?); building it again"
  return 1
}

# A job without Go fails here, in a second, rather than after apt-get.
check_go() {
  local module
  module="$(cosign_module)"
  cosign_present "${module}" || command -v go >/dev/null 2>&1 ||
    die "cosign ${module##*@} is built with \`go install\` and 'go' is not on PATH:" \
      "give this job an actions/setup-go step (pinned as in the other jobs) before this one"
}

install_cosign() {
  local module bin
  module="$(cosign_module)"
  bin="$(cosign_dir)"
  if cosign_present "${module}"; then
    say "cosign ${module##*@} present"
    return 0
  fi
  check_go
  say "go install ${module}"
  mkdir -p "${bin}"
  GOBIN="${bin}" GOFLAGS=-mod=mod go install "${module}" || die "go install ${module} failed"
  printf '%s\n' "${module}" >"${bin}/cosign.version"
}

main() {
  case "${1:-}" in
    -h | --help) usage; return 0 ;;
    "") ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
  require dpkg-query dpkg
  require apt-get apt
  check_go
  local -a todo
  mapfile -t todo < <(missing)
  if [[ ${#todo[@]} -eq 0 ]]; then
    say "all of ${LIST##*/} installed"
    install_cosign
    return 0
  fi
  [[ ${EUID} -eq 0 ]] || die "installing ${todo[*]} needs root"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${todo[@]}" ||
    die "apt-get install ${todo[*]} failed"
  mapfile -t todo < <(missing)
  [[ ${#todo[@]} -eq 0 ]] || die "still missing: ${todo[*]}"
  install_cosign
}

main "$@"
