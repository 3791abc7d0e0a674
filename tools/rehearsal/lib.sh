#!/usr/bin/env bash
# lib.sh - the parts of the local rehearsal (tools/dev up): Distribution
# registries standing in for the two ECRs, tasks run from their image's
# rootfs under bubblewrap standing in for Fargate, nginx standing in for API
# Gateway. Every process started here writes a PID file under the state
# directory, and only those PIDs are ever stopped. Sourced, never run.

REHEARSAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
UP_STATE="${UP_STATE:-${REHEARSAL_ROOT}/.state/up}"

PROG="${PROG:-rehearsal}"
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (require)
REQUIRE_HINT="tools/dev bootstrap installs it"
# die, require, step: tools/lib/cli.sh.
# shellcheck source=tools/lib/cli.sh
source "${REHEARSAL_ROOT}/tools/lib/cli.sh"

# Ports for the rehearsal's listeners. A task slot's port is handed out when
# its account starts and bound only when a task lands on it, minutes or more
# later, so two rules hold for every port handed out here:
# - never twice in one rehearsal (${UP_STATE}/ports lists what was handed out):
#   bind(0) can hand the same free port out again once its probe socket is
#   closed, and a dev task on a prod slot would answer prod's health checks;
# - never from the kernel's ephemeral range: an outbound connection may take
#   a free port there as its source port, and a task could not bind it then.
rh_free_ports() { # rh_free_ports N: prints N free ports, one per line
  mkdir -p "${UP_STATE}"
  python3 - "$1" "${UP_STATE}/ports" <<'EOF_PY'
import fcntl, random, socket, sys

count, record = int(sys.argv[1]), sys.argv[2]
with open("/proc/sys/net/ipv4/ip_local_port_range") as source:
    low, high = map(int, source.read().split())
pool = [port for port in range(10000, 65536) if not low <= port <= high]
random.shuffle(pool)
with open(record, "a+") as book:
    fcntl.flock(book, fcntl.LOCK_EX)  # accounts start concurrently
    book.seek(0)
    taken = {int(line) for line in book if line.strip()}
    held, ports = [], []
    for port in (p for p in pool if p not in taken):
        if len(ports) == count:
            break
        probe = socket.socket()
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            probe.close()
            continue
        held.append(probe)
        ports.append(port)
    if len(ports) < count:
        sys.exit("rehearsal: only %d free ports outside the ephemeral range %d-%d" % (len(ports), low, high))
    book.write("".join("%d\n" % port for port in ports))
print("\n".join(map(str, ports)))
EOF_PY
}

rh_free_port() { rh_free_ports 1; }

rh_port_accepts() { # rh_port_accepts PORT: succeeds when something accepts on it
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.5)" 2>/dev/null
}

rh_port_unused() { # rh_port_unused PORT: fails, saying so, when something accepts on it
  if rh_port_accepts "$1"; then
    echo "port $1 already accepts connections: another process listens on it" >&2
    return 1
  fi
}

rh_wait_port() { # rh_wait_port PORT PID WHAT: until PORT accepts or PID dies (10 s)
  local i
  for i in $(seq 1 100); do
    rh_port_accepts "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  [[ ${i} -lt 100 ]]
}

# ---- PID files: the only way the rehearsal finds what it started.

rh_running() { # rh_running NAME: prints the PID if NAME runs
  local pid
  [[ -f ${UP_STATE}/${1}.pid ]] || return 1
  pid="$(cat "${UP_STATE}/${1}.pid")"
  kill -0 "${pid}" 2>/dev/null || return 1
  echo "${pid}"
}

rh_stop() { # rh_stop NAME: SIGTERM, wait up to 15 s, then SIGKILL
  local pid
  if pid="$(rh_running "$1")"; then
    kill -TERM "${pid}" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${pid}" 2>/dev/null; then
      kill -KILL "${pid}" 2>/dev/null || true
      printf '    %s (pid %s) ignored SIGTERM for 15 s: killed\n' "$1" "${pid}" >&2
    fi
  fi
  rm -f "${UP_STATE}/${1}.pid"
}

# ---- Registries: Debian's docker-registry (CNCF Distribution) on loopback.

