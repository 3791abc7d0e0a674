#!/usr/bin/env bash
# smoke: after a deploy, ask the service through its public URL whether it
# runs what was deployed. /health is retried until a deadline (a new task
# may still be starting); everything after it is asked once.
set -euo pipefail
PROG=smoke
# shellcheck source=tools/release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF_USAGE'
Usage: smoke --base URL --expect-digest sha256:<hex> --expect-env E
             [--expect-stage S] [--expect-version V] [--api-key K]
             [--no-gateway] [--deadline SEC] [--protected-path PATH]
             [--report FILE]

  --base URL          the API's base, e.g. https://<id>.execute-api.<region>.amazonaws.com/dev
                      or http://127.0.0.1:8080 (no trailing slash)
  --expect-digest D   /health's image_digest must be D
  --expect-env E      /health's environment must be E
  --expect-stage S    /health's stage must be S (checked when given)
  --expect-version V  /health's version must be V, the git SHA (checked when given)
  --api-key K         also GET the protected path with x-api-key: K, expect 200
  --no-gateway        talking to the service directly: skip "protected path
                      without a key is 403" (only API Gateway enforces keys)
  --deadline SEC      retry /health until it answers 200 with status ok
                      (default 120; every 3 s, 5 s per request)
  --protected-path P  default /v1/version
  --report FILE       when every check passes, write them as JSON (base,
                      image_digest, checks [{name, ok}], finished_at): what
                      the "validated in dev" attestation records
  -h, --help          this text

Checks: GET /health is 200 with status "ok" and the expected fields;
GET /docs and GET /openapi.json are 200 (the latter a JSON OpenAPI document);
GET protected path without a key is 403 (unless --no-gateway).
Exit: 0 all checks pass, 1 a check failed (each failure named), 2 bad usage.
EOF_USAGE
}

base="" digest="" env="" stage="" stage_set=0 version="" api_key="" gateway=1 deadline=120 report=""
protected=/v1/version
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --base) need_value "$@"; base="$2"; shift 2 ;;
    --expect-digest) need_value "$@"; digest="$2"; shift 2 ;;
    --expect-env) need_value "$@"; env="$2"; shift 2 ;;
    --expect-stage)
      [[ $# -ge 2 ]] || usage_error "--expect-stage needs a value"
      stage="$2" stage_set=1
      shift 2
      ;;
    --expect-version) need_value "$@"; version="$2"; shift 2 ;;
    --api-key) need_value "$@"; api_key="$2"; shift 2 ;;
    --no-gateway) gateway=0; shift ;;
    --deadline) need_value "$@"; deadline="$2"; shift 2 ;;
    --protected-path) need_value "$@"; protected="$2"; shift 2 ;;
    --report) need_value "$@"; report="$2"; shift 2 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[[ -n ${base} ]] || usage_error "--base is required"
[[ -n ${digest} ]] || usage_error "--expect-digest is required"
[[ -n ${env} ]] || usage_error "--expect-env is required"
[[ ${base} =~ ^https?://[^/[:space:]]+(/[^[:space:]]*)?$ && ${base} != */ ]] ||
  usage_error "--base '${base}' is not http(s)://host[:port][/path] without a trailing slash"
check_digest --expect-digest "${digest}"
[[ ${deadline} =~ ^[1-9][0-9]{0,4}$ ]] || usage_error "--deadline '${deadline}' is not 1-99999 seconds"
[[ ${protected} == /* ]] || usage_error "--protected-path '${protected}' must start with /"
require curl curl
require jq jq

scratch="$(mktemp -d "${TMPDIR:-/tmp}/smoke.XXXXXX")"
trap 'rm -rf "${scratch}"' EXIT

# get PATH [HEADER]: prints the HTTP status (000 when no answer); the body
# is in ${scratch}/body.
get() {
  local -a extra=()
  [[ -z ${2:-} ]] || extra=(-H "$2")
  curl -sS -o "${scratch}/body" -w '%{http_code}' --max-time 5 \
    -H 'User-Agent: civet-api-smoke' "${extra[@]}" "${base}$1" 2>"${scratch}/curl.err" || true
}

failures=()
passed=()
check() { # check NAME OK(0|1) DETAIL
  if [[ $2 -eq 1 ]]; then
    say "ok    $1"
    passed+=("$1")
  else
    say "FAIL  $1: $3"
    failures+=("$1")
  fi
}

# /health, retried until the deadline.
start="${SECONDS}" attempt=0 status=000
while :; do
  attempt=$((attempt + 1))
  status="$(get /health)"
  if [[ ${status} == 200 ]] && jq -e '.status == "ok"' "${scratch}/body" >/dev/null 2>&1; then
    break
  fi
  elapsed=$((SECONDS - start))
  if ((elapsed + 3 > deadline)); then
    die "GET ${base}/health: no 200 with status ok within ${deadline}s (${attempt} tries; last: HTTP ${status} $(head -c 200 "${scratch}/body" 2>/dev/null)$(tail -n1 "${scratch}/curl.err"))"
  fi
  say "[${elapsed}s] GET /health: HTTP ${status}, retrying"
  sleep 3
done
health="$(cat "${scratch}/body")"
say "GET /health: ${health}"
passed+=("GET /health is 200 with status ok")

field() { jq -r --arg k "$1" '.[$k] // "<missing>" | tostring' <<<"${health}"; }
expect_field() { # expect_field KEY WANT
  local got
  got="$(field "$1")"
  check "/health $1 = $2" "$([[ ${got} == "$2" ]] && echo 1 || echo 0)" "got '${got}'"
}
expect_field image_digest "${digest}"
expect_field environment "${env}"
[[ ${stage_set} -eq 0 ]] || expect_field stage "${stage}"
[[ -z ${version} ]] || expect_field version "${version}"

status="$(get /docs)"
check "GET /docs is 200" "$([[ ${status} == 200 ]] && echo 1 || echo 0)" "HTTP ${status}"
status="$(get /openapi.json)"
ok=0
[[ ${status} == 200 ]] && jq -e '.openapi | type == "string"' "${scratch}/body" >/dev/null 2>&1 && ok=1
check "GET /openapi.json is 200 and an OpenAPI document" "${ok}" "HTTP ${status}"

if [[ ${gateway} -eq 1 ]]; then
  status="$(get "${protected}")"
  check "GET ${protected} without a key is 403" "$([[ ${status} == 403 ]] && echo 1 || echo 0)" \
    "HTTP ${status}: the gateway does not enforce the API key"
fi
if [[ -n ${api_key} ]]; then
  status="$(get "${protected}" "x-api-key: ${api_key}")"
  check "GET ${protected} with the key is 200" "$([[ ${status} == 200 ]] && echo 1 || echo 0)" "HTTP ${status}"
fi

if [[ ${#failures[@]} -gt 0 ]]; then
  die "${#failures[@]} check(s) failed: $(IFS=';' && echo "${failures[*]}")"
fi
if [[ -n ${report} ]]; then
  printf '%s\n' "${passed[@]}" | jq -R . | jq -s --arg base "${base}" --arg digest "${digest}" \
    --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{base: $base, image_digest: $digest, checks: map({name: ., ok: true}), finished_at: $at}' \
    >"${report}" || die "cannot write the report ${report}"
fi
say "all checks passed for ${base}"
