#!/usr/bin/env bash
# audit.sh: the audit step of a deploy: tools/release/audit.py over the record,
# the account's registry and running tasks (and, in a release, dev's registry
# read with the read-only role), printed and appended to the run summary.
# In a release, the audit also says which tag prod runs and whether it is a
# rollback (audit.py --prod-release: the tag's digest against origin/dev's).
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="audit"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: audit.sh --account dev|prod --repo REPO --cluster C --service S --profile P
                [--dev-repo REPO] [--release-tag TAG|latest] [--record-rev REV]
                [--summary FILE] [--json-out FILE]
                [--signatures REPO [--dev-signatures REPO] --key KEY
                 [--key-profile P] [--key-region R]]

Runs tools/release/audit.py with the record, REPO and the tasks of C/S in the
account (aws --profile P); with --dev-repo (a prod release), dev's registry too.
With --signatures (and --dev-signatures), each registry's row also verifies
the digest's signature and attestations against KEY (dev's signing key, read
with --key-profile in --key-region).
  --release-tag T  prod only: prod runs the release tag T; the audit names it,
                   its commit and whether it is a rollback (audit.py
                   --prod-release). Default in a prod audit: the pushed tag,
                   from GITHUB_REF=refs/tags/T. "latest": the highest v* tag
                   (what the last release deployed; drift.yml)
  --record-rev REV the record at git revision REV (origin/dev: what deploy-dev
                   deployed; drift.yml) instead of this checkout's
  --summary FILE   append the table to FILE (default: $GITHUB_STEP_SUMMARY if set)
  --json-out FILE  also write the audit as JSON
  -h, --help       this text
Exit: audit.py's: 0 one digest everywhere, 1 a source differs or is missing.
USAGE
}

main() {
  local account="" repo="" cluster="" service="" profile="" dev_repo="" json="" release_tag=""
  local sigs="" dev_sigs="" key="" key_profile="" key_region=""
  local summary="${GITHUB_STEP_SUMMARY:-}" rc=0 out fence='```' record_rev="" record
  local -a args
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --account) need_value "$@"; account="$2"; shift 2 ;;
      --repo) need_value "$@"; repo="$2"; shift 2 ;;
      --cluster) need_value "$@"; cluster="$2"; shift 2 ;;
      --service) need_value "$@"; service="$2"; shift 2 ;;
      --profile) need_value "$@"; profile="$2"; shift 2 ;;
      --dev-repo) need_value "$@"; dev_repo="$2"; shift 2 ;;
      --release-tag) need_value "$@"; release_tag="$2"; shift 2 ;;
      --record-rev) need_value "$@"; record_rev="$2"; shift 2 ;;
      --summary) need_value "$@"; summary="$2"; shift 2 ;;
      --json-out) need_value "$@"; json="$2"; shift 2 ;;
      --signatures) need_value "$@"; sigs="$2"; shift 2 ;;
      --dev-signatures) need_value "$@"; dev_sigs="$2"; shift 2 ;;
      --key) need_value "$@"; key="$2"; shift 2 ;;
      --key-profile) need_value "$@"; key_profile="$2"; shift 2 ;;
      --key-region) need_value "$@"; key_region="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ ${account} == dev || ${account} == prod ]] || usage_error "--account must be dev or prod"
  [[ -n ${repo} && -n ${cluster} && -n ${service} && -n ${profile} ]] ||
    usage_error "--repo, --cluster, --service and --profile are required"
  [[ -z ${dev_repo} || ${account} == prod ]] || usage_error "--dev-repo is for a prod audit"
  [[ -z ${release_tag} || ${account} == prod ]] || usage_error "--release-tag is for a prod audit"
  if [[ -z ${release_tag} && ${account} == prod && ${GITHUB_REF:-} == refs/tags/v* ]]; then
    release_tag="${GITHUB_REF#refs/tags/}"
  fi
  if [[ ${release_tag} == latest ]]; then
    release_tag="$(git tag --list 'v*' --sort=-v:refname | head -n 1)"
    [[ -n ${release_tag} ]] || die "--release-tag latest: no v* tag in this checkout (fetch tags)"
  fi
  args=("--${account}-repo" "${repo}" "--${account}-cluster" "${cluster}"
    "--${account}-service" "${service}" "--${account}-profile" "${profile}")
  [[ -n ${dev_repo} ]] && args+=(--dev-repo "${dev_repo}")
  [[ -n ${json} ]] && args+=(--json-out "${json}")
  if [[ -n ${record_rev} ]]; then
    # Named for the revision: the audit's "record" row shows this path.
    record="$(mktemp -d)/${record_rev//\//_}.release.json"
    git show "${record_rev}:infra/live/release.json" >"${record}" ||
      die "--record-rev ${record_rev}: no infra/live/release.json there (fetch it)"
    args+=(--record "${record}")
  fi
  [[ -z ${sigs} && -z ${dev_sigs} ]] || [[ -n ${key} ]] || usage_error "--signatures needs --key"
  [[ -z ${dev_sigs} || -n ${dev_repo} ]] || usage_error "--dev-signatures needs --dev-repo"
  [[ -n ${sigs} ]] && args+=("--${account}-signatures" "${sigs}")
  [[ -n ${dev_sigs} ]] && args+=(--dev-signatures "${dev_sigs}")
  [[ -n ${key} ]] && args+=(--key "${key}")
  [[ -n ${key_profile} ]] && args+=(--key-profile "${key_profile}")
  [[ -n ${key_region} ]] && args+=(--key-region "${key_region}")
  [[ -n ${release_tag} ]] && args+=(--prod-release "${release_tag}")
  out="$("${ROOT}/tools/release/audit.py" "${args[@]}")" || rc=$?
  printf '%s\n' "${out}"
  if [[ -n ${summary} ]]; then
    {
      printf '### Audit (%s%s)\n\n%s\n%s\n%s\n' "${account}" "${release_tag:+, tag ${release_tag}}" \
        "${fence}" "${out}" "${fence}"
      [[ ${rc} -eq 0 ]] || printf '\naudit.py exit status %d (see the log for each failing source)\n' "${rc}"
    } >>"${summary}"
  fi
  return "${rc}"
}

main "$@"