rh_registry_start() { # rh_registry_start NAME: prints host:port
  local name="registry-$1" dir="${UP_STATE}/registry-$1" port pid
  if pid="$(rh_running "${name}")"; then
    cat "${dir}/address"
    return 0
  fi
  mkdir -p "${dir}/storage"
  port="$(rh_free_port)"
  cat >"${dir}/config.yml" <<EOF_CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${dir}/storage
  delete:
    enabled: false
http:
  addr: 127.0.0.1:${port}
EOF_CONFIG
  docker-registry serve "${dir}/config.yml" >"${dir}/log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/${name}.pid"
  rh_wait_port "${port}" "${pid}" || die "registry $1 did not start: $(tail -5 "${dir}/log")"
  echo "127.0.0.1:${port}" | tee "${dir}/address"
}

# ---- Tasks: pull by digest, unpack, run the entrypoint from its own rootfs.

rh_skopeo() {
  local policy="${UP_STATE}/skopeo-policy.json"
  [[ -f ${policy} ]] || printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"${policy}"
  skopeo --policy "${policy}" "$@"
}

# Like a Fargate task: the image comes from the registry by digest (never by
# tag); the rootfs is read-only, the process runs as the image's user with
# only the environment the task definition gives it, plus PORT: a slot port
# stands in for the task's own IP, so PORT is the slot's. No
# --die-with-parent: the PID file is what ties the task to `tools/dev down`.
# Returns 3 when the image cannot be pulled (ECS's CannotPullContainerError),
# 1 when it pulled but did not start.
rh_task_start() { # rh_task_start NAME IMAGE_REF(repo@sha256:…) PORT [VAR=VALUE...]
  local name="$1" ref="$2" port="$3" dir pid user pair
  local -a env=()
  shift 3
  for pair in "$@"; do
    [[ ${pair%%=*} == PORT ]] && continue
    env+=(--setenv "${pair%%=*}" "${pair#*=}")
  done
  dir="${UP_STATE}/${name}"
  rh_task_stop "${name}"
  rm -rf "${dir}"
  mkdir -p "${dir}"
  if ! rh_skopeo copy --quiet --src-tls-verify=false --preserve-digests \
    "docker://${ref}" "oci:${dir}/layout:task" >"${dir}/pull.log" 2>&1; then
    printf 'pull %s failed: %s\n' "${ref}" "$(tail -1 "${dir}/pull.log")" >&2
    return 3
  fi
  umoci raw unpack --image "${dir}/layout:task" "${dir}/rootfs" >/dev/null 2>&1 ||
    { echo "umoci could not unpack ${ref}" >&2; return 1; }
  mkdir "${dir}/rootfs/proc" "${dir}/rootfs/dev" # mount points, as a runtime makes them
  # Else the wait below would take the other listener's answer for this task's.
  rh_port_unused "${port}" || return 1
  user="$(rh_skopeo inspect --config "oci:${dir}/layout:task" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["config"]["User"])')"
  bwrap --ro-bind "${dir}/rootfs" / --proc /proc --dev /dev \
    --unshare-all --share-net --as-pid-1 \
    --uid "${user%%:*}" --gid "${user##*:}" --clearenv \
    "${env[@]}" --setenv PORT "${port}" \
    /app/api >"${dir}/log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/${name}.pid"
  echo "${port}" >"${UP_STATE}/${name}.port"
  echo "${ref##*@}" >"${dir}/digest"
  rh_wait_port "${port}" "${pid}" || { echo "task ${name} did not start: $(tail -5 "${dir}/log")" >&2; return 1; }
}

rh_descendant_named() { # rh_descendant_named PID COMM: first descendant with that name
  local child
  for child in $(ps -o pid= --ppid "$1"); do
    if [[ "$(cat "/proc/${child}/comm" 2>/dev/null)" == "$2" ]]; then
      echo "${child}"
      return 0
    fi
    rh_descendant_named "${child}" "$2" && return 0
  done
  return 1
}

# ECS stops a task by signalling its process; bwrap does not forward
# signals, so SIGTERM goes to the entrypoint itself (PID 1 in its sandbox,
# as in a container without an init), then we wait for bwrap to exit.
rh_task_stop() { # rh_task_stop SLOT
  local name="$1" pid inner
  if pid="$(rh_running "${name}")" && inner="$(rh_descendant_named "${pid}" api)"; then
    kill -TERM "${inner}" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rh_stop "${name}"
}

# ---- Gateway: nginx configured from the emulated accounts' API Gateway.

