#!/usr/bin/env bash
# guard-digest.sh: the release guard "the recorded digest is in dev's registry".
# It reads the manifest REPO@DIGEST with skopeo and checks that its bytes hash
# to DIGEST, so prod only ever receives an image dev already has.
set -euo pipefail
PROG="guard-digest"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: guard-digest.sh --repo REPO [--digest sha256:<hex> | --record FILE] [--insecure]

Fails unless REPO serves a manifest at DIGEST whose sha256 is DIGEST.
  --repo REPO     registry repository, host[:port]/name (dev's ECR repository)
  --digest D      the digest; default: the record's image_digest
  --record FILE   default: infra/live/release.json
  --insecure      plain HTTP (loopback registries in tests only)
  -h, --help      this text
Credentials come from skopeo's auth file (tools/ci/ecr-login.sh).
Exit: 0 present, 1 missing or different, 2 bad usage.
USAGE
}

main() {
  local repo="" digest="" record="${ROOT}/infra/live/release.json" found
  local -a tls=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --repo) need_value "$@"; repo="$2"; shift 2 ;;
      --digest) need_value "$@"; digest="$2"; shift 2 ;;
      --record) need_value "$@"; record="$2"; shift 2 ;;
      --insecure) tls=(--tls-verify=false); shift ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ -n ${repo} ]] || usage_error "--repo is required"
  [[ ${repo} != *@* && ${repo} != *://* ]] || usage_error "--repo is host[:port]/name, without digest or scheme"
  require skopeo skopeo
  require sha256sum coreutils
  if [[ -z ${digest} ]]; then
    require python3 python3
    digest="$(release_digest "${record}")"
  fi
  is_digest "${digest}" || usage_error "--digest must be sha256:<64 hex>"
  found="$(skopeo inspect --raw "${tls[@]}" "docker://${repo}@${digest}" | sha256sum | cut -d' ' -f1)" ||
    die "${repo}@${digest} not found (or not readable) in the registry"
  [[ "sha256:${found}" == "${digest}" ]] ||
    die "${repo}@${digest}: the registry's manifest hashes to sha256:${found}"
  say "${repo}@${digest} is present"
}

main "$@"
