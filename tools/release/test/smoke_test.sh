#!/usr/bin/env bash
# smoke_test: smoke against the real service (//services/api:api started
# with the env a task gets), directly and behind a loopback stand-in for API
# Gateway (test/gateway_stub.py: stage prefix, 403 on /v1/* without a key).
# - the right digest, env, stage and version pass; each wrong one fails,
#   naming the field;
# - direct to the service, the 403 check must be skipped (--no-gateway):
#   without it smoke fails, since the service enforces no key;
# - through the gateway: 403 without a key, 200 with it, all checks pass;
# - /health is retried until the deadline: a service that starts late
#   passes, one that never answers fails in bounded time.
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

api_binary="$1"
require_tool curl curl
require_tool jq jq
require_tool python3 python3

digest="sha256:$(printf 'smoke image' | sha256sum | cut -d' ' -f1)"
wrong="sha256:$(printf 'another image' | sha256sum | cut -d' ' -f1)"
version=0123456789abcdef0123456789abcdef01234567
start_api "${api_binary}" dev dev "${version}" "${digest}"
smoke=("${RELEASE}/smoke.sh" --deadline 10)

expect 0 "direct: right digest, env, stage, version (--no-gateway)" \
  "${smoke[@]}" --base "${API_URL}" --no-gateway --expect-digest "${digest}" \
  --expect-env dev --expect-stage dev --expect-version "${version}"
said "ok    GET /docs is 200"
said "ok    GET /openapi.json is 200"
expect 1 "direct: wrong digest" \
  "${smoke[@]}" --base "${API_URL}" --no-gateway --expect-digest "${wrong}" --expect-env dev
said "FAIL  /health image_digest = ${wrong}: got '${digest}'"
expect 1 "direct: wrong environment" \
  "${smoke[@]}" --base "${API_URL}" --no-gateway --expect-digest "${digest}" --expect-env prod
said "FAIL  /health environment = prod: got 'dev'"
expect 1 "direct: wrong stage" \
  "${smoke[@]}" --base "${API_URL}" --no-gateway --expect-digest "${digest}" --expect-env dev --expect-stage prod
said "FAIL  /health stage = prod"
expect 1 "direct: wrong version" \
  "${smoke[@]}" --base "${API_URL}" --no-gateway --expect-digest "${digest}" --expect-env dev --expect-version abc
said "FAIL  /health version = abc"
expect 1 "direct without --no-gateway: the service does not answer 403" \
  "${smoke[@]}" --base "${API_URL}" --expect-digest "${digest}" --expect-env dev
said "FAIL  GET /v1/version without a key is 403: HTTP 200"

gw_port="$(free_port)"
"${RELEASE}/test/gateway_stub.py" "${gw_port}" dev secret-key "${API_URL}" >"${SCRATCH}/gateway.log" 2>&1 &
PIDS+=($!)
wait_port "${gw_port}" "$!" "${SCRATCH}/gateway.log"
gateway="http://127.0.0.1:${gw_port}/dev"
expect 0 "gateway: all checks, 403 without key, 200 with it" \
  "${smoke[@]}" --base "${gateway}" --api-key secret-key --expect-digest "${digest}" \
  --expect-env dev --expect-stage dev --expect-version "${version}"
said "ok    GET /v1/version without a key is 403"
said "ok    GET /v1/version with the key is 200"
expect 1 "gateway: a wrong key is refused" \
  "${smoke[@]}" --base "${gateway}" --api-key wrong-key --expect-digest "${digest}" --expect-env dev
said "FAIL  GET /v1/version with the key is 200: HTTP 403"

# Late start: smoke is running before the service listens.
late_port="$(free_port)"
(sleep 2 && exec env -i PORT="${late_port}" APP_ENV=dev IMAGE_DIGEST="${digest}" "${api_binary}") \
  >"${SCRATCH}/late.log" 2>&1 &
PIDS+=($!)
expect 0 "a service that answers after 2 s passes (retries)" \
  "${smoke[@]}" --base "http://127.0.0.1:${late_port}" --no-gateway --expect-digest "${digest}" --expect-env dev
said "retrying"

dead_port="$(free_port)"
start="${SECONDS}"
expect 1 "nothing listening: fails by the deadline" \
  "${RELEASE}/smoke.sh" --deadline 4 --base "http://127.0.0.1:${dead_port}" --no-gateway \
  --expect-digest "${digest}" --expect-env dev
said "no 200 with status ok within 4s"
((SECONDS - start <= 10)) || fail "smoke took $((SECONDS - start)) s for a 4 s deadline"

expect 2 "a base URL with a trailing slash" \
  "${RELEASE}/smoke.sh" --base "${API_URL}/" --expect-digest "${digest}" --expect-env dev
expect 2 "a malformed digest" \
  "${RELEASE}/smoke.sh" --base "${API_URL}" --expect-digest sha256:12 --expect-env dev
expect 0 "smoke --help" "${RELEASE}/smoke.sh" --help
said "Usage: smoke" "${SCRATCH}/out"
done_cases
