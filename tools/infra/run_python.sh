#!/usr/bin/env bash
# Runs a Python check script of tools/infra with the pinned virtualenv's
# interpreter (@pytools//:python), for the //infra sh_tests.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: run_python.sh PYTHON SCRIPT [ARGS...]

Runs SCRIPT with PYTHON (the bootstrap virtualenv's interpreter, which has
hcl2 and checkov), passing ARGS. Fails with the command that installs the
interpreter when it is missing.
USAGE
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
esac
[[ $# -ge 2 ]] || { usage >&2; exit 2; }

python=$1 script=$2
shift 2
[[ -x ${python} ]] || { echo "run_python.sh: ${python} not found: run tools/bootstrap" >&2; exit 127; }
exec "${python}" "${script}" "$@"
