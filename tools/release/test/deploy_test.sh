#!/usr/bin/env bash
# deploy_test: render-taskdef + deploy against moto's ECS server on loopback,
# driven by the real aws CLI.
#
# Real (moto): register-task-definition stores what render-taskdef wrote
# (read back with describe-task-definition); create-service and
# update-service; describe-services. moto does not model rollouts: after
# update-service its only deployment is still the PRIMARY one of the old task
# definition - so the "new task definition is not PRIMARY" case below is
# moto's own answer. The rollout itself (IN_PROGRESS then COMPLETED, a
# circuit-breaker rollback, a rollout that never ends, no rolloutState) is
# simulated by test/ecs_double.sh rewriting describe-services' answer (see
# its header).
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

moto_server="$1" template="$2"
require_tool jq jq
require_tool python3 python3
start_moto "${moto_server}" dev

setup_aws
export PATH="${DOUBLE_PATH}" # deploy's `aws` is the double, in front of Debian's CLI
aws_moto() { "${REAL_AWS}" --endpoint-url "${MOTO_URL}" --output json "$@"; }

repo=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api
digest1="sha256:$(printf 'image one' | sha256sum | cut -d' ' -f1)"
digest2="sha256:$(printf 'image two' | sha256sum | cut -d' ' -f1)"
render() { # render DIGEST VERSION OUT
  "${RELEASE}/render-taskdef.sh" --template "${template}" --image "${repo}@$1" \
    --env dev --stage dev --version "$2" --out "$3"
}
render "${digest1}" v1 "${SCRATCH}/td1.json"
render "${digest2}" v2 "${SCRATCH}/td2.json"

aws_moto ecs create-cluster --cluster-name dev >/dev/null
first="$(aws_moto ecs register-task-definition --cli-input-json "file://${SCRATCH}/td1.json" |
  jq -r .taskDefinition.taskDefinitionArn)"
aws_moto ecs create-service --cluster dev --service-name api --task-definition "${first}" \
  --desired-count 2 --launch-type FARGATE >/dev/null

deploy=("${RELEASE}/deploy.sh" --cluster dev --service api --endpoint-url "${MOTO_URL}" --interval 1)
new_arn() { tail -n1 "${SCRATCH}/out"; }

# 1. moto as it is: PRIMARY stays on the old task definition.
export ECS_DOUBLE=passthrough
expect 1 "moto: the new task definition never becomes PRIMARY" "${deploy[@]}" --taskdef "${SCRATCH}/td2.json"
said "PRIMARY deployment runs .*task-definition/api:1, not the new .*task-definition/api:2"
registered="$(aws_moto ecs describe-task-definition --task-definition api:2)"
jq -e --arg img "${repo}@${digest2}" --arg d "${digest2}" '
  .taskDefinition.containerDefinitions[0] as $c
  | $c.image == $img
  and ($c.environment | from_entries | .IMAGE_DIGEST == $d and .APP_VERSION == "v2"
       and .APP_ENV == "dev" and .API_STAGE == "dev")' <<<"${registered}" >/dev/null ||
  fail "moto holds another task definition: $(jq -c '.taskDefinition.containerDefinitions[0]' <<<"${registered}")"
echo "moto registered api:2 as rendered: ${repo}@${digest2}, IMAGE_DIGEST, APP_VERSION v2"

# 2. A rollout that completes after two polls.
export ECS_DOUBLE=complete:2
rm -f "${ECS_DOUBLE_STATE}"
expect 0 "rollout IN_PROGRESS, then PRIMARY new and COMPLETED" "${deploy[@]}" --taskdef "${SCRATCH}/td2.json"
[[ "$(new_arn)" == *task-definition/api:3 ]] || fail "deploy printed '$(new_arn)', want the api:3 ARN"
said "rollout=IN_PROGRESS running=0/2"
said "PRIMARY api:3 rollout=COMPLETED running=2/2"
said "deployed: PRIMARY runs api:3"
[[ "$(aws_moto ecs describe-services --cluster dev --services api | jq -r '.services[0].taskDefinition')" == *api:3 ]] ||
  fail "moto's service does not point at api:3"

# 3. The circuit breaker rolls back: ours FAILED, PRIMARY back on the old one.
export ECS_DOUBLE=rollback:1
rm -f "${ECS_DOUBLE_STATE}"
expect 1 "circuit-breaker rollback is a failure" "${deploy[@]}" --taskdef "${SCRATCH}/td2.json"
said "FAILED \(ECS deployment circuit breaker: tasks failed to start.\)"

