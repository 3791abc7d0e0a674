#!/usr/bin/env bash
# lib.sh - shared by the CI glue scripts of tools/ci. Sourced, never run; the
# caller sets PROG first. Errors, usage, tool checks, option values and the
# release record's digest (release_digest) come from tools/lib/cli.sh,
# sourced here. The scripts are the GitHub Actions steps of
# .github/workflows, so each one can be run (and is tested) outside GitHub.

PROG="${PROG:-ci}"
REQUIRE_HINT="tools/ci/install-release-tools.sh installs them"
# shellcheck source=tools/lib/cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"

is_digest() { [[ $1 =~ ^sha256:[0-9a-f]{64}$ ]]; }