rh_gateway_start() { # rh_gateway_start ACCOUNT_JSON... : prints the port
  local dir="${UP_STATE}/gateway" port pid account env
  local -a args=()
  rh_stop gateway
  mkdir -p "${dir}/tmp"
  port="$(rh_free_port)"
  for account in "$@"; do
    env="$(basename "${account}" .json)"
    args+=(--account "${account}" --slots "${env}=$(cat "${UP_STATE}/account-${env}/slot-ports")")
  done
  "${RH_PYTHON}" "${REHEARSAL_ROOT}/tools/rehearsal/aws/gateway.py" nginx "${args[@]}" \
    --port "${port}" --state-dir "${dir}" >"${dir}/nginx.conf.new" ||
    die "could not render the gateway from the accounts' API Gateway"
  nginx -t -q -p "${dir}" -c "${dir}/nginx.conf.new" 2>"${dir}/check.log" ||
    die "nginx rejected the gateway configuration: $(cat "${dir}/check.log")"
  mv "${dir}/nginx.conf.new" "${dir}/nginx.conf"
  nginx -p "${dir}" -c "${dir}/nginx.conf" >"${dir}/nginx.log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/gateway.pid"
  echo "${port}" >"${dir}/port"
  rh_wait_port "${port}" "${pid}" || die "nginx did not start: $(cat "${dir}/error.log")"
  echo "${port}"
}

# ---- Emulated AWS accounts (tools/rehearsal/aws/): one moto server each,
# an OIDC issuer standing in for GitHub's.

RH_PYTHON="${XDG_CACHE_HOME:-${HOME}/.cache}/civet-api/venv/bin/python"
RH_AWS="${REHEARSAL_ROOT}/tools/rehearsal/aws"
declare -A RH_ACCOUNT_ID=([dev]=111111111111 [prod]=222222222222)
RH_REGION=eu-west-1
RH_SLOTS=4 # task slots per account: desired count (at most 2) twice, for a rollout

rh_oidc_start() { # prints the issuer's base URL
  local dir="${UP_STATE}/oidc" port pid
  if pid="$(rh_running oidc)"; then
    echo "http://127.0.0.1:$(cat "${dir}/port")"
    return 0
  fi
  mkdir -p "${dir}"
  port="$(rh_free_port)"
  "${RH_PYTHON}" "${RH_AWS}/oidc_issuer.py" serve --port "${port}" --state-dir "${dir}" >"${dir}/log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/oidc.pid"
  echo "${port}" >"${dir}/port"
  rh_wait_port "${port}" "${pid}" || die "the OIDC issuer did not start: $(tail -5 "${dir}/log")"
  echo "http://127.0.0.1:${port}"
}

rh_account_endpoint() { echo "http://127.0.0.1:$(cat "${UP_STATE}/account-$1/port")"; }
rh_account_admin() { echo "${UP_STATE}/account-$1/admin.credentials"; }

# A fresh emulated account: moto keeps everything in memory, so an account
# that was stopped is gone, and its Terraform state (in its own bucket) too.
rh_account_start() { # rh_account_start ENV ISSUER_URL REGISTRY
  local env="$1" dir="${UP_STATE}/account-$1" port pid slots
  rh_stop "account-${env}"
  rm -rf "${dir}"
  mkdir -p "${dir}"
  port="$(rh_free_port)"
  slots="$(rh_free_ports "${RH_SLOTS}" | paste -sd,)"
  echo "${slots}" >"${dir}/slot-ports"
  (cd "${RH_AWS}" && UP_STATE="${UP_STATE}" exec "${RH_PYTHON}" emulated_account.py \
    --account-id "${RH_ACCOUNT_ID[${env}]}" --port "${port}" --state-dir "${dir}" --region "${RH_REGION}" \
    --oidc-jwks-url "$2/.well-known/jwks" --registry "$3" --slot-ports "${slots}" \
    --task-runner "${REHEARSAL_ROOT}/tools/rehearsal/task") >"${dir}/log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/account-${env}.pid"
  echo "${port}" >"${dir}/port"
  rh_wait_port "${port}" "${pid}" || die "emulated account ${env} did not start: $(tail -5 "${dir}/log")"
  [[ -s ${dir}/admin.credentials ]] || die "emulated account ${env} wrote no admin credentials"
}

