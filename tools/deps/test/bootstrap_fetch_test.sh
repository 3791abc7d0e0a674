#!/usr/bin/env bash
# bootstrap_fetch_test: tools/bootstrap fetching a Debian source version that
# the archive no longer serves. Runs the real tools/bootstrap from a scratch
# checkout (the script, tools/lib/cli.sh, a one-package sources.lock, no
# packages to install, the later install steps stubbed) with a scratch
# distfiles cache, and an apt-get stub that answers `source PKG=VERSION` as
# apt does for a version missing from its indices ("E: Can not find version").
#   - without DEBIAN_SNAPSHOT_URL: exit 1, naming the package, the version and
#     exactly what to set, and nothing lands in the cache;
#   - with it, pointing at a loopback HTTP server with a pool/ layout: the
#     pinned files come from there and are verified against the lock;
#   - the snapshot serving other bytes: refused by the sha256 pin;
#   - the snapshot lacking the file: exit 1 naming the missing path;
#   - apt failing for another reason: exit 1 without blaming the archive;
#   - a package marked digest-input without a pin: refused before anything.
set -euo pipefail

# The source tree: tools/bootstrap belongs to no Bazel package, so it is
# found through the real path of a data file, as workflows_test finds
# the scripts a workflow names.
here="$(dirname "$(realpath "$1")")" # <root>/tools/deps
SRC="$(cd "${here}/../.." && pwd)"
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/bootstrap-fetch.XXXXXX")"
FAILURES=0
fail() { printf 'FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { printf 'ok: %s\n' "$*"; }
SERVER_PID=""
cleanup() { [[ -z ${SERVER_PID} ]] || kill "${SERVER_PID}" 2>/dev/null || true; }
trap cleanup EXIT

# --- a scratch checkout
R="${T}/checkout"
mkdir -p "${R}/tools/lib" "${R}/tools/deps" "${R}/tools/infra" "${R}/tools/bench" "${R}/third_party"
cp "${SRC}/tools/bootstrap" "${R}/tools/bootstrap"
cp "${SRC}/tools/lib/cli.sh" "${R}/tools/lib/cli.sh"
printf '# nothing to install\n' >"${R}/tools/deps/debian-packages.txt"
for s in tools/infra/install-tofu tools/infra/install-aws-provider tools/bench/build-peer-go; do
  printf '#!/bin/sh\nexit 0\n' >"${R}/${s}"
  chmod +x "${R}/${s}"
done
orig="fixture_9.9.orig.tar.xz" deb="fixture_9.9-9+deb12u9.debian.tar.xz"
printf 'upstream bytes\n' >"${T}/${orig}"
printf 'debian bytes\n' >"${T}/${deb}"
sha() { sha256sum "$1" | cut -d' ' -f1; }
printf 'debian  fixture  9.9-9+deb12u9  %s  %s\ndebian  fixture  9.9-9+deb12u9  %s  %s\n' \
  "${orig}" "$(sha "${T}/${orig}")" "${deb}" "$(sha "${T}/${deb}")" >"${R}/third_party/sources.lock"

# --- apt-get: `update` works, `source` answers as apt does for a version
# missing from the indices (or, with APT_BROKEN=1, fails some other way).
mkdir -p "${T}/bin"
cat >"${T}/bin/apt-get" <<'EOF_STUB'
#!/usr/bin/env bash
for a in "$@"; do
  case "${a}" in
    update) exit 0 ;;
    source) mode=source ;;
    *=*) spec="${a}" ;;
  esac
done
[[ ${mode:-} == source ]] || exit 64
if [[ ${APT_BROKEN:-0} == 1 ]]; then
  echo "E: Failed to fetch: Temporary failure resolving" >&2
  exit 100
fi
echo "E: Can not find version '${spec#*=}' of package '${spec%%=*}'" >&2
echo "E: Unable to find a source package for ${spec%%=*}" >&2
exit 100
EOF_STUB
chmod +x "${T}/bin/apt-get"

