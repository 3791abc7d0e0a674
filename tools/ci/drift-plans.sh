#!/usr/bin/env bash
# drift-plans.sh: the two plans drift.yml judges, made with the account's
# read-only drift role: `plan -refresh-only` (what changed outside
# Terraform) and a normal plan (what an apply would change back), both with
# -lock=false (the role may not write the lock) and -detailed-exitcode, their
# streamed -json logs kept, and each plan as `tofu show -json`. Plans with
# the APP_VERSION Terraform last applied (read from the state), so that the
# only differences are the account's. Applies nothing, writes no state.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="drift-plans"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"
TOFU="${ROOT}/tools/infra/tofu"

usage() {
  cat <<'USAGE'
Usage: drift-plans.sh --env dev|prod --profile P --out DIR

In infra/live/<env>, with the credentials of aws profile P (the drift role):
  tofu init -backend-config=<env>.s3.tfbackend
  tofu show -json                                  > DIR/state.json
  tofu plan -refresh-only -detailed-exitcode -lock=false -json -out=...
                                                   > DIR/refresh-only.jsonl
  tofu plan -detailed-exitcode -lock=false -json -out=...
                                                   > DIR/plan.jsonl
and `tofu show -json` of each plan into DIR/refresh-only.json, DIR/plan.json
(what tools/ci/drift report reads). account_id is the profile's account
(sts get-caller-identity), app_version the state's (tools/ci/drift
applied-version). A plan that errors writes no .json: drift then says it
could not tell.
  -h, --help  this text
Exit: 0 both plans ran (changes or not), 1 a step failed (its diagnostics
printed), 2 bad usage.
USAGE
}

# tofu's error diagnostics from a -json log, one line each.
errors_of() { # errors_of LOG
  python3 - "$1" <<'EOF_PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        message = json.loads(line)
    except ValueError:
        continue
    if message.get("@level") == "error":
        diagnostic = message.get("diagnostic") or {}
        print("  %s %s" % (message.get("@message", ""), diagnostic.get("detail", "")))
EOF_PY
}

one_plan() { # one_plan TREE OUT NAME ARGS...: 0 ran, 1 errored
  local tree="$1" out="$2" name="$3" rc=0
  shift 3
  "${TOFU}" -chdir="${tree}" plan -detailed-exitcode -lock=false -json -input=false \
    -out="${out}/${name}.tfplan" "$@" >"${out}/${name}.jsonl" || rc=$?
  if [[ ${rc} -ne 0 && ${rc} -ne 2 ]]; then
    say "the ${name} plan failed (exit ${rc}):"
    errors_of "${out}/${name}.jsonl" >&2
    return 1
  fi
  "${TOFU}" -chdir="${tree}" show -json "${out}/${name}.tfplan" >"${out}/${name}.json"
  say "${name} plan: $([[ ${rc} -eq 0 ]] && echo "no changes" || echo "changes") (exit ${rc})"
}

main() {
  local env="" profile="" out="" tree account version failed=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --env) need_value "$@"; env="$2"; shift 2 ;;
      --profile) need_value "$@"; profile="$2"; shift 2 ;;
      --out) need_value "$@"; out="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ ${env} == dev || ${env} == prod ]] || usage_error "--env must be dev or prod"
  [[ -n ${profile} && -n ${out} ]] || usage_error "--profile and --out are required"
  require aws awscli
  require python3 python3
  [[ -x ${TOFU} ]] || die "${TOFU} not found"
  tree="${ROOT}/infra/live/${env}"
  mkdir -p "${out}"
  out="$(cd "${out}" && pwd)"
  rm -f "${out}"/{state,refresh-only,plan}.json
  export AWS_PROFILE="${profile}"
  account="$(aws sts get-caller-identity --query Account --output text)" ||
    die "the profile ${profile} has no working credentials"
  "${TOFU}" -chdir="${tree}" init -input=false -no-color -backend-config="${env}.s3.tfbackend" >"${out}/init.log" 2>&1 ||
    { cat "${out}/init.log" >&2; die "tofu init of infra/live/${env} failed"; }
  "${TOFU}" -chdir="${tree}" show -json >"${out}/state.json" || die "tofu show -json of the state failed"
  version="$("${ROOT}/tools/ci/drift" applied-version --state "${out}/state.json")" || exit 1
  say "account ${account}, applied APP_VERSION ${version}"
  one_plan "${tree}" "${out}" refresh-only -refresh-only -var "account_id=${account}" -var "app_version=${version}" ||
    failed=1
  one_plan "${tree}" "${out}" plan -var "account_id=${account}" -var "app_version=${version}" || failed=1
  return "${failed}"
}

main "$@"
