#!/usr/bin/env bash
# ecs_double: a thin test double in front of the real aws CLI, for what
# moto's ECS does not model. Tests put it first on PATH as `aws`; every call
# goes to the real CLI (REAL_AWS) and so to moto's server, and two answers
# are then rewritten:
#
# - ecs describe-services: moto keeps the single deployment create-service
#   made (update-service changes the service's taskDefinition but not its
#   deployments), so ECS_DOUBLE chooses what ECS would report for the
#   service's current task definition (NEW) over the one it was created
#   with (OLD):
#     passthrough     moto's own answer (PRIMARY stays OLD)
#     complete:N      PRIMARY=NEW IN_PROGRESS (+ ACTIVE OLD) for N polls,
#                     then PRIMARY=NEW COMPLETED, running = desired
#     rollback:N      as complete for N polls, then what the circuit
#                     breaker leaves: NEW FAILED, PRIMARY=OLD COMPLETED
#     stuck           PRIMARY=NEW IN_PROGRESS for ever
#     norollout       PRIMARY=NEW with no rolloutState (as without the ECS
#                     deployment controller)
# - ecs describe-tasks: moto reports no containers[].imageDigest; the
#   double sets it to the digest the container's image reference pins
#   (what ECS resolves a repo@digest reference to).
#
# Polls are counted in ECS_DOUBLE_STATE (a file).
set -euo pipefail
: "${REAL_AWS:?REAL_AWS must name the real aws CLI}"

is_call() { # is_call SERVICE OPERATION "$@"
  local service="$1" op="$2" arg seen=0
  shift 2
  for arg in "$@"; do
    [[ ${seen} -eq 1 && ${arg} == "${op}" ]] && return 0
    [[ ${arg} == "${service}" ]] && seen=1
  done
  return 1
}

if is_call ecs describe-tasks "$@"; then
  "${REAL_AWS}" "$@" | jq '.tasks |= map(.containers |= map(
    if (.image // "") | test("@sha256:[0-9a-f]{64}$")
    then .imageDigest = (.image | sub("^.*@"; "")) else . end))'
  exit "${PIPESTATUS[0]}"
fi
if ! is_call ecs describe-services "$@" || [[ ${ECS_DOUBLE:-passthrough} == passthrough ]]; then
  exec "${REAL_AWS}" "$@"
fi

state="${ECS_DOUBLE_STATE:?ECS_DOUBLE_STATE must name a file}"
polls=$(($(cat "${state}" 2>/dev/null || echo 0) + 1))
echo "${polls}" >"${state}"
mode="${ECS_DOUBLE%%:*}"
after="${ECS_DOUBLE#*:}"
[[ ${after} =~ ^[0-9]+$ ]] || after=0
phase=progress
if [[ ${mode} != stuck && ${polls} -gt ${after} ]]; then phase=final; fi

"${REAL_AWS}" "$@" | jq --arg mode "${mode}" --arg phase "${phase}" '
  .services |= map(
    (.deployments[0]) as $old
    | .taskDefinition as $new
    | ($old + {taskDefinition: $new, id: "ecs-svc/double-new", status: "PRIMARY",
               runningCount: 0, pendingCount: .desiredCount, desiredCount: .desiredCount,
               rolloutState: "IN_PROGRESS", rolloutStateReason: "ECS deployment ecs-svc/double-new in progress."}) as $ours
    | .deployments =
        (if $phase == "progress" then
           [$ours, ($old + {status: "ACTIVE"})]
         elif $mode == "norollout" then
           [$ours | del(.rolloutState, .rolloutStateReason)]
         elif $mode == "complete" then
           [$ours + {runningCount: .desiredCount, pendingCount: 0, rolloutState: "COMPLETED",
                     rolloutStateReason: "ECS deployment ecs-svc/double-new completed."}]
         else
           [($old + {id: "ecs-svc/double-rollback", status: "PRIMARY", runningCount: .desiredCount,
                     pendingCount: 0, rolloutState: "COMPLETED",
                     rolloutStateReason: "ECS deployment ecs-svc/double-rollback completed."}),
            ($ours + {status: "ACTIVE", failedTasks: 3, rolloutState: "FAILED",
                      rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start."})]
         end))'
exit "${PIPESTATUS[0]}"
