#!/usr/bin/env bash
# deploy: register a rendered task definition, point the ECS service at it,
# and wait - bounded, with a progress line per poll - until the deployment
# is verifiably done: the PRIMARY deployment runs the new task definition and
# its rolloutState is COMPLETED. A circuit-breaker rollback (PRIMARY back on
# the old task definition, or ours FAILED) is a failure, not "stable".
set -euo pipefail
PROG=deploy
# shellcheck source=tools/release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF_USAGE'
Usage: deploy --cluster C --service S --taskdef FILE [--timeout SEC] [--interval SEC]
              [--profile P] [--endpoint-url URL] [--region R]

1. aws ecs register-task-definition --cli-input-json file://FILE
2. aws ecs update-service --task-definition <the new ARN>
3. every --interval seconds (default 15) until --timeout (default 900),
   aws ecs describe-services, printing one progress line, until
     - the PRIMARY deployment uses the new ARN with rolloutState COMPLETED
       and runningCount = desiredCount: success, prints the ARN;
     - our deployment is FAILED, or PRIMARY is another task definition
       (the circuit breaker rolled back, or someone deployed over us): failure;
     - the deadline passes: failure, with the last state.

  --taskdef FILE     output of render-taskdef
  --profile, --endpoint-url, --region   passed to every aws call
  -h, --help         this text
Exit: 0 deployed and verified, 1 failure, 2 bad usage.
EOF_USAGE
}

cluster="" service="" taskdef="" timeout=900 interval=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --cluster) need_value "$@"; cluster="$2"; shift 2 ;;
    --service) need_value "$@"; service="$2"; shift 2 ;;
    --taskdef) need_value "$@"; taskdef="$2"; shift 2 ;;
    --timeout) need_value "$@"; timeout="$2"; shift 2 ;;
    --interval) need_value "$@"; interval="$2"; shift 2 ;;
    *)
      parse_aws_option "$@" || usage_error "unknown argument '$1'"
      shift 2
      ;;
  esac
done
[[ -n ${cluster} ]] || usage_error "--cluster is required"
[[ -n ${service} ]] || usage_error "--service is required"
[[ -n ${taskdef} ]] || usage_error "--taskdef is required"
[[ ${timeout} =~ ^[1-9][0-9]{0,4}$ ]] || usage_error "--timeout '${timeout}' is not 1-99999 seconds"
[[ ${interval} =~ ^[1-9][0-9]{0,3}$ ]] || usage_error "--interval '${interval}' is not 1-9999 seconds"
require aws "awscli (Debian) or AWS CLI v2"
require jq jq
[[ -r ${taskdef} ]] || die "cannot read task definition '${taskdef}'"
jq -e '.containerDefinitions | length > 0' "${taskdef}" >/dev/null 2>&1 ||
  die "'${taskdef}' is not a task definition (no containerDefinitions)"

arn="$(aws_json ecs register-task-definition --cli-input-json "file://${taskdef}" |
  jq -r '.taskDefinition.taskDefinitionArn // empty')" || die "register-task-definition failed"
[[ -n ${arn} ]] || die "register-task-definition returned no taskDefinitionArn"
say "registered ${arn}"

aws_json ecs update-service --cluster "${cluster}" --service "${service}" \
  --task-definition "${arn}" >/dev/null || die "update-service ${cluster}/${service} failed"
say "updated ${cluster}/${service}; waiting up to ${timeout}s for the rollout"

# One line per poll, tab-separated: verdict, PRIMARY's task definition,
# its rolloutState, running, desired, pending, failed, reason, deployments.
# verdict: done | wait | rolled-back | failed | missing | no-rollout-state.
assess() { # assess DESCRIBE_SERVICES_JSON
  jq -r --arg arn "${arn}" '
    (.services // [])[0] as $s
    | if $s == null then ["missing", "-", "-", 0, 0, 0, 0, ((.failures // [])[0].reason // "service not found"), 0]
      else
        ([$s.deployments[] | select(.status == "PRIMARY")][0] // {}) as $p
        | ([$s.deployments[] | select(.taskDefinition == $arn)][0] // {}) as $ours
        | (if $ours.rolloutState == "FAILED" then "failed"
           elif $p.taskDefinition != $arn then "rolled-back"
           elif ($p.rolloutState // "") == "" then "no-rollout-state"
           elif $p.rolloutState == "FAILED" then "failed"
           elif $p.rolloutState == "COMPLETED" and $p.runningCount == $p.desiredCount then "done"
           else "wait" end) as $verdict
        | [$verdict, ($p.taskDefinition // "-"), ($p.rolloutState // "-"),
           ($p.runningCount // 0), ($p.desiredCount // 0), ($p.pendingCount // 0),
           ($p.failedTasks // 0),
           (($ours.rolloutStateReason // $p.rolloutStateReason // "-") | gsub("[\t\n]"; " ")),
           ($s.deployments | length)]
      end
    | map(tostring) | join("\t")' <<<"$1"
}

start="${SECONDS}"
while :; do
  elapsed=$((SECONDS - start))
  json="$(aws_json ecs describe-services --cluster "${cluster}" --services "${service}")" ||
    die "describe-services ${cluster}/${service} failed"
  line="$(assess "${json}")" || die "cannot read describe-services' answer: ${json:0:200}"
  IFS=$'\t' read -r verdict primary rollout running desired pending failed reason count <<<"${line}"
  say "[${elapsed}s] PRIMARY ${primary##*/} rollout=${rollout} running=${running}/${desired} pending=${pending} failed=${failed} deployments=${count}"
  case "${verdict}" in
    done)
      say "deployed: PRIMARY runs ${arn##*/}, rolloutState COMPLETED"
      printf '%s\n' "${arn}"
      exit 0
      ;;
    failed) die "rollout of ${arn##*/} FAILED (${reason}); the circuit breaker rolls back: not deployed" ;;
    rolled-back)
      die "the PRIMARY deployment runs ${primary}, not the new ${arn}: rolled back (circuit breaker) or replaced by another deploy (${reason})"
      ;;
    missing) die "service ${cluster}/${service}: ${reason}" ;;
    no-rollout-state)
      die "the PRIMARY deployment reports no rolloutState, so completion cannot be verified (is the deployment controller ECS?)"
      ;;
  esac
  if ((elapsed + interval > timeout)); then
    die "not COMPLETED within ${timeout}s: PRIMARY ${primary##*/} rollout=${rollout} running=${running}/${desired} (${reason})"
  fi
  sleep "${interval}"
done
