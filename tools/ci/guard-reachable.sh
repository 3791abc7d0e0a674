#!/usr/bin/env bash
# guard-reachable.sh: the release guard "the tagged commit is on dev".
# A v* tag may only release a commit that went through deploy-dev, i.e. one
# reachable from the dev branch; anything else is refused before any AWS call.
set -euo pipefail
PROG="guard-reachable"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: guard-reachable.sh --commit SHA [--branch dev] [--remote origin] [--no-fetch]

Fails unless COMMIT is an ancestor of (or equal to) REMOTE/BRANCH.
  --commit SHA   the tagged commit (GITHUB_SHA in a tag push)
  --branch B     default dev
  --remote R     default origin; REMOTE/BRANCH is fetched first, with full
                 history (the checkout may be shallow)
  --no-fetch     use the local REMOTE/BRANCH as it is
  -h, --help     this text
Exit: 0 reachable, 1 not reachable or git failed, 2 bad usage.
USAGE
}

main() {
  local commit="" branch=dev remote=origin fetch=1 ref
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --commit) need_value "$@"; commit="$2"; shift 2 ;;
      --branch) need_value "$@"; branch="$2"; shift 2 ;;
      --remote) need_value "$@"; remote="$2"; shift 2 ;;
      --no-fetch) fetch=0; shift ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ -n ${commit} ]] || usage_error "--commit is required"
  require git git
  ref="refs/remotes/${remote}/${branch}"
  if [[ ${fetch} -eq 1 ]]; then
    if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
      git fetch --quiet --no-tags --unshallow "${remote}" "+refs/heads/${branch}:${ref}" ||
        die "git fetch --unshallow ${remote} ${branch} failed"
    else
      git fetch --quiet --no-tags "${remote}" "+refs/heads/${branch}:${ref}" ||
        die "git fetch ${remote} ${branch} failed"
    fi
  fi
  git rev-parse --quiet --verify "${ref}^{commit}" >/dev/null || die "${ref} does not exist"
  git rev-parse --quiet --verify "${commit}^{commit}" >/dev/null || die "commit ${commit} not found"
  git merge-base --is-ancestor "${commit}" "${ref}" ||
    die "commit ${commit} is not reachable from ${remote}/${branch}: release only what dev deployed"
  say "commit ${commit} is reachable from ${remote}/${branch}"
}

main "$@"
