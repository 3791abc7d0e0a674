#!/usr/bin/env bash
# guard-reachable on real git repositories: a commit on dev passes, a commit
# only on another branch fails, before and after a fetch from the remote, and
# in a shallow clone (the fetch unshallows it).
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
command -v git >/dev/null || { echo "git not found: apt-get install git" >&2; exit 1; }
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/reach.XXXXXX")"
export GIT_CONFIG_NOSYSTEM=1 HOME="${T}" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
  GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t

upstream="${T}/upstream"
git init -q -b main "${upstream}"
commit() { git -C "${upstream}" commit -q --allow-empty -m "$1" && git -C "${upstream}" rev-parse HEAD; }
base="$(commit base)"
git -C "${upstream}" checkout -q -b dev
on_dev="$(commit on-dev)"
tip="$(commit dev-tip)"
git -C "${upstream}" checkout -q -b feature "${base}"
off_dev="$(commit feature-only)"

clone="${T}/clone"
git clone -q "file://${upstream}" "${clone}"
cd "${clone}"
expect 0 "a commit on dev (after fetch)" "${CI}/guard-reachable.sh" --commit "${on_dev}"
expect 0 "dev's tip itself" "${CI}/guard-reachable.sh" --commit "${tip}" --no-fetch
expect 0 "an older commit of dev" "${CI}/guard-reachable.sh" --commit "${base}" --no-fetch
expect 1 "a commit only on another branch" "${CI}/guard-reachable.sh" --commit "${off_dev}"
expect_output "not reachable from origin/dev" "the refusal names the branch"
expect 1 "an unknown commit" "${CI}/guard-reachable.sh" --commit 0123456789abcdef0123456789abcdef01234567 --no-fetch
expect 1 "a branch that does not exist" "${CI}/guard-reachable.sh" --commit "${on_dev}" --branch nope --no-fetch
expect 2 "no --commit" "${CI}/guard-reachable.sh"

shallow="${T}/shallow"
git clone -q --depth 1 --branch feature "file://${upstream}" "${shallow}"
cd "${shallow}"
expect 0 "shallow clone: fetch unshallows, dev's commit is found" "${CI}/guard-reachable.sh" --commit "${on_dev}"
expect 1 "shallow clone: the feature commit is still refused" "${CI}/guard-reachable.sh" --commit "${off_dev}" --no-fetch
finish
