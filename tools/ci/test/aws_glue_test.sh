#!/usr/bin/env bash
# assume-role, ecr-login and current-taskdef with stub curl (the runner's
# token service), aws and skopeo: the right calls in the right order, the
# profile written, secrets masked, and clear failures. install-release-tools
# in a job without Go (stub dpkg and apt-get): it fails before installing.

# The stubs' bodies are shell code for the stubs, not for this script:
# shellcheck disable=SC2016
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
command -v jq >/dev/null || { echo "jq not found: apt-get install jq" >&2; exit 1; }
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/aws.XXXXXX")"
STUBS="${T}/bin"
LOG="${T}/calls.log"
export LOG

stub curl 'echo "curl $*" >>"$LOG"; [[ $* == *"audience=sts.amazonaws.com"* ]] || exit 22; echo "{\"value\":\"the-oidc-token\"}"'
# aws stub: records each call; answers sts, ecr and ecs.
stub aws '
echo "aws $*" >>"$LOG"
args=" $* "
case "${args}" in
  *" sts assume-role-with-web-identity "*)
    [[ ${args} == *" --web-identity-token the-oidc-token "* ]] || { echo "AccessDenied" >&2; exit 254; }
    [[ ${args} == *":role/denied "* ]] && { echo "AccessDenied" >&2; exit 254; }
    printf "AKIAEXAMPLE\tsecret-key\tsession-token\n" ;;
  *" ecr get-login-password "*) echo the-password ;;
  *" ecs describe-services "*) echo "arn:aws:ecs:eu-west-1:111111111111:task-definition/api:7" ;;
  *" ecs describe-task-definition "*) echo "{\"family\": \"api\", \"taskDefinitionArn\": \"arn:aws:ecs:eu-west-1:111111111111:task-definition/api:9\"}" ;;
  *) echo "unexpected aws call: $*" >&2; exit 1 ;;
esac'
stub skopeo 'echo "skopeo $* $(cat)" >>"$LOG"'
export PATH="${STUBS}:${PATH}"

role=arn:aws:iam::111111111111:role/civet-api-dev-github-deploy
export RUNNER_TEMP="${T}/runner" GITHUB_ENV="${T}/github_env" GITHUB_ACTIONS=true DOCKER_CONFIG="${T}/docker"
unset AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
export ACTIONS_ID_TOKEN_REQUEST_URL="https://token.invalid/?x=1" ACTIONS_ID_TOKEN_REQUEST_TOKEN=bearer

expect 0 "assume-role writes the profile" "${CI}/assume-role.sh" --role-arn "${role}" --profile dev --region eu-west-1
creds="${RUNNER_TEMP}/aws/credentials"
ini() { # ini FILE SECTION KEY: the value, as awscli's INI reader sees it
  python3 -c 'import configparser, sys; p = configparser.RawConfigParser(); p.read(sys.argv[1]); print(p.get(sys.argv[2], sys.argv[3]))' "$@"
}
check "session token in profile dev" test "$(ini "${creds}" dev aws_session_token)" = session-token
check "region in profile dev" test "$(ini "${RUNNER_TEMP}/aws/config" "profile dev" region)" = eu-west-1
check "credentials readable by their owner only" test "$(stat -c %a "${creds}")" = 600
expect_output "::add-mask::secret-key" "the secret key is masked"
expect_output "::add-mask::session-token" "the session token is masked"
check "credentials file exported to later steps" grep -qx "AWS_SHARED_CREDENTIALS_FILE=${creds}" "${GITHUB_ENV}"
check "sts called with the role" grep -q -- "--role-arn ${role} " "${LOG}"

expect 1 "assume-role: the role refuses" "${CI}/assume-role.sh" --role-arn arn:aws:iam::111111111111:role/denied --profile dev --region eu-west-1
expect_output "trust policy" "the refusal points at the trust policy"
expect 2 "assume-role: empty role (secret not set)" "${CI}/assume-role.sh" --role-arn "" --profile dev --region eu-west-1
expect 2 "assume-role: not a role ARN" "${CI}/assume-role.sh" --role-arn arn:aws:iam::1:user/x --profile dev --region eu-west-1
expect 2 "assume-role: no region (variable not set)" "${CI}/assume-role.sh" --role-arn "${role}" --profile dev --region ""
ACTIONS_ID_TOKEN_REQUEST_URL="" expect 1 "assume-role without id-token: write" "${CI}/assume-role.sh" --role-arn "${role}" --profile dev --region eu-west-1
expect_output "id-token: write" "the failure names the missing permission"

