#!/usr/bin/env bash
# sign-validated.sh: deploy-dev's last word on an image. After the deploy
# and the smoke test passed, it signs the recorded digest in dev's registry
# with dev's KMS key and attests, under that digest: the SBOM (the recorded
# one), SLSA provenance (this run) and "validated in dev" (the deployment
# that ran it and the smoke checks it passed). The release guard verifies
# exactly these before anything is promoted.
set -euo pipefail
PROG="sign-validated"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: sign-validated.sh --repo REPO --signatures REPO --key awskms:///KEY
                         --cluster C --service S --profile P
                         --smoke-report FILE --sbom FILE
                         [--record FILE] [--endpoint-url URL] [--region R]
                         [--insecure]

Before signing it checks that the SBOM is the recorded one (its sha256 is
release.json's sbom_sha256) and that the service's primary ECS deployment
is complete and runs the recorded digest. The provenance reads the run
from GitHub's variables (GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF,
GITHUB_WORKFLOW_REF, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT).
  --repo REPO          the account's image repository, host/name
  --signatures REPO    its signatures repository (COSIGN_REPOSITORY)
  --key KEY            the account's signing key, awskms:///<alias ARN>
  --cluster, --service the ECS service deploy.sh updated
  --profile P          aws profile (the deploy role) for ECS and KMS
  --smoke-report FILE  written by tools/release/smoke.sh --report
  --sbom FILE          the image's SPDX SBOM (the push job's artifact)
  --record FILE        default: infra/live/release.json
  --endpoint-url URL   one endpoint for ECS and KMS (the rehearsal)
  --region R           AWS region
  --insecure           plain HTTP registries (loopback only)
  -h, --help           this text
Exit: 0 signed, 1 failure, 2 bad usage.
USAGE
}

main() {
  local repo="" sigs="" key="" cluster="" service="" smoke="" sbom="" insecure=""
  local record="${ROOT}/infra/live/release.json" digest recorded_sbom deployment td image
  local -a aws_args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --repo) need_value "$@"; repo="$2"; shift 2 ;;
      --signatures) need_value "$@"; sigs="$2"; shift 2 ;;
      --key) need_value "$@"; key="$2"; shift 2 ;;
      --cluster) need_value "$@"; cluster="$2"; shift 2 ;;
      --service) need_value "$@"; service="$2"; shift 2 ;;
      --smoke-report) need_value "$@"; smoke="$2"; shift 2 ;;
      --sbom) need_value "$@"; sbom="$2"; shift 2 ;;
      --record) need_value "$@"; record="$2"; shift 2 ;;
      --profile | --endpoint-url | --region) need_value "$@"; aws_args+=("$1" "$2"); shift 2 ;;
      --insecure) insecure=--insecure; shift ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ -n ${repo} && -n ${sigs} && -n ${key} && -n ${cluster} && -n ${service} && -n ${smoke} && -n ${sbom} ]] ||
    usage_error "--repo, --signatures, --key, --cluster, --service, --smoke-report and --sbom are required"
  [[ -r ${smoke} ]] || die "no smoke report at ${smoke}: the smoke step must pass first (smoke.sh --report)"
  [[ -r ${sbom} ]] || die "no SBOM at ${sbom}"
  require aws awscli
  require jq jq
  require sha256sum coreutils
  digest="$(release_digest "${record}")"
  recorded_sbom="$(release_field "${record}" sbom_sha256)"
  [[ $(sha256sum "${sbom}" | cut -d' ' -f1) == "${recorded_sbom}" ]] ||
    die "${sbom} is not the recorded SBOM (sha256 differs from ${record}'s sbom_sha256 ${recorded_sbom})"

  deployment="$(aws "${aws_args[@]}" --output json ecs describe-services --cluster "${cluster}" \
    --services "${service}" | jq -c '.services[0].deployments[]? | select(.status == "PRIMARY")')" ||
    die "cannot describe ${cluster}/${service}"
  [[ -n ${deployment} ]] || die "${cluster}/${service} has no primary deployment"
  [[ $(jq -r '.rolloutState // "COMPLETED"' <<<"${deployment}") == COMPLETED ]] ||
    die "the primary deployment of ${cluster}/${service} is not complete: $(jq -c '{rolloutState, rolloutStateReason}' <<<"${deployment}")"
  td="$(jq -r '.taskDefinition' <<<"${deployment}")"
  image="$(aws "${aws_args[@]}" --output json ecs describe-task-definition --task-definition "${td}" |
    jq -r '.taskDefinition.containerDefinitions[0].image')" || die "cannot describe ${td}"
  # By digest: the task definition names the registry as ECS pulls from it.
  [[ ${image} == *@"${digest}" ]] ||
    die "the primary deployment runs ${image}, not the recorded ${digest}: refusing to attest it"

  SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/sign-validated.XXXXXX")"
  trap 'rm -rf "${SCRATCH}"' EXIT
  python3 "${ROOT}/tools/release/attestation.py" provenance --digest "${digest}" \
    --recorded-digest "${digest}" --out "${SCRATCH}/provenance.json" ||
    die "cannot write the provenance (is this a GitHub Actions run? see --help)"
  python3 "${ROOT}/tools/release/attestation.py" validated --digest "${digest}" --environment dev \
    --cluster "${cluster}" --service "${service}" --task-definition "${td}" \
    --deployment "$(jq -r '.id // ""' <<<"${deployment}")" --smoke-report "${smoke}" \
    --out "${SCRATCH}/validated.json" || die "cannot write the validated attestation"
  "${ROOT}/tools/release/sign.sh" --image "${repo}@${digest}" --key "${key}" --signatures "${sigs}" \
    --sbom "${sbom}" --provenance "${SCRATCH}/provenance.json" --validated "${SCRATCH}/validated.json" \
    ${insecure:+"${insecure}"} "${aws_args[@]}"
}

main "$@"