# 4. A rollout that never completes: bounded.
export ECS_DOUBLE=stuck
rm -f "${ECS_DOUBLE_STATE}"
expect 1 "a rollout stuck IN_PROGRESS fails at the timeout" "${deploy[@]}" --timeout 3 --taskdef "${SCRATCH}/td2.json"
said "not COMPLETED within 3s"
# Bounded by its own clock, not ours: at most timeout/interval + 1 polls
# (a wall-time bound here failed on a loaded machine without any defect).
polls="$(grep -c '\] PRIMARY ' "${SCRATCH}/err" || true)"
((polls >= 1 && polls <= 4)) || fail "deploy with --timeout 3 --interval 1 polled ${polls} times, want 1-4"

# 5. No rolloutState: completion cannot be verified, so no success.
export ECS_DOUBLE=norollout
rm -f "${ECS_DOUBLE_STATE}"
expect 1 "a PRIMARY deployment without rolloutState is not taken as done" \
  "${deploy[@]}" --taskdef "${SCRATCH}/td2.json"
said "reports no rolloutState"

# 6. One owner: Terraform changes CPU and registers a revision it does not
# move the service to (modules/ecs_service ignores task_definition on the
# service); the next deploy starts from the family's latest revision, so
# the task definition it rolls out has Terraform's CPU and the new image.
export ECS_DOUBLE=complete:1
rm -f "${ECS_DOUBLE_STATE}"
running="$(aws_moto ecs describe-services --cluster dev --services api | jq -r '.services[0].taskDefinition')"
jq '.cpu = "512"' "${SCRATCH}/td1.json" >"${SCRATCH}/terraform.json"
terraform_arn="$(aws_moto ecs register-task-definition --cli-input-json "file://${SCRATCH}/terraform.json" |
  jq -r .taskDefinition.taskDefinitionArn)"
mkdir -p "${SCRATCH}/real-aws" # current-taskdef reads moto as it is, not the double
ln -sf "${REAL_AWS}" "${SCRATCH}/real-aws/aws"
expect 0 "current-taskdef: the family's latest revision, not the running one" \
  env PATH="${SCRATCH}/real-aws:${PATH}" "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci/current-taskdef.sh" \
  --cluster dev --service api --endpoint-url "${MOTO_URL}" --out "${SCRATCH}/template.json"
said "${terraform_arn##*/} \(latest of api; the service runs ${running##*/}\)"
digest3="sha256:$(printf 'image three' | sha256sum | cut -d' ' -f1)"
"${RELEASE}/render-taskdef.sh" --template "${SCRATCH}/template.json" --image "${repo}@${digest3}" \
  --env dev --stage dev --version v3 --out "${SCRATCH}/td3.json"
expect 0 "deploy the new image" "${deploy[@]}" --taskdef "${SCRATCH}/td3.json"
rolled="$(aws_moto ecs describe-task-definition --task-definition "$(new_arn)")"
jq -e --arg img "${repo}@${digest3}" '.taskDefinition | .cpu == "512"
  and .containerDefinitions[0].image == $img' <<<"${rolled}" >/dev/null ||
  fail "the deployed revision lost Terraform's CPU or the new image: $(jq -c '.taskDefinition | {cpu, image: .containerDefinitions[0].image}' <<<"${rolled}")"
echo "deployed $(new_arn): Terraform's cpu 512 and ${repo}@${digest3}"

export ECS_DOUBLE=passthrough
expect 1 "a service that does not exist" \
  "${RELEASE}/deploy.sh" --cluster dev --service nope --endpoint-url "${MOTO_URL}" --interval 1 --taskdef "${SCRATCH}/td2.json"
printf 'not json' >"${SCRATCH}/bad.json"
expect 1 "a task definition that is not JSON" "${deploy[@]}" --taskdef "${SCRATCH}/bad.json"
said "not a task definition"
expect 2 "no --service" "${RELEASE}/deploy.sh" --cluster dev --taskdef "${SCRATCH}/td2.json"
expect 2 "a zero timeout" "${deploy[@]}" --timeout 0 --taskdef "${SCRATCH}/td2.json"
expect 0 "deploy --help" "${RELEASE}/deploy.sh" --help
done_cases
