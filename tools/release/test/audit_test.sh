#!/usr/bin/env bash
# audit_test: audit against real parts on loopback - two Distribution
# registries (dev, prod) holding the built image, pushed and promoted by the
# release tools, and two moto servers (the dev and prod accounts) with an
# ECS service each and tasks started with run-task, read by the real aws CLI.
#
# Real: the registries and what they serve; moto's clusters, task
# definitions, list-tasks and describe-tasks. Simulated: moto reports no
# containers[].imageDigest, so test/ecs_double.sh fills it from the digest
# the container's image reference pins. moto's own answer (no imageDigest)
# is checked too: audit must not pass on it. For moto, the tasks' definition
# is the rendered one with networkMode bridge and a container memory (moto's
# run-task fails on Fargate awsvpc and on a container without memory).
#
# - everything agrees: exit 0, the table and --json say so;
# - a prod task running another digest: exit 1 naming prod-tasks only;
# - a recorded digest prod's registry lacks: exit 1 naming prod-registry;
# - moto's answer without imageDigest: exit 1, "no imageDigest reported";
# - after a rollback (--prod-release TAG): prod against TAG's record, dev
#   against dev's, "rollback" said; a tag whose image prod lacks and a prod
#   task on a third digest still fail;
# - an unreachable registry: exit 1, ERROR row; bad flags: exit 2.
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

# Absolute: the audit cases run from the scratch dir.
digest_file="${PWD}/$1" moto_server="${PWD}/$2" template="${PWD}/$3"
layout="${digest_file%.digest}"
require_tool skopeo skopeo
require_tool jq jq
require_tool python3 python3
built="$(cat "${digest_file}")"
sha=89abcdef0123456789abcdef0123456789abcdef

start_registry dev
dev="${REGISTRY}/api"
start_registry prod
prod="${REGISTRY}/api"
"${RELEASE}/push.sh" --layout "${layout}" --to "${dev}" --tag "${sha}" --insecure >/dev/null
"${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" --digest "${built}" --tag "${sha}" --insecure >/dev/null

printf '{\n  "service": "api",\n  "image_digest": "%s",\n  "sbom_sha256": "%s"\n}\n' \
  "${built}" "$(printf sbom | sha256sum | cut -d' ' -f1)" >"${SCRATCH}/release.json"

setup_aws

# account ENV DIGEST: an ECS cluster and service in the moto server
# MOTO_URL, with two tasks running the image DIGEST.
account() {
  local env="$1" digest="$2" arn
  "${RELEASE}/render-taskdef.sh" --template "${template}" --image "${dev}@${digest}" \
    --env "${env}" --stage "${env}" --version "${sha}" --out "${SCRATCH}/${env}.json" 2>/dev/null
  jq '.networkMode = "bridge" | del(.requiresCompatibilities) | .containerDefinitions[0].memory = 512' \
    "${SCRATCH}/${env}.json" >"${SCRATCH}/${env}.moto.json"
  "${REAL_AWS}" --endpoint-url "${MOTO_URL}" ecs create-cluster --cluster-name "${env}" >/dev/null
  arn="$("${REAL_AWS}" --endpoint-url "${MOTO_URL}" --output json ecs register-task-definition \
    --cli-input-json "file://${SCRATCH}/${env}.moto.json" | jq -r .taskDefinition.taskDefinitionArn)"
  "${REAL_AWS}" --endpoint-url "${MOTO_URL}" ecs create-service --cluster "${env}" --service-name api \
    --task-definition "${arn}" --desired-count 2 >/dev/null
  "${REAL_AWS}" --endpoint-url "${MOTO_URL}" ecs run-task --cluster "${env}" --task-definition "${arn}" \
    --launch-type FARGATE --count 2 --started-by "ecs-svc/${env}" >/dev/null
}
start_moto "${moto_server}" dev
dev_moto="${MOTO_URL}"
account dev "${built}"
start_moto "${moto_server}" prod
prod_moto="${MOTO_URL}"
account prod "${built}"

