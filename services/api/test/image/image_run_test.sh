#!/usr/bin/env bash
# image_run_test: the image runs from its own rootfs. It is unpacked and its
# entrypoint started under bubblewrap as the image's user with the image's
# env, the rootfs as / (read-only) and nothing from the host but /proc and
# /dev; then GET /health is 200 and `/app/api --healthcheck` exits 0 inside
# the same sandbox, and SIGTERM stops it with exit 0. Needs bwrap, skopeo,
# umoci, curl.
set -euo pipefail
# shellcheck source=services/api/test/image/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/services/api/test/image/lib.sh"

layout="${1%.digest}" # oci_image writes <name> beside <name>.digest
require_tool bwrap bubblewrap
require_tool skopeo skopeo
require_tool umoci umoci
require_tool curl curl
require_tool python3 python3

scratch="$(scratch_dir)"
unpack_rootfs "${layout}" "${scratch}/rootfs"
# Mount points for /proc and /dev, as a container runtime creates them: the
# image has neither, and the rootfs is mounted read-only below.
mkdir "${scratch}/rootfs/proc" "${scratch}/rootfs/dev"
port="$(free_port)"

# The container's user, entrypoint and env come from the image config.
read -r user entrypoint env_port < <(skopeo inspect --config "oci:${layout}" | python3 -c '
import json, sys
c = json.load(sys.stdin)["config"]
print(c["User"], c["Entrypoint"][0], dict(e.split("=", 1) for e in c["Env"])["PORT"])')
[[ ${env_port} == 8080 ]] || fail "image env PORT is ${env_port}"

sandbox() {
  bwrap --ro-bind "${scratch}/rootfs" / --proc /proc --dev /dev \
    --unshare-all --share-net --die-with-parent \
    --uid "${user%%:*}" --gid "${user##*:}" --clearenv \
    --setenv PORT "${port}" --setenv APP_ENV imagetest --setenv API_STAGE test \
    "$@"
}

sandbox "${entrypoint}" >"${scratch}/api.log" 2>&1 &
api_pid=$!
trap 'kill "${api_pid}" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${port}/health" >"${scratch}/health.json" 2>/dev/null && break
  kill -0 "${api_pid}" 2>/dev/null || fail "the entrypoint exited: $(cat "${scratch}/api.log")"
  sleep 0.1
done
grep -q '"environment":"imagetest"' "${scratch}/health.json" ||
  fail "GET /health did not answer from the sandbox: $(cat "${scratch}/health.json" 2>/dev/null)"
echo "GET /health: $(cat "${scratch}/health.json")"

sandbox "${entrypoint}" --healthcheck || fail "/app/api --healthcheck inside the sandbox exited $?"
echo "/app/api --healthcheck: exit 0"

# ECS signals the container's process itself; bwrap does not forward
# signals, so find the entrypoint among bwrap's descendants.
entrypoint_pid() {
  local pid="$1" child
  for child in $(ps -o pid= --ppid "${pid}"); do
    if [[ "$(cat "/proc/${child}/comm" 2>/dev/null)" == "${entrypoint##*/}" ]]; then
      echo "${child}"
      return 0
    fi
    entrypoint_pid "${child}" && return 0
  done
  return 1
}
inner_pid="$(entrypoint_pid "${api_pid}")" || fail "cannot find ${entrypoint} under bwrap"
kill -TERM "${inner_pid}"
rc=0
wait "${api_pid}" || rc=$?
[[ ${rc} -eq 0 ]] || fail "SIGTERM: the entrypoint exited ${rc}: $(cat "${scratch}/api.log")"
trap - EXIT
echo "SIGTERM: exit 0"
