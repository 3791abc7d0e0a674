#!/usr/bin/env bash
# zizmor (tools/deps/python-ci.txt, @pytools//:zizmor) on the workflows: zero
# findings at the default persona. --offline: no audit that calls GitHub's API
# (those need a token and the network; they check e.g. that a pinned SHA is
# on a tag, which is left to the reviewer, see docs/delivery.md). A workflow
# with a known weakness must be reported, so a no-op zizmor cannot pass.
# Usage: zizmor_test.sh ZIZMOR WORKFLOW.yml...
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
zizmor="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/zizmor.XXXXXX")"
export HOME="${T}" XDG_CACHE_HOME="${T}/cache"

repo="${T}/repo"
mkdir -p "${repo}/.github/workflows"
cp "$@" "${repo}/.github/workflows/"
cd "${repo}"
"${zizmor}" --version || { echo "zizmor does not run: see above" >&2; exit 1; }
expect 0 "zizmor --offline: zero findings in .github/workflows" "${zizmor}" --offline --no-progress --color=never .github/workflows
printf '%s\n' "${OUT}"

bad="${T}/bad/.github/workflows"
mkdir -p "${bad}"
# shellcheck disable=SC2016 # a GitHub expression, literally
printf 'on: pull_request_target\npermissions: write-all\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo "${{ github.event.pull_request.title }}"\n' \
  >"${bad}/bad.yml"
cd "${T}/bad"
expect_nonzero() {
  local got=0
  OUT="$("$@" 2>&1)" || got=$?
  if [[ ${got} -ne 0 ]]; then pass "zizmor reports a weak workflow (exit ${got})"; else fail "zizmor found nothing in a weak workflow: ${OUT}"; fi
}
expect_nonzero "${zizmor}" --offline --no-progress --color=never .github/workflows
expect_output "template-injection" "the injection is named"
expect_output "unpinned-uses" "the unpinned action is named"
finish
