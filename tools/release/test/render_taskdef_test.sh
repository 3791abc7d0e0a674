#!/usr/bin/env bash
# render_taskdef_test: render-taskdef on the repository's template.
# - the container's image is repository@digest and the four variables are
#   injected (others, like PORT, kept; stale values of the four replaced);
# - a describe-task-definition answer works as a template (read-only fields
#   dropped);
# - a tag, a tag plus digest, a short or uppercase digest, and values the
#   service would reject at start (stage with a slash, env with a space)
#   are refused with exit 2; a template without the container exits 1.
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

template="$1"
require_tool jq jq
digest="sha256:$(printf 'render' | sha256sum | cut -d' ' -f1)"
repo=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api
render=("${RELEASE}/render-taskdef.sh" --template "${template}")

expect 0 "render dev" "${render[@]}" --image "${repo}@${digest}" --env dev --stage dev --version abc123
jq -e --arg img "${repo}@${digest}" --arg d "${digest}" '
  .containerDefinitions[0] as $c
  | $c.image == $img
  and ($c.environment | from_entries) == {PORT: "8080", API_STAGE: "dev", APP_ENV: "dev",
                                           APP_VERSION: "abc123", IMAGE_DIGEST: $d}' \
  "${SCRATCH}/out" >/dev/null || fail "rendered: $(jq -c '.containerDefinitions[0] | {image, environment}' "${SCRATCH}/out")"

# A registered task definition (as describe-task-definition returns it,
# with stale values) as the template.
jq '. + {taskDefinitionArn: "arn:aws:ecs:eu-west-1:1:task-definition/api:7", revision: 7,
         status: "ACTIVE", compatibilities: ["FARGATE"], requiresAttributes: []}
    | .containerDefinitions[0].environment += [{name: "APP_ENV", value: "stale"},
                                                {name: "IMAGE_DIGEST", value: "sha256:old"}]' \
  "${template}" >"${SCRATCH}/registered.json"
expect 0 "a registered task definition as template, to a file" \
  "${RELEASE}/render-taskdef.sh" --template "${SCRATCH}/registered.json" --image "${repo}@${digest}" \
  --env prod --stage "" --version v1 --out "${SCRATCH}/rendered.json"
jq -e --arg d "${digest}" '
  (has("taskDefinitionArn") or has("revision") or has("status") or has("compatibilities") | not)
  and (.containerDefinitions[0].environment | from_entries) == {PORT: "8080", APP_ENV: "prod",
        IMAGE_DIGEST: $d, API_STAGE: "", APP_VERSION: "v1"}' "${SCRATCH}/rendered.json" >/dev/null ||
  fail "rendered from a registered definition: $(jq -c . "${SCRATCH}/rendered.json")"

refuse() { # refuse WHAT IMAGE ENV STAGE VERSION PATTERN
  expect 2 "$1" "${render[@]}" --image "$2" --env "$3" --stage "$4" --version "$5"
  said "$6"
}
refuse "a tag" "${repo}:latest" dev dev v1 "never a tag"
refuse "a tag and a digest" "${repo}:v1@${digest}" dev dev v1 "not a repository"
refuse "a short digest" "${repo}@sha256:abc" dev dev v1 "not sha256:<64 lowercase hex>"
refuse "an uppercase digest" "${repo}@${digest^^}" dev dev v1 "not sha256:<64 lowercase hex>"
refuse "a sha512 digest" "${repo}@sha512:${digest#sha256:}" dev dev v1 "not sha256"
refuse "a stage the service rejects" "${repo}@${digest}" dev /dev v1 "--stage '/dev'"
refuse "an env the service rejects" "${repo}@${digest}" "my env" dev v1 "--env 'my env'"
refuse "a version with a quote" "${repo}@${digest}" dev dev 'v"1' "--version"

jq '.containerDefinitions[0].name = "web"' "${template}" >"${SCRATCH}/noapi.json"
expect 1 "a template without the container" \
  "${RELEASE}/render-taskdef.sh" --template "${SCRATCH}/noapi.json" --image "${repo}@${digest}" \
  --env dev --stage dev --version v1
said "0 containers named 'api'"
expect 0 "render-taskdef --help" "${RELEASE}/render-taskdef.sh" --help
done_cases
