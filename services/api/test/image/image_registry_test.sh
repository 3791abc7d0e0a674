#!/usr/bin/env bash
# image_registry_test: the layout pushed to a real Distribution registry
# (Debian's docker-registry, started here on a free loopback port with its
# storage in the test's temp dir) keeps its digest, read back from the
# registry. Needs docker-registry and skopeo.
set -euo pipefail
# shellcheck source=services/api/test/image/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/services/api/test/image/lib.sh"

digest_file="$1"
layout="${digest_file%.digest}" # oci_image writes <name> beside <name>.digest
require_tool docker-registry docker-registry
require_tool skopeo skopeo
require_tool python3 python3

expected="$(cat "${digest_file}")"
scratch="$(scratch_dir)"
port="$(free_port)"
cat >"${scratch}/registry.yml" <<EOF_CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${scratch}/storage
http:
  addr: 127.0.0.1:${port}
EOF_CONFIG
docker-registry serve "${scratch}/registry.yml" >"${scratch}/registry.log" 2>&1 &
registry_pid=$!
trap 'kill "${registry_pid}" 2>/dev/null || true; wait "${registry_pid}" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), 0.2)" 2>/dev/null && break
  kill -0 "${registry_pid}" 2>/dev/null || fail "docker-registry exited: $(cat "${scratch}/registry.log")"
  sleep 0.1
done

repo="127.0.0.1:${port}/api"
skopeo_local copy --quiet --preserve-digests --dest-tls-verify=false \
  "oci:${layout}" "docker://${repo}:test" || fail "skopeo copy to ${repo} failed"
by_tag="$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://${repo}:test")"
manifest_sha="sha256:$(skopeo inspect --tls-verify=false --raw "docker://${repo}@${expected}" |
  sha256sum | cut -d' ' -f1)"
echo "built:            ${expected}"
echo "registry (tag):   ${by_tag}"
echo "registry (bytes): ${manifest_sha}"
[[ ${by_tag} == "${expected}" ]] || fail "the registry reports another digest for the tag"
[[ ${manifest_sha} == "${expected}" ]] || fail "the manifest bytes in the registry hash differently"
