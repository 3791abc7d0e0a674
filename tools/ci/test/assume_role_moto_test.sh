#!/usr/bin/env bash
# assume-role.sh with the real curl, jq and Debian's aws CLI: the OIDC token
# from a token service on loopback (standing in for the runner's), exchanged
# by moto's STS server (tools/deps/python-release.txt); the profile it writes
# is then used by a real aws call. Usage: assume_role_moto_test.sh MOTO_SERVER
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
moto_server="$1"
for tool in curl jq python3; do
  command -v "${tool}" >/dev/null || { echo "${tool} not found: apt-get install ${tool}" >&2; exit 1; }
done
[[ -x /usr/bin/aws ]] || { echo "/usr/bin/aws not found: apt-get install awscli" >&2; exit 1; }
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/moto.XXXXXX")"
mkdir -p "${T}/bin"
ln -s /usr/bin/aws "${T}/bin/aws" # Debian's CLI, whatever else is on PATH
export PATH="${T}/bin:${PATH}"

PIDS=()
cleanup() { [[ ${#PIDS[@]} -eq 0 ]] || kill "${PIDS[@]}" 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { # wait_port PORT PID LOG
  local _
  for _ in $(seq 100); do
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; echo "server exited" >&2; exit 1; }
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  echo "no server on port $1 after 10 s" >&2
  exit 1
}

moto_port="$(free_port)"
"${moto_server}" -H 127.0.0.1 -p "${moto_port}" >"${T}/moto.log" 2>&1 &
PIDS+=($!)
wait_port "${moto_port}" "$!" "${T}/moto.log"

# The token service answers {"value": TOKEN} whatever the query string.
mkdir -p "${T}/tokens"
printf '{"count": 1, "value": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9kZXYifQ."}\n' >"${T}/tokens/token"
token_port="$(free_port)"
(cd "${T}/tokens" && exec python3 -m http.server --bind 127.0.0.1 "${token_port}") >"${T}/token.log" 2>&1 &
PIDS+=($!)
wait_port "${token_port}" "$!" "${T}/token.log"

unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
export RUNNER_TEMP="${T}/runner" GITHUB_ENV="${T}/github_env" GITHUB_ACTIONS=true GITHUB_RUN_ID=42 GITHUB_RUN_ATTEMPT=1
export ACTIONS_ID_TOKEN_REQUEST_URL="http://127.0.0.1:${token_port}/token?api-version=2.0" ACTIONS_ID_TOKEN_REQUEST_TOKEN=bearer
role=arn:aws:iam::123456789012:role/civet-api-dev-github-deploy

expect 0 "assume-role through moto's STS" "${CI}/assume-role.sh" --role-arn "${role}" --profile dev \
  --region eu-west-1 --endpoint-url "http://127.0.0.1:${moto_port}"
printf '%s\n' "${OUT}"
export AWS_SHARED_CREDENTIALS_FILE="${RUNNER_TEMP}/aws/credentials" AWS_CONFIG_FILE="${RUNNER_TEMP}/aws/config"
check "the credentials file is exported to later steps" grep -qx "AWS_SHARED_CREDENTIALS_FILE=${AWS_SHARED_CREDENTIALS_FILE}" "${GITHUB_ENV}"
check "profile dev has a session token" test -n "$(aws configure get --profile dev aws_session_token)"
check "profile dev has the region" test "$(aws configure get --profile dev region)" = eu-west-1
expect 0 "the profile works for a later aws call" aws --profile dev --endpoint-url "http://127.0.0.1:${moto_port}" \
  sts get-caller-identity --query Arn --output text
expect_output "assumed-role/civet-api-dev-github-deploy/github-42-1" "the caller is the assumed role, session named after the run"
check "the credentials directory is private" test "$(stat -c %a "${RUNNER_TEMP}/aws")" = 700

expect 0 "a second role in the same file (release: dev-readonly beside prod)" "${CI}/assume-role.sh" \
  --role-arn arn:aws:iam::210987654321:role/civet-api-dev-github-ecr-reader --profile dev-readonly \
  --region eu-west-1 --endpoint-url "http://127.0.0.1:${moto_port}"
check "both profiles are there" test -n "$(aws configure get --profile dev aws_session_token)" -a \
  -n "$(aws configure get --profile dev-readonly aws_session_token)"
finish
