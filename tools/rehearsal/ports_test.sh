#!/usr/bin/env bash
# The rehearsal's port hand-out (tools/rehearsal/lib.sh): a task slot's port
# is bound long after it is handed out, so ports must never repeat within a
# rehearsal (a dev task on a prod slot would answer prod's smoke test) and
# never come from the ephemeral range an outbound connection takes its
# source port from. A task never starts on a port something listens on.
set -euo pipefail
if [[ -n ${TEST_SRCDIR:-} ]]; then
  here="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/rehearsal"
else
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fi
command -v python3 >/dev/null || { echo "python3 not found: apt-get install python3" >&2; exit 1; }
UP_STATE="$(mktemp -d "${TEST_TMPDIR:-/tmp}/ports.XXXXXX")"
export UP_STATE
export HOME="${HOME:-${TEST_TMPDIR:-/tmp}}" # lib.sh names cache paths under it
# shellcheck source=tools/rehearsal/lib.sh
source "${here}/lib.sh"

failures=0
ok() { printf 'ok: %s\n' "$1"; }
bad() { printf 'FAIL: %s\n' "$1" >&2; failures=$((failures + 1)); }
# verdict DESCRIPTION COMMAND...: the check passes when COMMAND succeeds.
verdict() {
  local what="$1"
  shift
  if "$@"; then ok "${what}"; else bad "${what}"; fi
}

is() { [[ $1 == "$2" ]]; }

read -r low high </proc/sys/net/ipv4/ip_local_port_range

# all_distinct_outside FILE COUNT: COUNT lines, all distinct, none ephemeral.
all_distinct_outside() {
  [[ $(wc -l <"$1") -eq $2 && $(sort -u "$1" | wc -l) -eq $2 ]] || return 1
  awk -v lo="${low}" -v hi="${high}" '$1 < 1024 || $1 > 65535 || ($1 >= lo && $1 <= hi) { exit 1 }' "$1"
}

rh_free_ports 64 >"${UP_STATE}/one-call"
verdict "64 ports from one call: distinct, outside the ephemeral range ${low}-${high}" \
  all_distinct_outside "${UP_STATE}/one-call" 64

# The slots of both accounts, handed out one after the other and at once.
for _ in $(seq 1 16); do rh_free_ports 4; done >"${UP_STATE}/sequential"
pids=()
for _ in 1 2 3 4; do
  rh_free_ports 8 >"${UP_STATE}/parallel.${#pids[@]}" &
  pids+=($!)
done
wait "${pids[@]}"
cat "${UP_STATE}/one-call" "${UP_STATE}/sequential" "${UP_STATE}/parallel".* >"${UP_STATE}/all"
verdict "160 ports from 21 calls (4 of them concurrent) in one rehearsal: none handed out twice" \
  all_distinct_outside "${UP_STATE}/all" $((64 + 64 + 32))
verdict "every port handed out is in \${UP_STATE}/ports" \
  cmp -s <(sort -n "${UP_STATE}/all") <(sort -n "${UP_STATE}/ports")

# A port that something listens on is never handed out, and a task refuses it.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
open(sys.argv[2], "w").close(); time.sleep(60)' "$(head -1 "${UP_STATE}/one-call")" "${UP_STATE}/listening" &
listener=$!
trap 'kill "${listener}" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [[ -e ${UP_STATE}/listening ]] && break; sleep 0.1; done
busy="$(head -1 "${UP_STATE}/one-call")"
out="$(rh_port_unused "${busy}" 2>&1)" && status=0 || status=$?
verdict "rh_port_unused refuses port ${busy}, which a listener holds, and says so (${out})" \
  is "${status} ${out}" "1 port ${busy} already accepts connections: another process listens on it"
free="$(sed -n 2p "${UP_STATE}/one-call")"
verdict "rh_port_unused accepts port ${free}, which nothing listens on" rh_port_unused "${free}"
# A rehearsal that has handed out every port but three, one of them busy:
# the next two are the other two.
mkdir -p "${UP_STATE}/other"
spare="$(sed -n 3p "${UP_STATE}/one-call")"
python3 - "${low}" "${high}" "${busy}" "${free}" "${spare}" >"${UP_STATE}/other/ports" <<'EOF_PY'
import sys
low, high, *keep = map(int, sys.argv[1:])
print("\n".join(str(p) for p in range(10000, 65536) if not low <= p <= high and p not in keep))
EOF_PY
last_two="$(UP_STATE="${UP_STATE}/other" rh_free_ports 2 | sort -n | paste -sd' ')" || true
verdict "with ${busy}, ${free} and ${spare} left, the busy one is skipped (got ${last_two})" \
  is "${last_two}" "$(printf '%s\n' "${free}" "${spare}" | sort -n | paste -sd' ')"
out="$(UP_STATE="${UP_STATE}/other" rh_free_ports 1 2>&1)" && status=0 || status=$?
verdict "when none is left, the hand-out fails and says so (${out})" \
  is "${status} ${out}" "1 rehearsal: only 0 free ports outside the ephemeral range ${low}-${high}"

if [[ ${failures} -gt 0 ]]; then
  echo "${failures} check(s) failed" >&2
  exit 1
fi
