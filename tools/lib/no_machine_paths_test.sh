#!/usr/bin/env bash
# no-machine-paths finds what it must: a path of the workplace's shared
# directory, of root's or a user's home, of this machine's $HOME, in any
# file git would commit (untracked ones too), and names file and line; it
# lets a clean tree, GitHub's runner paths and ignored files pass.
set -euo pipefail

script="$1"
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/paths.XXXXXX")"
tree="${T}/checkout/repo"
mkdir -p "${tree}"
git -C "${tree}" init --quiet
# shellcheck disable=SC2016 # the file holds the expression, unexpanded
printf 'echo "${XDG_CACHE_HOME:-$HOME/.cache}/civet-api"\n' >"${tree}/clean.sh"
printf 'cache: /home/runner/.cache/bazel\n' >"${tree}/runner.md"
printf 'ignored.txt\n' >"${tree}/.gitignore"
git -C "${tree}" add clean.sh runner.md .gitignore

failures=0
expect() { # expect NAME EXIT_STATUS PATTERN COMMAND...
  local name="$1" want="$2" pattern="$3" rc=0 out
  shift 3
  out="$("$@" 2>&1)" || rc=$?
  if [[ ${rc} -eq ${want} ]] && grep -qE -- "${pattern}" <<<"${out}"; then
    printf 'PASS  %s\n' "${name}"
  else
    printf 'FAIL  %s (exit %s, want %s; output:)\n%s\n' "${name}" "${rc}" "${want}" "${out}"
    failures=$((failures + 1))
  fi
}

scan() { HOME="${T}/users/someone" "${script}" --tree "${tree}"; }

expect "a clean tree passes, GitHub's runner paths included" 0 "no file names an absolute path" scan

# Built from parts, so this test names no such path itself.
shared="/wo""rk/shared/terraform-provider-aws/archive.tar.xz"
printf 'ARCHIVE=%s\n' "${shared}" >"${tree}/ignored.txt"
expect "an ignored file is not scanned" 0 "no file names an absolute path" scan

printf '#!/bin/sh\n# fallback\nls %s\n' "${shared}" >"${tree}/install.sh"
expect "the workplace's shared directory in an untracked script is found, with file and line" 1 \
  "^install.sh:3:ls ${shared}" scan
rm "${tree}/install.sh"

printf '{"baseline": "%s/.cache/civet-api/bench/baseline"}\n' "/ro""ot" >"${tree}/results.json"
git -C "${tree}" add results.json
expect "root's home in a tracked JSON file is found" 1 "^results.json:1:" scan
git -C "${tree}" rm --quiet --cached results.json && rm "${tree}/results.json"

printf 'see %s/alice/src/x\n' "/ho""me" >"${tree}/notes.md"
expect "a user's home is found" 1 "^notes.md:1:" scan
rm "${tree}/notes.md"

printf 'cd %s/users/someone/builds\n' "${T}" >"${tree}/here.sh"
expect "this machine's own \$HOME is found, wherever it is" 1 "^here.sh:1:" scan
rm "${tree}/here.sh"

# shellcheck disable=SC2016 # the file holds the expressions, unexpanded
printf 'out="${CACHE}/root/x"\nimage="/home/app/.profile" # no-machine-paths: allow (inside the image)\n' >"${tree}/fine.sh"
expect "a path under a variable and an allowed line pass" 0 "no file names an absolute path" scan
rm "${tree}/fine.sh"

expect "--help names the paths it looks for" 0 "/home/<user>/" "${script}" --help
expect "a bad argument is a usage error" 2 "unknown argument" "${script}" --bogus
[[ ${failures} -eq 0 ]]
