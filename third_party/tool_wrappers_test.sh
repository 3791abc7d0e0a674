#!/usr/bin/env bash
# The wrappers @pytools and @gotools generate are inputs of every test that
# runs a check tool, so their text decides whether a cached result is used:
#   - it names no path of the checkout: a clone elsewhere (a CI runner's
#     workspace, act's per-job directory) must hit the results another
#     clone cached with the same tools;
#   - it carries every pin of the tool's pin files: a new pin re-runs those
#     tests instead of serving results cached with the old tool.
# Usage: tool_wrappers_test.sh WORKSPACE_FILE PINS_FILE WRAPPER [PINS_FILE WRAPPER...]
set -euo pipefail

checkout="$(dirname "$(readlink -f "$1")")"
shift
failures=0
while [[ $# -ge 2 ]]; do
  pins="$1" wrapper="$2"
  shift 2
  if grep -qF "${checkout}" "${wrapper}"; then
    printf 'FAIL  %s names the checkout %s\n' "${wrapper}" "${checkout}"
    failures=$((failures + 1))
  else
    printf 'PASS  %s names no path of the checkout\n' "${wrapper}"
  fi
  missing=0
  while IFS= read -r line; do
    line="$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"${line}")"
    [[ -z ${line} || ${line} == \#* ]] && continue
    if ! grep -qxF "# pin: ${line}" "${wrapper}"; then
      printf 'FAIL  %s lacks the pin "%s" of %s\n' "${wrapper}" "${line}" "${pins}"
      missing=$((missing + 1))
    fi
  done <"${pins}"
  if [[ ${missing} -eq 0 ]]; then
    printf 'PASS  %s carries every pin of %s\n' "${wrapper}" "${pins}"
  fi
  failures=$((failures + missing))
done
[[ ${failures} -eq 0 ]]
