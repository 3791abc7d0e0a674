#!/usr/bin/env bash
# lib.sh - shared by the CI glue scripts of tools/ci: errors, usage, tool
# checks, option values. Sourced, never run; the caller sets PROG first.
# The scripts are the GitHub Actions steps of .github/workflows, so each one
# can be run (and is tested) outside GitHub.

PROG="${PROG:-ci}"

die() { # die MESSAGE...: one line on stderr, exit 1
  printf '%s: error: %s\n' "${PROG}" "$*" >&2
  exit 1
}

usage_error() { # usage_error MESSAGE: a bad command line, exit 2
  printf '%s: %s (see --help)\n' "${PROG}" "$*" >&2
  exit 2
}

say() { printf '%s: %s\n' "${PROG}" "$*" >&2; }

require() { # require COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 ||
    die "'$1' not found: apt-get install $2 (tools/ci/install-release-tools.sh installs them)"
}

need_value() { # need_value OPTION "$@": the option's value, or exit 2
  [[ $# -ge 2 && -n $2 ]] || usage_error "$1 needs a value"
  printf '%s' "$2"
}

is_digest() { [[ $1 =~ ^sha256:[0-9a-f]{64}$ ]]; }

# record_digest FILE: the image_digest of a release record (release.json).
record_digest() {
  local digest
  digest="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["image_digest"])' "$1" 2>/dev/null)" ||
    die "cannot read image_digest from $1"
  is_digest "${digest}" || die "$1: image_digest '${digest}' is not sha256:<64 hex>"
  printf '%s\n' "${digest}"
}
