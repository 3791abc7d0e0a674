#!/usr/bin/env bash
# actionlint (tools/deps/go-tools.txt, @gotools//:actionlint) on the
# workflows: zero findings. The workflows are copied into a scratch repository
# (.github/workflows beside a .git) so actionlint also checks the local
# reusable-workflow calls. A broken workflow must be reported, so a no-op
# actionlint cannot pass. Usage: actionlint_test.sh ACTIONLINT WORKFLOW.yml...
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
actionlint="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
shellcheck="$(command -v shellcheck)" ||
  { echo "shellcheck not found (actionlint checks run: steps with it): apt-get install shellcheck" >&2; exit 1; }
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/actionlint.XXXXXX")"

repo="${T}/repo"
mkdir -p "${repo}/.git" "${repo}/.github/workflows"
cp "$@" "${repo}/.github/workflows/"
cd "${repo}"
"${actionlint}" -version | head -n1 || { echo "actionlint does not run: see above" >&2; exit 1; }
expect 0 "actionlint: zero findings in .github/workflows" "${actionlint}" -shellcheck "${shellcheck}" -pyflakes= -no-color
printf '%s\n' "${OUT}"

bad="${T}/bad"
mkdir -p "${bad}/.git" "${bad}/.github/workflows"
# shellcheck disable=SC2016 # a GitHub expression, literally
printf 'on: push\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ github.nope }}"\n        bogus: 1\n' \
  >"${bad}/.github/workflows/bad.yml"
cd "${bad}"
expect 1 "actionlint reports a broken workflow" "${actionlint}" -shellcheck "${shellcheck}" -pyflakes= -no-color
expect_output "bogus" "the unknown key is named"
finish
