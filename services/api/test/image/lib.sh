#!/usr/bin/env bash
# lib.sh - shared by the image tests: host-tool checks, scratch space,
# free ports and unpacking. Sourced, never run.

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

# Host tools are installed by tools/bootstrap; a missing one is a failure
# that says how to fix it, never a skip.
require_tool() { # require_tool COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 ||
    fail "$1 not found: apt-get install $2 (tools/dev bootstrap installs it)"
}

scratch_dir() {
  local dir
  dir="$(mktemp -d "${TEST_TMPDIR:-/tmp}/image-test.XXXXXX")"
  printf '%s' "${dir}"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# skopeo with its own permissive policy, so the tests do not depend on the
# host's /etc/containers/policy.json (all images here are our own).
skopeo_local() {
  local policy="${TEST_TMPDIR:-/tmp}/skopeo-policy.json"
  [[ -f ${policy} ]] || printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"${policy}"
  skopeo --policy "${policy}" "$@"
}

# umoci needs a tag; the layout we build has one manifest and no tag, so
# copy it (digest-preserving) into a tagged layout first.
unpack_rootfs() { # unpack_rootfs LAYOUT DEST_ROOTFS
  local tagged="$2.layout"
  skopeo_local copy --quiet --preserve-digests "oci:$1" "oci:${tagged}:test" >&2 ||
    fail "skopeo copy oci:$1 failed"
  umoci raw unpack --image "${tagged}:test" "$2" >&2 || fail "umoci raw unpack failed"
}
