#!/usr/bin/env bash
# tools/rehearsal/cold-bin/bash, the HOME of a cold-runner job: the same path
# for every job (as /github/home is on every fresh runner, so a restored cache
# that names paths under HOME works), shared by one job's steps, empty when a
# new job begins, with the last job's Bazel server stopped; without
# COLD_RUNNER_HOME, a HOME of the job's own beside its RUNNER_TEMP.
# The single-quoted strings are scripts for the step's own shell, which
# expands them: that is what is tested.
# shellcheck disable=SC2016
set -euo pipefail
if [[ -n ${TEST_SRCDIR:-} ]]; then
  wrapper="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/rehearsal/cold-bin/bash"
else
  wrapper="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cold-bin/bash"
fi
work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/cold-bin.XXXXXX")"
trap 'pkill -f -- "${work}/" 2>/dev/null || true; rm -rf "${work}"' EXIT

failures=0
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
  local what="$1"
  shift
  if "$@"; then printf 'ok: %s\n' "${what}"; else printf 'FAIL: %s\n' "${what}" >&2; failures=$((failures + 1)); fi
}
# step JOB SCRIPT: one step of job JOB (its RUNNER_TEMP), as act runs it.
step() {
  mkdir -p "${work}/act/$1/tmp"
  RUNNER_TEMP="${work}/act/$1/tmp" COLD_RUNNER_HOME="${work}/runner-home" HOME=/nonexistent \
    "${wrapper}" -c "$2"
}

# Two steps of one job share its HOME; the HOME is the one path.
check "a step's HOME is COLD_RUNNER_HOME" \
  test "$(step job1 'echo "${HOME}"')" = "${work}/runner-home"
step job1 'mkdir -p ~/.cache/civet-api && echo built >~/.cache/civet-api/tool'
check "the next step of the same job sees what the first wrote" \
  test "$(step job1 'cat ~/.cache/civet-api/tool')" = built

# A stand-in for the job's Bazel server: its command line names its output
# base under HOME, as Bazel's does.
step job1 'mkdir -p ~/.cache/bazel/_bazel_root/x && cp /bin/sleep ~/.cache/bazel/_bazel_root/x/server && exec -a "bazel(repo) -XX:HeapDumpPath=${HOME}/.cache/bazel/_bazel_root/x" ~/.cache/bazel/_bazel_root/x/server 300' &
server=$!
server_runs() { pgrep -f -- "${work}/runner-home/.cache/bazel/" >/dev/null; }
server_gone() { ! server_runs; }
for _ in $(seq 50); do server_runs && break; sleep 0.1; done
check "(the stand-in server runs)" server_runs

# The next job: the same path, empty, the server gone.
check "a new job gets the same HOME path" \
  test "$(step job2 'echo "${HOME}"')" = "${work}/runner-home"
check "a new job's HOME holds nothing of the last job's" \
  test "$(step job2 'ls -A ~ | wc -l')" -eq 0
check "the last job's Bazel server was stopped" \
  server_gone
wait "${server}" 2>/dev/null || true # reaps the stand-in
step job2 'echo second >~/mark'
check "later steps of the new job keep its files" \
  test "$(step job2 'cat ~/mark')" = second

# Without COLD_RUNNER_HOME: the job's own HOME beside its RUNNER_TEMP.
mkdir -p "${work}/act/job3/tmp"
check "without COLD_RUNNER_HOME a job's HOME is beside its RUNNER_TEMP" \
  test "$(RUNNER_TEMP="${work}/act/job3/tmp" "${wrapper}" -c 'echo "${HOME}"')" = "${work}/act/job3/home"
check "outside a job (no RUNNER_TEMP) HOME is left alone" \
  test "$(env -u RUNNER_TEMP HOME=/keep "${wrapper}" -c 'echo "${HOME}"')" = /keep

printf '%d failed\n' "${failures}"
[[ ${failures} -eq 0 ]]
