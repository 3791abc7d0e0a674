#!/usr/bin/env bash
# image_layout_test: real OCI clients accept //services/api:image.
#   - skopeo reads the layout and reports the digest Bazel recorded;
#   - the config is the contract (user, entrypoint, port, env, epoch date,
#     nothing per-commit);
#   - umoci unpacks a rootfs whose only files are passwd, group, /tmp and the
#     stripped static binary.
# Needs skopeo and umoci (tags requires-skopeo, requires-umoci).
set -euo pipefail
# shellcheck source=services/api/test/image/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/services/api/test/image/lib.sh"

digest_file="$1"
layout="${digest_file%.digest}" # oci_image writes <name> beside <name>.digest
require_tool skopeo skopeo
require_tool umoci umoci
require_tool python3 python3
require_tool file file

expected="$(cat "${digest_file}")"
inspected="$(skopeo inspect --format '{{.Digest}}' "oci:${layout}")" ||
  fail "skopeo inspect oci:${layout} failed"
[[ ${inspected} == "${expected}" ]] ||
  fail "skopeo reports ${inspected}, Bazel recorded ${expected}"
echo "skopeo inspect: ${inspected}"

skopeo inspect --config "oci:${layout}" | python3 -c '
import json, sys
c = json.load(sys.stdin)
cfg = c["config"]
def check(what, ok):
    if not ok:
        sys.exit("FAIL: config " + what + ": " + json.dumps(c))
check("user", cfg.get("User") == "65532:65532")
check("entrypoint", cfg.get("Entrypoint") == ["/app/api"])
check("exposed port", cfg.get("ExposedPorts") == {"8080/tcp": {}})
check("env", cfg.get("Env") == ["PORT=8080"])
check("created", c.get("created") == "1970-01-01T00:00:00Z")
check("os/arch", (c.get("os"), c.get("architecture")) == ("linux", "amd64"))
labels = cfg.get("Labels", {})
check("licenses label", "org.opencontainers.image.licenses" in labels)
check("no revision label", "org.opencontainers.image.revision" not in labels)
check("no created label", "org.opencontainers.image.created" not in labels)
check("two layers", len(c["rootfs"]["diff_ids"]) == 2)
print("config: user, entrypoint, port, env, created, labels as expected")
'

scratch="$(scratch_dir)"
unpack_rootfs "${layout}" "${scratch}/rootfs"
actual="$(cd "${scratch}/rootfs" && find . -mindepth 1 -printf '%p %m %U:%G\n' | sort)"
wanted="./app 755 0:0
./app/api 555 0:0
./etc 755 0:0
./etc/group 644 0:0
./etc/passwd 644 0:0
./tmp 1777 0:0"
[[ ${actual} == "${wanted}" ]] || fail "rootfs is not what the image promises:
${actual}
expected:
${wanted}"
echo "rootfs: only /app/api, /etc/passwd, /etc/group, /tmp"
grep -q '^nonroot:x:65532:65532:' "${scratch}/rootfs/etc/passwd" || fail "no nonroot user"
kind="$(file -b "${scratch}/rootfs/app/api")"
[[ ${kind} == *"statically linked"* && ${kind} == *", stripped"* ]] ||
  fail "/app/api is not a stripped static binary: ${kind}"
echo "/app/api: ${kind}"
