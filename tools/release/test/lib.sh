#!/usr/bin/env bash
# shellcheck disable=SC2034 # RELEASE, REGISTRY, MOTO_URL, API_URL, *_PATH: for the tests that source this
# lib.sh - shared by the tools/release tests: the tools under test, the real
# servers they talk to (Distribution registries, moto's ECS, the API itself),
# each on a free loopback port and stopped on exit, and assertions. Sourced,
# never run. Builds on the image tests' helpers (fail, require_tool,
# scratch_dir, free_port, skopeo_local).
# shellcheck source=services/api/test/image/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/services/api/test/image/lib.sh"

RELEASE="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release"
SCRATCH="$(scratch_dir)"
export TMPDIR="${SCRATCH}"

# Everything started here is stopped on exit, by pid.
PIDS=()
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
  done
}
trap stop_all EXIT

# wait_port PORT PID LOG: until something listens on PORT (10 s at most).
wait_port() {
  local _
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || fail "server exited: $(cat "$3")"
    sleep 0.1
  done
  fail "nothing listens on 127.0.0.1:$1 after 10 s: $(cat "$3")"
}

# start_registry NAME: a Distribution registry on loopback; sets REGISTRY
# to its host:port.
start_registry() {
  require_tool docker-registry docker-registry
  local name="$1" port dir
  port="$(free_port)"
  dir="${SCRATCH}/registry-${name}"
  mkdir -p "${dir}"
  cat >"${dir}/config.yml" <<EOF_CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${dir}/storage
http:
  addr: 127.0.0.1:${port}
EOF_CONFIG
  docker-registry serve "${dir}/config.yml" >"${dir}/log" 2>&1 &
  PIDS+=($!)
  wait_port "${port}" "$!" "${dir}/log"
  REGISTRY="127.0.0.1:${port}"
}

# start_moto MOTO_SERVER NAME: moto's server on loopback (one per "account");
# sets MOTO_URL. AWS credentials and region are dummies for the aws CLI.
start_moto() {
  local server="$1" name="$2" port
  port="$(free_port)"
  "${server}" -H 127.0.0.1 -p "${port}" >"${SCRATCH}/moto-${name}.log" 2>&1 &
  PIDS+=($!)
  wait_port "${port}" "$!" "${SCRATCH}/moto-${name}.log"
  MOTO_URL="http://127.0.0.1:${port}"
}
# setup_aws: Debian's aws CLI (v2) as REAL_AWS, whatever else is on PATH
# (pyenv or pip may put another `aws` first), and two PATHs for the tools
# under test: REAL_PATH finds it as `aws`; DOUBLE_PATH finds
# test/ecs_double.sh as `aws`, which calls it.
setup_aws() {
  REAL_AWS=/usr/bin/aws
  [[ -x ${REAL_AWS} ]] ||
    fail "${REAL_AWS} not found: apt-get install awscli (tools/dev bootstrap installs it)"
  mkdir -p "${SCRATCH}/aws-real" "${SCRATCH}/aws-double"
  ln -sf "${REAL_AWS}" "${SCRATCH}/aws-real/aws"
  ln -sf "${RELEASE}/test/ecs_double.sh" "${SCRATCH}/aws-double/aws"
  REAL_PATH="${SCRATCH}/aws-real:${PATH}"
  DOUBLE_PATH="${SCRATCH}/aws-double:${PATH}"
  export REAL_AWS ECS_DOUBLE=passthrough ECS_DOUBLE_STATE="${SCRATCH}/ecs-double-polls"
  echo "aws CLI: $("${REAL_AWS}" --version)"
}
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_PAGER=""

# start_api API_BINARY ENV STAGE VERSION DIGEST: the service as a task would
# run it; sets API_URL.
start_api() {
  local port
  port="$(free_port)"
  env -i PORT="${port}" APP_ENV="$2" API_STAGE="$3" APP_VERSION="$4" IMAGE_DIGEST="$5" \
    "$1" >"${SCRATCH}/api.log" 2>&1 &
  PIDS+=($!)
  wait_port "${port}" "$!" "${SCRATCH}/api.log"
  API_URL="http://127.0.0.1:${port}"
}

# oci_layout DIR TEXT: a one-layer OCI image layout whose layer holds TEXT;
# prints its manifest digest.
oci_layout() {
  python3 - "$1" "$2" <<'EOF_PY'
import gzip, hashlib, io, json, os, sys, tarfile
out, text = sys.argv[1], sys.argv[2].encode()
os.makedirs(os.path.join(out, "blobs", "sha256"))
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(out, "blobs", "sha256", h), "wb").write(data)
    return "sha256:" + h, len(data)
tar = io.BytesIO()
with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as t:
    info = tarfile.TarInfo("release.txt")
    info.size, info.mtime = len(text), 0
    t.addfile(info, io.BytesIO(text))
raw = tar.getvalue()
layer, layer_size = blob(gzip.compress(raw, mtime=0))
config, config_size = blob(json.dumps({
    "architecture": "amd64", "os": "linux", "config": {},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
}).encode())
manifest, manifest_size = blob(json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": config_size},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer, "size": layer_size}],
}).encode())
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(out, "oci-layout"), "w"))
json.dump({"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest, "size": manifest_size}]},
    open(os.path.join(out, "index.json"), "w"))
print(manifest)
EOF_PY
}

# ---------------------------------------------------------------- asserts

CASES=0
# expect EXIT_CODE DESCRIPTION COMMAND...: runs COMMAND, output in
# ${SCRATCH}/out (stdout) and ${SCRATCH}/err (stderr); fails unless it
# exits EXIT_CODE ("nonzero" for any failure).
expect() {
  local want="$1" what="$2" rc=0
  shift 2
  CASES=$((CASES + 1))
  "$@" >"${SCRATCH}/out" 2>"${SCRATCH}/err" || rc=$?
  if [[ ${want} == nonzero && ${rc} -ne 0 ]] || [[ ${want} == "${rc}" ]]; then
    printf 'ok   %s (exit %d)\n' "${what}" "${rc}"
    return 0
  fi
  printf -- '--- stdout\n%s\n--- stderr\n%s\n' "$(cat "${SCRATCH}/out")" "$(cat "${SCRATCH}/err")" >&2
  fail "${what}: exit ${rc}, want ${want}"
}

# said PATTERN [FILE]: the last command's stderr (or FILE) matches PATTERN.
said() {
  grep -qE -- "$1" "${2:-${SCRATCH}/err}" ||
    fail "expected /$1/ in ${2:-stderr}: $(cat "${2:-${SCRATCH}/err}")"
}

done_cases() { printf 'all %d cases passed\n' "${CASES}"; }