audit() { PATH="${DOUBLE_PATH}" "${RELEASE}/audit.py" "$@"; }
cd "${SCRATCH}" # so the table shows the record as release.json
everything=(--record release.json --insecure --dev-repo "${dev}" --prod-repo "${prod}"
  --dev-cluster dev --dev-service api --dev-endpoint-url "${dev_moto}"
  --prod-cluster prod --prod-service api --prod-endpoint-url "${prod_moto}")

expect 0 "record, both registries, both accounts agree" audit "${everything[@]}"
cat "${SCRATCH}/out"
said "OK: every source has the expected digest" "${SCRATCH}/out"
[[ "$(grep -c ' match$' "${SCRATCH}/out")" -eq 7 ]] || fail "want 7 matching rows (record, 2 registries, 4 tasks)"

expect 0 "the same as JSON" audit "${everything[@]}" --json
jq -e --arg d "${built}" '.ok and .expected_digest == $d and .expected_from == "record"
  and (.sources | length) == 7 and all(.sources[]; .status == "match") and .differing == []' \
  "${SCRATCH}/out" >/dev/null || fail "JSON: $(cat "${SCRATCH}/out")"

expect 0 "registries by the git SHA tag, no record" \
  audit --no-record --tag "${sha}" --insecure --dev-repo "${dev}" --prod-repo "${prod}"
said "expected ${built} \(from dev-registry\)" "${SCRATCH}/out"

# A prod task running something else.
old="sha256:$(printf 'the previous image' | sha256sum | cut -d' ' -f1)"
"${RELEASE}/render-taskdef.sh" --template "${template}" --image "${prod}@${old}" \
  --env prod --stage prod --version old --out "${SCRATCH}/old.json" 2>/dev/null
jq '.networkMode = "bridge" | del(.requiresCompatibilities) | .containerDefinitions[0].memory = 512' \
  "${SCRATCH}/old.json" >"${SCRATCH}/old.moto.json"
old_arn="$("${REAL_AWS}" --endpoint-url "${prod_moto}" --output json ecs register-task-definition \
  --cli-input-json "file://${SCRATCH}/old.moto.json" | jq -r .taskDefinition.taskDefinitionArn)"
"${REAL_AWS}" --endpoint-url "${prod_moto}" ecs run-task --cluster prod --task-definition "${old_arn}" \
  --launch-type FARGATE --count 1 --started-by ecs-svc/prod >/dev/null
expect 1 "a prod task runs another digest" audit "${everything[@]}" --json-out "${SCRATCH}/audit.json"
cat "${SCRATCH}/out"
said "FAIL: differs: prod-tasks$" "${SCRATCH}/out"
said "error: differs from ${built} \(record\): prod-tasks .* \[DIFFERS\]$"
jq -e --arg old "${old}" '(.ok | not) and .differing == ["prod-tasks"]
  and ([.sources[] | select(.status == "DIFFERS") | .digest] == [$old])' "${SCRATCH}/audit.json" >/dev/null ||
  fail "JSON: $(cat "${SCRATCH}/audit.json")"

