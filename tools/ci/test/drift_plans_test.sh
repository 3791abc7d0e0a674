#!/usr/bin/env bash
# drift-plans.sh: the two plans drift.yml judges, with a stub tofu (the
# launcher tools/infra/tofu runs, under a test XDG_CACHE_HOME) that records
# every call and answers as tofu does, and a stub aws (the drift role's
# account).
#
# - both plans run (the refresh-only one finds changes, exit 2): exit 0,
#   DIR/refresh-only.json and DIR/plan.json written; each plan with
#   -lock=false -detailed-exitcode -json, the first -refresh-only, the
#   account from sts and the APP_VERSION the state holds; init with
#   <env>.s3.tfbackend; never apply, import, a state command or a lock;
# - a plan that errors: exit 1, tofu's error diagnostic printed, no JSON
#   for that plan (drift then says it could not tell);
# - a state without APP_VERSION: exit 1 before any plan;
# - bad usage: exit 2.

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
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/drift-plans.XXXXXX")"
STUBS="${T}/bin"
export XDG_CACHE_HOME="${T}/cache" CALLS="${T}/calls" STATE_VERSION="4b21dda"
mkdir -p "${XDG_CACHE_HOME}/civet-api/go/bin"

# aws: the drift role's identity.
stub aws '
case " $* " in
  *" sts get-caller-identity "*) echo 111111111111 ;;
  *) echo "unexpected aws call: $*" >&2; exit 1 ;;
esac'
export PATH="${STUBS}:${PATH}"

# tofu (the launcher): records each call; PLAN_EXIT_<name> decides a plan's exit.
cat >"${XDG_CACHE_HOME}/civet-api/go/bin/tofu" <<'EOF_TOFU'
#!/usr/bin/env bash
printf '%s\n' "$*" >>"${CALLS}"
args=" $* "
out="" name=""
for a in "$@"; do
  case "${a}" in -out=*) out="${a#-out=}" ;; esac
done
case "${args}" in
  *" init "*) echo "Initializing the backend..." ;;
  *" show -json "*.tfplan" "*)
    for a in "$@"; do plan="${a}"; done
    printf '{"format_version":"1.2","from":"%s","resource_drift":[],"resource_changes":[]}\n' "$(basename "${plan}")" ;;
  *" show -json "*)
    containers="[{\\\"name\\\":\\\"api\\\",\\\"environment\\\":[{\\\"name\\\":\\\"APP_VERSION\\\",\\\"value\\\":\\\"${STATE_VERSION}\\\"}]}]"
    [[ -n ${STATE_VERSION} ]] || containers="[]"
    printf '{"values":{"root_module":{"child_modules":[{"resources":[{"mode":"managed","type":"aws_ecs_task_definition","values":{"container_definitions":"%s"}}]}]}}}\n' "${containers}" ;;
  *" plan "*)
    name="$(basename "${out}" .tfplan)"
    var="PLAN_EXIT_${name//-/_}"
    code="${!var:-0}"
    if [[ ${code} -eq 1 ]]; then
      echo '{"@level":"error","@message":"Error: reading ECS Service","diagnostic":{"detail":"AccessDeniedException: not authorized to perform: ecs:DescribeServices"}}'
      exit 1
    fi
    echo '{"@level":"info","@message":"Plan: 0 to add"}'
    : >"${out}"
    exit "${code}" ;;
  *) echo "unexpected tofu call: $*" >&2; exit 1 ;;
esac
EOF_TOFU
chmod +x "${XDG_CACHE_HOME}/civet-api/go/bin/tofu"

out="${T}/out"
PLAN_EXIT_refresh_only=2 expect 0 "both plans ran (the refresh-only one found changes)" \
  "${CI}/drift-plans.sh" --env dev --profile dev-drift --out "${out}"
check "the refresh-only plan's JSON is written" grep -q '"from":"refresh-only.tfplan"' "${out}/refresh-only.json"
check "the normal plan's JSON is written" grep -q '"from":"plan.tfplan"' "${out}/plan.json"
expect_output "account 111111111111, applied APP_VERSION 4b21dda" "it says the account and the applied version"
check "init with the account's tfbackend" grep -q -- 'live/dev init -input=false -no-color -backend-config=dev.s3.tfbackend' "${CALLS}"
plans="$(grep -- ' plan ' "${CALLS}")"
check "two plans" test "$(wc -l <<<"${plans}")" -eq 2
check "both with -lock=false -detailed-exitcode -json" \
  test "$(grep -c -- '-detailed-exitcode -lock=false -json' <<<"${plans}")" -eq 2
check "the first one -refresh-only" grep -q -- 'refresh-only.tfplan -refresh-only -var account_id=111111111111' <<<"${plans}"
check "with the state's APP_VERSION" test "$(grep -c -- '-var app_version=4b21dda' <<<"${plans}")" -eq 2
check "never apply, import, a state command or a lock" \
  bash -c '! grep -Eq -- " (apply|import|state|force-unlock|taint)( |$)|-lock=true" "$1"' _ "${CALLS}"

: >"${CALLS}"
PLAN_EXIT_plan=1 expect 1 "a plan that errors fails the step" \
  "${CI}/drift-plans.sh" --env prod --profile prod-drift --out "${out}"
expect_output "not authorized to perform: ecs:DescribeServices" "tofu's error diagnostic is printed"
check "the plan that ran is written" test -s "${out}/refresh-only.json"
check "the plan that errored is not (drift: could not tell)" test ! -e "${out}/plan.json"
check "prod's tfbackend" grep -q -- 'live/prod init .*-backend-config=prod.s3.tfbackend' "${CALLS}"

: >"${CALLS}"
STATE_VERSION="" expect 1 "a state without APP_VERSION stops before any plan" \
  "${CI}/drift-plans.sh" --env dev --profile dev-drift --out "${out}"
expect_output "0 APP_VERSION values" "saying so"
check "no plan was made" bash -c '! grep -q " plan " "$1"' _ "${CALLS}"

expect 2 "an unknown account" "${CI}/drift-plans.sh" --env stage --profile p --out "${out}"
expect 2 "no --out" "${CI}/drift-plans.sh" --env dev --profile p
finish
