#!/usr/bin/env bash
# test/lib.sh - shared by the tests of tools/ci: assertions and stub commands.
# Sourced, never run. A check that cannot run fails; nothing is skipped.

FAILURES=0

fail() { printf 'FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { printf 'ok: %s\n' "$*"; }

# expect STATUS DESCRIPTION COMMAND...: runs COMMAND, output in $OUT.
expect() {
  local want="$1" what="$2" got=0
  shift 2
  OUT="$("$@" 2>&1)" || got=$?
  if [[ ${got} -eq ${want} ]]; then
    pass "${what} (exit ${got})"
  else
    fail "${what}: exit ${got}, want ${want}; output: ${OUT}"
  fi
}

# expect_output NEEDLE DESCRIPTION: the last expect's output contains NEEDLE.
expect_output() {
  if [[ ${OUT} == *"$1"* ]]; then pass "$2"; else fail "$2: '${1}' not in: ${OUT}"; fi
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds (quietly).
check() {
  local what="$1"
  shift
  if "$@" >/dev/null 2>&1; then pass "${what}"; else fail "${what}"; fi
}

# stub NAME BODY: an executable NAME in $STUBS (put first on PATH) running BODY.
stub() {
  mkdir -p "${STUBS}"
  printf '#!/usr/bin/env bash\n%s\n' "$2" >"${STUBS}/$1"
  chmod +x "${STUBS}/$1"
}

finish() {
  if [[ ${FAILURES} -eq 0 ]]; then
    echo "all checks passed"
  else
    echo "${FAILURES} check(s) failed" >&2
    exit 1
  fi
}