# --- a snapshot: the pool layout on a loopback HTTP server.
pool="${T}/snapshot/pool/main/f/fixture"
mkdir -p "${pool}"
cp "${T}/${orig}" "${T}/${deb}" "${pool}/"
python3 - "${T}/snapshot" "${T}/port" <<'EOF_PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
EOF_PY
SERVER_PID=$!
for _ in $(seq 100); do [[ -s ${T}/port ]] && break; sleep 0.1; done
[[ -s ${T}/port ]] || { echo "FAIL: the snapshot server did not start" >&2; exit 1; }
SNAPSHOT="http://127.0.0.1:$(cat "${T}/port")"

# run_bootstrap CACHE [VAR=VALUE...]: tools/bootstrap with a scratch cache.
run_bootstrap() {
  local cache="$1"
  shift
  rc=0
  OUT="$(env -u DEBIAN_SNAPSHOT_URL PATH="${T}/bin:${PATH}" XDG_CACHE_HOME="${cache}" \
    API_DISTFILES="${cache}/distfiles" "$@" "${R}/tools/bootstrap" 2>&1)" || rc=$?
}
holds() { # holds DESCRIPTION COMMAND...: passes when COMMAND succeeds.
  local what="$1"
  shift
  if "$@"; then pass "${what}"; else fail "${what} (exit ${rc}): ${OUT}"; fi
}
has() { if [[ ${OUT} == *"$1"* ]]; then pass "$2"; else fail "$2: '$1' not in: ${OUT}"; fi; }

run_bootstrap "${T}/c1"
holds "a version the archive dropped, no snapshot: exit 1" test "${rc}" -eq 1
has "fixture 9.9-9+deb12u9" "the error names the package and version"
has "Set DEBIAN_SNAPSHOT_URL" "the error says exactly what to set"
has "pool/main/f/fixture/" "the error says where the archive must hold the files"
holds "nothing unverified lands in the cache" test ! -e "${T}/c1/distfiles/${orig}"

run_bootstrap "${T}/c2" DEBIAN_SNAPSHOT_URL="${SNAPSHOT}/"
holds "with DEBIAN_SNAPSHOT_URL: exit 0" test "${rc}" -eq 0
has "distfiles: ${orig} verified" "the upstream archive came from the snapshot, verified"
has "distfiles: ${deb} verified" "the Debian archive came from the snapshot, verified"
holds "the cached file is the pinned one" cmp -s "${T}/c2/distfiles/${orig}" "${T}/${orig}"
run_bootstrap "${T}/c2"
holds "a second run only checks (no snapshot needed)" test "${rc}" -eq 0

printf 'tampered\n' >"${pool}/${deb}"
run_bootstrap "${T}/c3" DEBIAN_SNAPSHOT_URL="${SNAPSHOT}"
holds "a snapshot serving other bytes: exit 1" test "${rc}" -eq 1
has "sha256 mismatch for ${deb}" "the sha256 pin decides"
holds "the tampered file is not cached" test ! -e "${T}/c3/distfiles/${deb}"

rm "${pool}/${deb}"
run_bootstrap "${T}/c4" DEBIAN_SNAPSHOT_URL="${SNAPSHOT}"
holds "a snapshot without the file: exit 1" test "${rc}" -eq 1
has "DEBIAN_SNAPSHOT_URL has no pool/main/f/fixture/${deb}" "the error names the missing path"

run_bootstrap "${T}/c5" APT_BROKEN=1
holds "apt failing otherwise: exit 1" test "${rc}" -eq 1
has "apt-get source fixture=9.9-9+deb12u9 failed; see" "another apt failure points at apt's log"
holds "... and does not blame the archive" test "${OUT}" = "${OUT/DEBIAN_SNAPSHOT_URL/}"

printf 'gcc-12 digest-input\n' >"${R}/tools/deps/debian-packages.txt"
run_bootstrap "${T}/c6"
holds "an unpinned digest input: exit 1" test "${rc}" -eq 1
has "gcc-12 is marked digest-input but not pinned (want gcc-12=VERSION)" "bootstrap names the unpinned digest input"

if [[ ${FAILURES} -eq 0 ]]; then echo "all checks passed"; else echo "${FAILURES} check(s) failed" >&2; exit 1; fi