# The role credentials a workflow job gets: a token from the local issuer
# for REF, exchanged by tools/ci/assume-role.sh exactly as in CI.
rh_assume_role() { # rh_assume_role ENV ROLE_ARN REF PROFILE [ISSUER JOB OPTIONS...]
  local env="$1" role="$2" ref="$3" profile="$4" vars
  shift 4
  vars="$("${RH_PYTHON}" "${RH_AWS}/oidc_issuer.py" job --state-dir "${UP_STATE}/oidc" \
    --port "$(cat "${UP_STATE}/oidc/port")" --ref "${ref}" \
    --sha "$(git -C "${REHEARSAL_ROOT}" rev-parse HEAD 2>/dev/null || echo 0000000)" "$@")" || return 1
  env "${vars%%$'\n'*}" "${vars#*$'\n'}" \
    AWS_SHARED_CREDENTIALS_FILE="${UP_STATE}/aws/credentials" AWS_CONFIG_FILE="${UP_STATE}/aws/config" \
    "${REHEARSAL_ROOT}/tools/ci/assume-role.sh" --role-arn "${role}" --profile "${profile}" \
    --region "${RH_REGION}" --session-name "rehearsal-${profile}" --endpoint-url "$(rh_account_endpoint "${env}")"
}

# aws as a role (profile written by rh_assume_role) in ENV's account.
rh_aws_as() { # rh_aws_as ENV PROFILE ARGS...
  local env="$1" profile="$2"
  shift 2
  AWS_SHARED_CREDENTIALS_FILE="${UP_STATE}/aws/credentials" AWS_CONFIG_FILE="${UP_STATE}/aws/config" \
    aws --profile "${profile}" --region "${RH_REGION}" --endpoint-url "$(rh_account_endpoint "${env}")" "$@"
}

# aws as the account's administrator (the human who applies Terraform).
rh_aws_admin() { # rh_aws_admin ENV ARGS...
  local env="$1"
  shift
  AWS_SHARED_CREDENTIALS_FILE="$(rh_account_admin "${env}")" AWS_CONFIG_FILE=/dev/null \
    aws --region "${RH_REGION}" --endpoint-url "$(rh_account_endpoint "${env}")" "$@"
}

rh_account_field() { # rh_account_field ENV FIELD: from the account's read-back description
  python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print("" if v is None else v)' \
    "${UP_STATE}/accounts/$1.json" "$2"
}

# ---- The network path of the workflows (tools/dev pipeline): a CONNECT
# proxy that answers for AWS's host names with a local CA's certificates and
# forwards to the emulated accounts and their registries.

# ARGS go to aws_proxy.py (--provider-registry, --pass-through); a proxy
# already running is kept as it is. ${UP_STATE}/proxy/ca-bundle.pem is the
# system's CA bundle plus the proxy's CA, for clients that also reach real
# hosts through --pass-through.
rh_proxy_start() { # rh_proxy_start [ARGS...]: prints the proxy's URL; its CA is ${UP_STATE}/proxy/ca.pem
  local dir="${UP_STATE}/proxy" port pid env
  local -a accounts=()
  if pid="$(rh_running proxy)"; then
    echo "http://127.0.0.1:$(cat "${dir}/port")"
    return 0
  fi
  mkdir -p "${dir}"
  port="$(rh_free_port)"
  for env in dev prod; do
    accounts+=(--account "${RH_ACCOUNT_ID[${env}]}=127.0.0.1:$(cat "${UP_STATE}/account-${env}/port"),$(cat "${UP_STATE}/registry-${env}/address")")
  done
  "${RH_PYTHON}" "${RH_AWS}/aws_proxy.py" --port "${port}" --state-dir "${dir}" "${accounts[@]}" "$@" >"${dir}/log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/proxy.pid"
  echo "${port}" >"${dir}/port"
  rh_wait_port "${port}" "${pid}" || die "the AWS proxy did not start: $(tail -5 "${dir}/log")"
  [[ -s ${dir}/ca.pem ]] || die "the AWS proxy wrote no CA certificate"
  cat /etc/ssl/certs/ca-certificates.crt "${dir}/ca.pem" >"${dir}/ca-bundle.pem" 2>/dev/null ||
    cp "${dir}/ca.pem" "${dir}/ca-bundle.pem"
  echo "http://127.0.0.1:${port}"
}
