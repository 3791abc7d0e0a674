#!/usr/bin/env bash
# current-taskdef.sh: the task definition the service runs now, as the
# template for render-taskdef. Terraform owns the task definition (roles, log
# group, CPU and memory); a deploy only changes the image and the injected
# environment, so it starts from what the service runs.
set -euo pipefail
PROG="current-taskdef"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: current-taskdef.sh --cluster C --service S --out FILE [--profile P]
                          [--endpoint-url URL] [--region R]

  aws ecs describe-services   -> the service's current task definition ARN
  aws ecs describe-task-definition -> its JSON, written to FILE
  -h, --help   this text
The role needs ecs:DescribeServices and ecs:DescribeTaskDefinition.
Exit: 0 written, 1 failure, 2 bad usage.
USAGE
}

main() {
  local cluster="" service="" out="" arn
  local -a aws_opts=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --cluster) cluster="$(need_value "$@")"; shift ;;
      --service) service="$(need_value "$@")"; shift ;;
      --out) out="$(need_value "$@")"; shift ;;
      --profile | --endpoint-url | --region) aws_opts+=("$1" "$(need_value "$@")"); shift ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
    shift
  done
  [[ -n ${cluster} && -n ${service} && -n ${out} ]] || usage_error "--cluster, --service and --out are required"
  require aws awscli
  arn="$(aws "${aws_opts[@]}" ecs describe-services --cluster "${cluster}" --services "${service}" \
    --query 'services[0].taskDefinition' --output text)" ||
    die "describe-services ${cluster}/${service} failed"
  [[ ${arn} == arn:* ]] || die "service ${cluster}/${service} not found (answer: ${arn})"
  aws "${aws_opts[@]}" ecs describe-task-definition --task-definition "${arn}" \
    --query taskDefinition --output json >"${out}" ||
    die "describe-task-definition ${arn} failed"
  say "${arn} written to ${out}"
}

main "$@"
