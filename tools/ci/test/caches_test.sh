#!/usr/bin/env bash
# caches.sh: a restored cache is used only when every file matches the seal
# written before it was saved: a damaged file, a file missing (a partial
# restore) or a missing seal removes it, so the steps after it build it
# again; files the save left out (--except) do not count. The Bazel block
# in ~/.bazelrc is written once however often it runs, and prune keeps the
# most recently used files under the limit.
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
CACHES="${CI}/caches.sh"
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/caches.XXXXXX")"

fill() { # fill DIR: a small tools cache
  mkdir -p "$1/go/bin" "$1/tofu-1/bin" "$1/pipeline-bazel/root"
  printf 'cosign\n' >"$1/go/bin/cosign"
  printf 'v2\n' >"$1/go/bin/cosign.version"
  printf 'tofu\n' >"$1/tofu-1/bin/tofu"
  printf 'scratch\n' >"$1/pipeline-bazel/root/x"
}

fill "${T}/tools"
expect 0 "seal leaves out --except subdirectories" "${CACHES}" seal "${T}/tools" --except pipeline-bazel
check "the seal lists the three sealed files" test "$(wc -l <"${T}/tools/.seal")" -eq 3
check "...and not the excluded one" bash -c "! grep -q pipeline-bazel '${T}/tools/.seal'"
rm -rf "${T}/tools/pipeline-bazel" # the save left it out
expect 0 "a whole restore is kept" "${CACHES}" check "${T}/tools"
expect_output "whole (3 files match the seal)" "...and says so"
check "...and is still there" test -f "${T}/tools/go/bin/cosign"

printf 'cosig' >"${T}/tools/go/bin/cosign" # truncated in the restore
expect 0 "a damaged file: the cache is removed, not used" "${CACHES}" check "${T}/tools"
expect_output "does not match its seal (./go/bin/cosign: FAILED" "...naming the file"
check "...and is gone" test ! -e "${T}/tools"

fill "${T}/tools"
"${CACHES}" seal "${T}/tools" >/dev/null
rm "${T}/tools/tofu-1/bin/tofu" # a partial restore
expect 0 "a missing file: removed" "${CACHES}" check "${T}/tools"
expect_output "./tofu-1/bin/tofu: FAILED open or read" "...naming it"
check "...and is gone" test ! -e "${T}/tools"

fill "${T}/tools"
expect 0 "a cache without a seal: removed" "${CACHES}" check "${T}/tools"
expect_output "restored without a seal" "...saying so"
expect 0 "sealing a directory that does not exist is no error" "${CACHES}" seal "${T}/never-made"
expect_output "nothing to seal" "...and says so"
check "...and makes nothing" test ! -e "${T}/never-made"
expect 0 "nothing restored is no error" "${CACHES}" check "${T}/none"
expect_output "nothing restored" "...and says so"

printf 'build --config=mine\n' >"${T}/.bazelrc"
HOME="${T}" "${CACHES}" bazelrc "${T}/bazel" >/dev/null
HOME="${T}" "${CACHES}" bazelrc "${T}/bazel" >/dev/null
check "bazelrc keeps the user's lines" grep -qx 'build --config=mine' "${T}/.bazelrc"
check "bazelrc writes its block once" test "$(grep -c "^build --disk_cache=${T}/bazel/disk$" "${T}/.bazelrc")" -eq 1
check "bazelrc sets the repository cache for fetch too" grep -qx "fetch --repository_cache=${T}/bazel/repo" "${T}/.bazelrc"

mkdir -p "${T}/disk/cas" "${T}/disk/ac"
head -c 700000 /dev/zero >"${T}/disk/cas/old"
touch -a -d '2026-01-01' "${T}/disk/cas/old"
head -c 700000 /dev/zero >"${T}/disk/cas/new"
head -c 100 /dev/zero >"${T}/disk/ac/entry"
expect 0 "prune to 1 MiB" "${CACHES}" prune "${T}/disk" --max-mb 1
check "prune drops the least recently used file" test ! -e "${T}/disk/cas/old"
check "...and keeps the recent ones" test -f "${T}/disk/cas/new" -a -f "${T}/disk/ac/entry"
expect 2 "prune without --max-mb is a usage error" "${CACHES}" prune "${T}/disk"
expect 2 "an unknown command is a usage error" "${CACHES}" restore "${T}/disk"
expect 0 "--help" "${CACHES}" --help
expect_output "prune DIR --max-mb N" "--help names the commands"
finish
