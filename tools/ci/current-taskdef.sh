#!/usr/bin/env bash
# current-taskdef.sh: the template for render-taskdef: the LATEST revision of
# the service's task definition family. Terraform owns the task definition
# (roles, log group, CPU, memory, health check, stop timeout); a deploy owns
# only the image and the injected environment. Terraform registers a new
# revision when its part changes but does not move the service to it
# (infra/modules/ecs_service ignores task_definition on the service), so the
# deploy must start from the family's latest revision, not from the one the
# service runs: otherwise a Terraform change would never reach a task.
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's messages
PROG="current-taskdef"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: current-taskdef.sh --cluster C --service S --out FILE [--profile P]
                          [--endpoint-url URL] [--region R]

  aws ecs describe-services        -> the family of the service's task definition
  aws ecs describe-task-definition --task-definition FAMILY
                                   -> the family's latest ACTIVE revision, to FILE
That revision holds Terraform's latest CPU, memory, health check and roles,
and the image and environment of whatever registered it (render-taskdef
replaces those).
  -h, --help   this text
The role needs ecs:DescribeServices and ecs:DescribeTaskDefinition.
Exit: 0 written, 1 failure, 2 bad usage.
USAGE
}

main() {
  local cluster="" service="" out="" arn family latest
  local -a aws_opts=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --cluster) need_value "$@"; cluster="$2"; shift 2 ;;
      --service) need_value "$@"; service="$2"; shift 2 ;;
      --out) need_value "$@"; out="$2"; shift 2 ;;
      --profile | --endpoint-url | --region) need_value "$@"; aws_opts+=("$1" "$2"); shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ -n ${cluster} && -n ${service} && -n ${out} ]] || usage_error "--cluster, --service and --out are required"
  require aws awscli
  require jq jq
  arn="$(aws "${aws_opts[@]}" ecs describe-services --cluster "${cluster}" --services "${service}" \
    --query 'services[0].taskDefinition' --output text)" ||
    die "describe-services ${cluster}/${service} failed"
  [[ ${arn} == arn:*:task-definition/*:* ]] || die "service ${cluster}/${service} not found (answer: ${arn})"
  family="${arn##*:task-definition/}"
  family="${family%:*}"
  aws "${aws_opts[@]}" ecs describe-task-definition --task-definition "${family}" \
    --query taskDefinition --output json >"${out}" ||
    die "describe-task-definition ${family} failed"
  latest="$(jq -r '.taskDefinitionArn // empty' "${out}")" || die "no task definition in the answer for ${family}"
  say "${latest} (latest of ${family}; the service runs ${arn##*/}) written to ${out}"
}

main "$@"
