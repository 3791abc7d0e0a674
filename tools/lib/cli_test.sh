#!/usr/bin/env bash
# shellcheck disable=SC2016 # the cases are bash source, expanded by the bash that runs them
# cli_test: the contract of each function of tools/lib/cli.sh, need_value's
# first: the one contract every option loop relies on (a missing or empty
# value exits 2 naming the option; a present one prints nothing and the
# caller shifts 2). Each case runs in its own bash, since the functions exit.
set -euo pipefail
if [[ -n ${TEST_SRCDIR:-} ]]; then
  LIB="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/lib/cli.sh"
else
  LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cli.sh"
fi
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/cli_test.XXXXXX")"
trap 'rm -rf "${T}"' EXIT
FAILURES=0

# expect STATUS DESCRIPTION SCRIPT [ARGS...]: runs SCRIPT in a bash that
# sourced the library with PROG=t; stdout in $OUT, stderr in $ERR.
expect() {
  local want="$1" what="$2" script="$3" got=0
  shift 3
  bash -c 'set -euo pipefail; PROG=t; source "$0"; '"${script}" "${LIB}" "$@" \
    >"${T}/out" 2>"${T}/err" || got=$?
  OUT="$(cat "${T}/out")"
  ERR="$(cat "${T}/err")"
  if [[ ${got} -eq ${want} ]]; then
    printf 'ok: %s (exit %s)\n' "${what}" "${got}"
  else
    printf 'FAIL: %s: exit %s, want %s; stdout: %s; stderr: %s\n' "${what}" "${got}" "${want}" "${OUT}" "${ERR}" >&2
    FAILURES=$((FAILURES + 1))
  fi
}

# is WHAT GOT WANT: GOT equals WANT.
is() {
  if [[ $2 == "$3" ]]; then
    printf 'ok: %s\n' "$1"
  else
    printf 'FAIL: %s: got [%s], want [%s]\n' "$1" "$2" "$3" >&2
    FAILURES=$((FAILURES + 1))
  fi
}

# An option loop written as every tool writes it.
LOOP='out="" n=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) need_value "$@"; out="$2"; shift 2 ;;
    --flag) n=$((n + 1)); shift ;;
    *) usage_error "unknown argument '"'"'$1'"'"'" ;;
  esac
done
printf "%s|%s" "${out}" "${n}"'

expect 2 "need_value: the option is last" "${LOOP}" --flag --out
is "need_value: a missing value names the option" "${ERR}" "t: --out needs a value (see --help)"
expect 2 "need_value: an empty value" "${LOOP}" --out ""
is "need_value: an empty value names the option" "${ERR}" "t: --out needs a value (see --help)"
expect 0 "need_value: a value, then a flag" "${LOOP}" --out x --flag
is "need_value: the caller takes \$2 and shifts 2" "${OUT}" "x|1"
expect 0 "need_value: a value that looks like an option" "${LOOP}" --out --flag
is "need_value: the value is \$2 whatever it looks like" "${OUT}" "--flag|0"
expect 0 "need_value prints nothing" 'need_value --out x'
is "need_value: nothing on stdout" "${OUT}" ""
expect 2 "usage_error" "${LOOP}" --bogus
is "usage_error: one line, PROG first" "${ERR}" "t: unknown argument '--bogus' (see --help)"

expect 1 "die" 'die "it broke"; echo not reached'
is "die: PROG: error: MESSAGE on stderr" "${ERR}" "t: error: it broke"
is "die: nothing after it runs" "${OUT}" ""
expect 0 "say and step" 'say "to stderr"; step "to stdout"'
is "say: PROG: MESSAGE on stderr" "${ERR}" "t: to stderr"
is "step: ==> MESSAGE on stdout" "${OUT}" "==> to stdout"

expect 0 "require: a command that exists" 'require bash bash'
expect 1 "require: a missing Debian package" 'require no-such-cmd-x no-such-pkg'
is "require: apt-get install PACKAGE" "${ERR}" "t: error: 'no-such-cmd-x' not found: apt-get install no-such-pkg"
expect 1 "require: free text, with REQUIRE_HINT" \
  'REQUIRE_HINT="tools/bootstrap does it"; require no-such-cmd-x "Go (1.24 or newer)"'
is "require: install TEXT (HINT)" "${ERR}" "t: error: 'no-such-cmd-x' not found: install Go (1.24 or newer) (tools/bootstrap does it)"

digest="sha256:$(printf '%064d' 0 | tr 0 a)"
printf '{\n  "service": "api",\n  "image_digest": "%s",\n  "sbom_sha256": "x"\n}\n' "${digest}" >"${T}/release.json"
printf '{"service": "api", "image_digest": "sha256:ABC"}\n' >"${T}/bad.json"
printf '{"service": "api", "image_digest": 7}\n' >"${T}/number.json"
printf 'not json\n' >"${T}/junk.json"
expect 0 "release_digest: a good record" 'release_digest "$1"' "${T}/release.json"
is "release_digest: the digest" "${OUT}" "${digest}"
expect 0 "release_field: another key" 'release_field "$1" service' "${T}/release.json"
is "release_field: its value" "${OUT}" "api"
expect 1 "release_digest: not sha256:<64 hex>" 'release_digest "$1"' "${T}/bad.json"
is "release_digest: names the file and the value" "${ERR}" "t: error: ${T}/bad.json: image_digest 'sha256:ABC' is not sha256:<64 hex>"
expect 1 "release_digest: not a string" 'release_digest "$1"; echo not reached' "${T}/number.json"
is "release_digest: stops the caller" "${OUT}" ""
expect 1 "release_digest: not JSON" 'release_digest "$1"' "${T}/junk.json"
is "release_digest: cannot read" "${ERR}" "t: error: cannot read image_digest from ${T}/junk.json"
expect 1 "release_digest: no file" 'release_digest "$1"' "${T}/none.json"
expect 1 "release_field: a missing key" 'release_field "$1" nope' "${T}/release.json"

if [[ ${FAILURES} -eq 0 ]]; then
  echo "all checks passed"
else
  echo "${FAILURES} check(s) failed" >&2
  exit 1
fi
