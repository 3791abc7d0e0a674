#!/usr/bin/env bash
# lib.sh - the parts of the local rehearsal (tools/dev up): Distribution
# registries standing in for the two ECRs, tasks run from their image's
# rootfs under bubblewrap standing in for Fargate, nginx standing in for API
# Gateway. Every process started here writes a PID file under the state
# directory, and only those PIDs are ever stopped. Sourced, never run.

REHEARSAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
UP_STATE="${UP_STATE:-${REHEARSAL_ROOT}/.state/up}"

rh_step() { printf '==> %s\n' "$*"; }
rh_die() {
  printf 'rehearsal: error: %s\n' "$*" >&2
  exit 1
}

rh_require() { # rh_require COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 || rh_die "$1 not found: apt-get install $2 (tools/dev bootstrap installs it)"
}

rh_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rh_wait_port() { # rh_wait_port PORT PID WHAT: until PORT accepts or PID dies (10 s)
  local i
  for i in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
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
  rh_wait_port "${port}" "${pid}" || rh_die "registry $1 did not start: $(tail -5 "${dir}/log")"
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
# only the environment the task definition would inject. No --die-with-parent:
# callers run this in $(…), whose subshell exits at once; the PID file is
# what ties the task to `tools/dev down`.
rh_task_start() { # rh_task_start SLOT ENV IMAGE_REF(repo@sha256:…) VERSION PORT
  local name="$1" env="$2" ref="$3" version="$4" port="$5" dir pid digest user
  dir="${UP_STATE}/${name}"
  digest="${ref##*@}"
  rh_task_stop "${name}"
  rm -rf "${dir}"
  mkdir -p "${dir}"
  rh_skopeo copy --quiet --src-tls-verify=false --preserve-digests \
    "docker://${ref}" "oci:${dir}/layout:task" >&2 || rh_die "pull ${ref} failed"
  umoci raw unpack --image "${dir}/layout:task" "${dir}/rootfs" >/dev/null 2>&1 ||
    rh_die "umoci could not unpack ${ref}"
  mkdir "${dir}/rootfs/proc" "${dir}/rootfs/dev" # mount points, as a runtime makes them
  user="$(rh_skopeo inspect --config "oci:${dir}/layout:task" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["config"]["User"])')"
  bwrap --ro-bind "${dir}/rootfs" / --proc /proc --dev /dev \
    --unshare-all --share-net --as-pid-1 \
    --uid "${user%%:*}" --gid "${user##*:}" --clearenv \
    --setenv PORT "${port}" --setenv API_STAGE "${env}" --setenv APP_ENV "${env}" \
    --setenv APP_VERSION "${version}" --setenv IMAGE_DIGEST "${digest}" \
    /app/api >"${dir}/log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/${name}.pid"
  echo "${port}" >"${UP_STATE}/${name}.port"
  echo "${digest}" >"${dir}/digest"
  rh_wait_port "${port}" "${pid}" || rh_die "task ${env} did not start: $(tail -5 "${dir}/log")"
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

# ---- Gateway: nginx behaving like the API Gateway REST API of infra/.

# Writes the nginx configuration for the gateway. Mirrors
# infra/modules/api_gateway: the stage prefix is stripped before
# forwarding; GET /health, /docs, /docs/*, /openapi.json are public (another
# method there has no route: 403 "Missing Authentication Token"); every other
# route needs x-api-key (403 {"message":"Forbidden"} otherwise, as API
# Gateway answers) and is throttled per key (429); an unknown stage is 403.
rh_gateway_config() { # rh_gateway_config DIR PORT "DEV_PORTS" "PROD_PORTS" API_KEY RATE BURST
  local dir="$1" port="$2" dev="" prod="" key="$5" rate="$6" burst="$7" p
  for p in $3; do dev+="server 127.0.0.1:${p} max_fails=0; "; done
  for p in $4; do prod+="server 127.0.0.1:${p} max_fails=0; "; done
  mkdir -p "${dir}/tmp"
  cat <<EOF_NGINX
# Generated by tools/rehearsal/lib.sh for tools/dev up. Do not edit.
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server_tokens off;
  # Workers may run as nobody: keep bodies in memory instead of temp files
  # under a root-owned state directory.
  proxy_max_temp_file_size 0;
  client_body_buffer_size 128k;
  log_format gateway escape=json '{"time":"\$time_iso8601","requestId":"\$request_id",'
    '"stage":"\$stage","method":"\$request_method","path":"\$request_uri",'
    '"status":\$status,"bytes":\$body_bytes_sent,"latencyMs":\$request_time,'
    '"apiKey":"\$key_state","userAgent":"\$http_user_agent"}';
  access_log ${dir}/access.log gateway;

  # The stage's VPC link to the NLB: each target group has two slots, the
  # running task's and the one a rolling deployment starts next. A slot
  # with no task refuses connections at once and nginx, like the NLB with
  # an unhealthy target, sends the request to the other slot. max_fails=0:
  # never mark a slot dead for a while, or a rolling deployment could find
  # both slots marked and answer 502 until the mark expires.
  upstream dev { ${dev}keepalive 16; }
  upstream prod { ${prod}keepalive 16; }
  proxy_next_upstream error timeout;
  proxy_next_upstream_tries 2;

  map \$http_x_api_key \$key_state { default "invalid"; "" "missing"; "${key}" "valid"; }
  # Usage plan: throttled per API key (requests without a valid key never
  # reach the limiter; they are refused first).
  limit_req_zone \$http_x_api_key zone=usage_plan:1m rate=${rate}r/s;
  limit_req_status 429;

  server {
    listen 127.0.0.1:${port};
    default_type application/json;
    set \$stage "";
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header X-Request-Id \$request_id;

    # Public routes of the stage (no key). Their only method is GET; any
    # other has no route, which API Gateway answers before the service.
    location ~ ^/(?<stage_name>dev|prod)(?<route>/health|/docs|/docs/.*|/openapi\\.json)\$ {
      set \$stage \$stage_name;
      if (\$request_method != GET) { return 403 '{"message":"Missing Authentication Token"}\n'; }
      rewrite ^/[^/]+(/.*)\$ \$1 break;
      proxy_pass http://\$stage_name;
    }
    # Everything else of the stage: {proxy+} with api_key_required.
    location ~ ^/(?<stage_name>dev|prod)(?<route>/.*)\$ {
      set \$stage \$stage_name;
      if (\$key_state != "valid") { return 403 '{"message":"Forbidden"}\n'; }
      limit_req zone=usage_plan burst=${burst} nodelay;
      error_page 429 = @throttled;
      rewrite ^/[^/]+(/.*)\$ \$1 break;
      proxy_pass http://\$stage_name;
    }
    location @throttled { return 429 '{"message":"Too Many Requests"}\n'; }
    # No such stage: API Gateway answers 403 before any route matches.
    location / { return 403 '{"message":"Missing Authentication Token"}\n'; }
  }
}
EOF_NGINX
}

rh_gateway_write() { # rh_gateway_write PORT "DEV_PORTS" "PROD_PORTS" API_KEY
  local dir="${UP_STATE}/gateway"
  mkdir -p "${dir}"
  rh_gateway_config "${dir}" "$1" "$2" "$3" "$4" "${GATEWAY_RATE:-20}" "${GATEWAY_BURST:-10}" \
    >"${dir}/nginx.conf.new"
  nginx -t -q -p "${dir}" -c "${dir}/nginx.conf.new" 2>"${dir}/check.log" ||
    rh_die "nginx rejected the gateway configuration: $(cat "${dir}/check.log")"
  mv "${dir}/nginx.conf.new" "${dir}/nginx.conf"
}

rh_gateway_start() { # rh_gateway_start "DEV_PORTS" "PROD_PORTS" API_KEY: prints port
  local dir="${UP_STATE}/gateway" port pid
  rh_stop gateway
  port="$(rh_free_port)"
  rh_gateway_write "${port}" "$@"
  nginx -p "${dir}" -c "${dir}/nginx.conf" >"${dir}/nginx.log" 2>&1 &
  pid=$!
  echo "${pid}" >"${UP_STATE}/gateway.pid"
  echo "${port}" >"${dir}/port"
  rh_wait_port "${port}" "${pid}" || rh_die "nginx did not start: $(cat "${dir}/error.log")"
  echo "${port}"
}
