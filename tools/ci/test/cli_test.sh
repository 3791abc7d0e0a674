#!/usr/bin/env bash
# Every tools/ci script answers --help with exit 0 and an unknown option with
# exit 2 (the interface docs/delivery.md promises for the CI steps).
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"

for script in assume-role audit check-built-digest current-taskdef ecr-login \
  guard-digest guard-reachable install-release-tools record-digest drift-plans; do
  expect 0 "${script} --help" "${CI}/${script}.sh" --help
  expect_output "Usage: ${script}.sh" "${script} --help prints its usage"
  expect 2 "${script} --bogus" "${CI}/${script}.sh" --bogus
done
# tools/ci/drift: exit 2 means drift, so bad usage is 1 (never drift).
expect 0 "drift --help" "${CI}/drift" --help
expect_output "Usage: tools/ci/drift report" "drift --help prints its usage"
expect 1 "drift --bogus" "${CI}/drift" --bogus
finish
