#!/usr/bin/env bash
# ecr-login.sh: log in to an ECR registry with a profile's credentials, for
# skopeo (push, promote, guard-digest, audit) and cosign (sign, verify): the
# one password written to skopeo's auth file and to docker's config, since
# neither tool reads the other's file on a runner.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
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
The password (valid 12 hours) goes to two files:
  - skopeo's auth file: REGISTRY_AUTH_FILE, or its default
    (${XDG_RUNTIME_DIR}/containers/auth.json, else
    /run/containers/<uid>/auth.json): cosign never reads the default and
    reads REGISTRY_AUTH_FILE only when no docker config exists;
  - docker's config, ${DOCKER_CONFIG:-~/.docker}/config.json, which cosign
    reads (go-containerregistry's default keychain; docs/delivery.md,
    "Registry logins").
Exit: 0 logged in, 1 failure, 2 bad usage.
USAGE
}

main() {
  local repo="" profile="" host region password docker_config
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
  password="$(aws ecr get-login-password --profile "${profile}" --region "${region}")" ||
    die "ecr get-login-password with profile ${profile} failed"
  [[ -n ${password} ]] || die "ecr get-login-password with profile ${profile} printed nothing"
  printf '%s' "${password}" | skopeo login --username AWS --password-stdin "${host}" >/dev/null ||
    die "skopeo login to ${host} failed"
  docker_config="${DOCKER_CONFIG:-${HOME}/.docker}"
  mkdir -p "${docker_config}"
  printf '%s' "${password}" |
    skopeo login --authfile "${docker_config}/config.json" --username AWS --password-stdin "${host}" >/dev/null ||
    die "skopeo login --authfile ${docker_config}/config.json (for cosign) to ${host} failed"
  say "logged in to ${host} (profile ${profile}): skopeo's auth file and ${docker_config}/config.json"
}

main "$@"
