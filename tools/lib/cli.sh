#!/usr/bin/env bash
# cli.sh - the one command-line library of the shell tools (tools/dev,
# tools/bootstrap, tools/ci, tools/release, tools/rehearsal, tools/infra, ...):
# messages, exit codes, tool checks, option values, and the one reader of the
# release record (infra/live/release.json) outside Terraform. Sourced, never
# run; nothing here has a side effect at source time but setting PROG.
#
# It deliberately holds no domain logic: registries and AWS stay in
# tools/release/lib.sh, the CI glue's helpers in tools/ci/lib.sh, the
# rehearsal's processes in tools/rehearsal/lib.sh (each sources this file).
#
# The caller sets PROG, the name its messages start with, before sourcing
# (default: the script's file name). Exit codes, as every tool's --help says:
# 0 ok, 1 failure (die), 2 bad usage (usage_error, need_value).
#
#   die MESSAGE...         "PROG: error: MESSAGE" on stderr, exit 1.
#   usage_error MESSAGE... "PROG: MESSAGE (see --help)" on stderr, exit 2.
#   say MESSAGE...         "PROG: MESSAGE" on stderr: progress of a CI step,
#                          kept off stdout, which carries the step's result.
#   step MESSAGE...        "==> MESSAGE" on stdout: progress of a developer
#                          command (bootstrap, dev, the rehearsal).
#   require CMD WHAT       returns when CMD is on PATH, else dies with
#                          "'CMD' not found: apt-get install WHAT" when WHAT is
#                          a Debian package name, "install WHAT" when it is
#                          free text; REQUIRE_HINT, when set, follows in
#                          parentheses (where the project installs it from).
#   need_value "$@"        in an option loop: returns when the option in $1
#                          has a non-empty value in $2, else exits 2 with
#                          "PROG: OPTION needs a value (see --help)". It prints
#                          nothing: the caller takes "$2" and shifts 2,
#                              --out) need_value "$@"; out="$2"; shift 2 ;;
#                          (never `x="$(need_value ...)"`: that is empty).
#   release_field FILE KEY the string value of top-level KEY of a release
#                          record, on stdout; dies when FILE is not JSON or
#                          KEY is missing or not a string.
#   release_digest FILE    the record's image_digest, checked to be
#                          sha256:<64 hex>, on stdout; dies otherwise.
#                          tools/ci/record-digest.sh prints it for workflow
#                          steps and for tools/release/audit.py.
#
# tools/lib/one-definition (run by tools/dev test) fails when another script
# defines one of these functions again.

PROG="${PROG:-${0##*/}}"

die() {
  printf '%s: error: %s\n' "${PROG}" "$*" >&2
  exit 1
}

usage_error() {
  printf '%s: %s (see --help)\n' "${PROG}" "$*" >&2
  exit 2
}

say() { printf '%s: %s\n' "${PROG}" "$*" >&2; }

step() { printf '==> %s\n' "$*"; }

require() {
  command -v "$1" >/dev/null 2>&1 && return 0
  local how="install $2"
  [[ $2 =~ ^[a-z0-9][a-z0-9.+-]*$ ]] && how="apt-get install $2"
  die "'$1' not found: ${how}${REQUIRE_HINT:+ (${REQUIRE_HINT})}"
}

need_value() {
  [[ $# -ge 2 && -n $2 ]] || usage_error "$1 needs a value"
}

release_field() {
  local value
  require python3 python3
  value="$(python3 -c 'import json, sys
value = json.load(open(sys.argv[1], encoding="utf-8"))[sys.argv[2]]
if not isinstance(value, str):
    sys.exit(1)
print(value)' "$1" "$2" 2>/dev/null)" || die "cannot read $2 from $1"
  printf '%s\n' "${value}"
}

release_digest() {
  local digest
  digest="$(release_field "$1" image_digest)" || exit 1
  [[ ${digest} =~ ^sha256:[0-9a-f]{64}$ ]] || die "$1: image_digest '${digest}' is not sha256:<64 hex>"
  printf '%s\n' "${digest}"
}
