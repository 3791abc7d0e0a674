#!/usr/bin/env bash
# ecr-login.sh: log skopeo in to an ECR registry with a profile's credentials,
# so push, promote, guard-digest and audit (skopeo only) can reach it.
set -euo pipefail
PROG="ecr-login"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ecr-login.sh --repo REPO --profile NAME

  aws ecr get-login-password --profile NAME --region <REPO's region>
    | skopeo login --username AWS --password-stdin <REPO's host>
  --repo REPO     <account>.dkr.ecr.<region>.amazonaws.com/<name>
  --profile NAME  the aws profile (tools/ci/assume-role.sh wrote it)
  -h, --help      this text
The credentials go to skopeo's auth file (REGISTRY_AUTH_FILE, or its default).
Exit: 0 logged in, 1 failure, 2 bad usage.
USAGE
}

main() {
  local repo="" profile="" host region
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --repo) need_value "$@"; repo="$2"; shift 2 ;;
      --profile) need_value "$@"; profile="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  host="${repo%%/*}"
  [[ ${host} =~ ^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$ && ${repo} == */?* ]] ||
    usage_error "--repo must be <account>.dkr.ecr.<region>.amazonaws.com/<name> (is the secret set?)"
  region="${BASH_REMATCH[1]}"
  [[ -n ${profile} ]] || usage_error "--profile is required"
  require aws awscli
  require skopeo skopeo
  aws ecr get-login-password --profile "${profile}" --region "${region}" |
    skopeo login --username AWS --password-stdin "${host}" >/dev/null ||
    die "login to ${host} with profile ${profile} failed"
  say "skopeo logged in to ${host} (profile ${profile})"
}

main "$@"