# A recorded digest that was pushed to dev but never promoted.
next="${SCRATCH}/next-layout"
cp -rL "${layout}" "${next}"
chmod -R u+w "${next}"
manifest="$(jq -c '.annotations = {"test": "next release"}' "${next}/blobs/sha256/${built#sha256:}")"
next_hex="$(printf '%s' "${manifest}" | sha256sum | cut -d' ' -f1)"
printf '%s' "${manifest}" >"${next}/blobs/sha256/${next_hex}"
jq --arg d "sha256:${next_hex}" --argjson n "${#manifest}" \
  '.manifests[0].digest = $d | .manifests[0].size = $n' "${layout}/index.json" >"${next}/index.json"
"${RELEASE}/push.sh" --layout "${next}" --to "${dev}" --tag next --insecure >/dev/null
jq --arg d "sha256:${next_hex}" '.image_digest = $d' "${SCRATCH}/release.json" >"${SCRATCH}/next.json"
expect 1 "recorded digest missing from prod's registry" \
  audit --record next.json --insecure --dev-repo "${dev}" --prod-repo "${prod}"
cat "${SCRATCH}/out"
said "FAIL: differs: prod-registry$" "${SCRATCH}/out"
said "prod-registry .* \[MISSING\]"

# After a rollback: dev records (and dev's registry has) the next release,
# prod runs the earlier one on purpose, from the tag v1.1.1 on v1.0.0's
# commit. --prod-release compares prod with that tag's record.
repo="${SCRATCH}/git"
git init -q -b dev "${repo}"
mkdir -p "${repo}/infra/live"
gitr() { git -C "${repo}" -c user.name=t -c user.email=t@t "$@"; }
cp "${SCRATCH}/release.json" "${repo}/infra/live/release.json"
gitr add -A && gitr commit -q -m "release one" && gitr tag v1.0.0 && gitr tag v1.1.1
cp "${SCRATCH}/next.json" "${repo}/infra/live/release.json"
gitr commit -q -am "release two" && gitr tag v1.1.0
gitr update-ref refs/remotes/origin/dev HEAD
in_repo() { (cd "${repo}" && "$@"); }
expect 0 "after a rollback: dev against dev's record, prod against the rollback tag's" \
  in_repo audit --record "${SCRATCH}/next.json" --prod-release v1.1.1 --insecure --dev-repo "${dev}" --prod-repo "${prod}"
cat "${SCRATCH}/out"
said "^prod expected ${built} \(from tag v1.1.1\)$" "${SCRATCH}/out"
said "^prod runs ${built} from tag v1.1.1 \(commit [0-9a-f]{12}, same commit as v1.0.0\)$" "${SCRATCH}/out"
said "^rollback: origin/dev records sha256:${next_hex}; prod runs an earlier release of dev on purpose" "${SCRATCH}/out"
said "^prod-registry +${prod}@${built} +${built} +match$" "${SCRATCH}/out"
expect 0 "the same as JSON" \
  in_repo audit --record "${SCRATCH}/next.json" --prod-release v1.1.1 --insecure --dev-repo "${dev}" --prod-repo "${prod}" --json
jq -e --arg d "${built}" '.ok and .prod_release.rollback == true and .prod_release.digest == $d
  and .prod_release.same_commit_as == ["v1.0.0"]' "${SCRATCH}/out" >/dev/null || fail "JSON: $(cat "${SCRATCH}/out")"
expect 1 "a release tag whose image never reached prod's registry" \
  in_repo audit --record "${SCRATCH}/next.json" --prod-release v1.1.0 --insecure --prod-repo "${prod}"
said "FAIL: differs: prod-registry$" "${SCRATCH}/out"
expect 1 "a rollback does not excuse a prod task on a third digest" \
  in_repo audit --no-record --prod-release v1.1.1 --prod-cluster prod --prod-service api --prod-endpoint-url "${prod_moto}"
said "FAIL: differs: prod-tasks$" "${SCRATCH}/out"
expect 2 "--prod-release with --tag" audit --prod-release v1.1.1 --tag "${sha}" --no-record --dev-repo "${dev}"

expect 1 "moto's own answer has no imageDigest: not a pass" \
  env PATH="${REAL_PATH}" "${RELEASE}/audit.py" --record "${SCRATCH}/release.json" \
  --dev-cluster dev --dev-service api --dev-endpoint-url "${dev_moto}"
said "no imageDigest reported" "${SCRATCH}/out"
said "FAIL: differs: dev-tasks$" "${SCRATCH}/out"

expect 1 "an unreachable registry is an ERROR row" \
  audit --record "${SCRATCH}/release.json" --insecure --dev-repo "127.0.0.1:1/api"
said "dev-registry .* ERROR" "${SCRATCH}/out"
expect 1 "an unreachable ECS endpoint is an ERROR row" \
  audit --record "${SCRATCH}/release.json" --prod-cluster prod --prod-service api --prod-endpoint-url http://127.0.0.1:1
said "prod-tasks .* ERROR" "${SCRATCH}/out"
expect 2 "--insecure to a remote registry" audit --insecure --dev-repo registry.example/api --no-record
expect 2 "--dev-cluster without --dev-service" audit --dev-cluster dev --no-record
expect 2 "nothing to audit" audit --no-record
expect 0 "audit --help" audit --help
done_cases