: >"${LOG}"
repo=111111111111.dkr.ecr.eu-west-1.amazonaws.com/api
expect 0 "ecr-login" "${CI}/ecr-login.sh" --repo "${repo}" --profile dev
check "get-login-password with the profile and the repo's region" \
  grep -qx "aws ecr get-login-password --profile dev --region eu-west-1" "${LOG}"
check "skopeo login to the registry host with the password on stdin" \
  grep -qx "skopeo login --username AWS --password-stdin 111111111111.dkr.ecr.eu-west-1.amazonaws.com the-password" "${LOG}"
check "the same login into docker's config, which cosign reads (DOCKER_CONFIG)" \
  grep -qx "skopeo login --authfile ${DOCKER_CONFIG}/config.json --username AWS --password-stdin 111111111111.dkr.ecr.eu-west-1.amazonaws.com the-password" "${LOG}"
: >"${LOG}"
DOCKER_CONFIG="" HOME="${T}/home" expect 0 "ecr-login without DOCKER_CONFIG" "${CI}/ecr-login.sh" --repo "${repo}" --profile dev
check "docker's config is then ~/.docker/config.json" \
  grep -qx "skopeo login --authfile ${T}/home/.docker/config.json --username AWS --password-stdin 111111111111.dkr.ecr.eu-west-1.amazonaws.com the-password" "${LOG}"
expect 2 "ecr-login: not an ECR repository" "${CI}/ecr-login.sh" --repo registry.example/api --profile dev

: >"${LOG}"
expect 0 "current-taskdef" "${CI}/current-taskdef.sh" --cluster c --service s --profile dev --out "${T}/td.json"
check "task definition written" grep -q '"family": "api"' "${T}/td.json"
check "the family's latest revision is described, not the running one" \
  grep -q "describe-task-definition --task-definition api --query" "${LOG}"

# A job with no actions/setup-go (release.yml's promote job did this): no
# `go` on PATH and no cosign in the cache. It must stop at once and say
# what to add, before apt-get runs.
: >"${LOG}"
stub dpkg-query 'echo "dpkg-query $*" >>"$LOG"; exit 1' # nothing installed
stub apt-get 'echo "apt-get $*" >>"$LOG"'
no_go="${STUBS}"
IFS=: read -ra dirs <<<"${PATH}"
for dir in "${dirs[@]}"; do [[ ${dir} == "${STUBS}" || -x ${dir}/go ]] || no_go+=":${dir}"; done
PATH="${no_go}" XDG_CACHE_HOME="${T}/cache" expect 1 "install-release-tools without Go" \
  "${CI}/install-release-tools.sh"
expect_output "'go' is not on PATH" "the failure says Go is missing"
expect_output "actions/setup-go" "the failure names the step to add"
if grep -q "^apt-get" "${LOG}"; then fail "apt-get ran before the Go check"; else pass "nothing installed first"; fi

# A cosign restored from a cache in part: the pin record is there, the
# binary does not run. It is built again (with the stub go), not used.
stub dpkg-query 'echo "ii "' # everything installed
module="$(awk '$1 == "cosign" { print $2 }' "${CI}/../deps/go-tools.txt")"
mkdir -p "${T}/cache/civet-api/go/bin"
printf '%s\n' "${module}" >"${T}/cache/civet-api/go/bin/cosign.version"
printf '\177ELF' >"${T}/cache/civet-api/go/bin/cosign" # cut short
chmod +x "${T}/cache/civet-api/go/bin/cosign"
stub go "echo \"go \$*\" >>\"\$LOG\"; printf '#!/bin/sh\necho \"GitVersion:    ${module##*@}\"\n' >\"\$GOBIN/cosign\"; chmod +x \"\$GOBIN/cosign\""
: >"${LOG}"
XDG_CACHE_HOME="${T}/cache" expect 0 "install-release-tools with a damaged cosign" "${CI}/install-release-tools.sh"
expect_output "does not run as ${module##*@}" "the damaged cosign is named"
check "...and built again" grep -q "^go install ${module}" "${LOG}"
XDG_CACHE_HOME="${T}/cache" expect 0 "install-release-tools with the rebuilt cosign" "${CI}/install-release-tools.sh"
expect_output "cosign ${module##*@} present" "...which is then used"
finish
