#!/usr/bin/env bash
# release_record_test: infra/live/release.json must name the image and SBOM
# that the sources build now. Both AWS accounts deploy the recorded digest,
# so a stale record would ship something other than what was tested. Its
# "toolchain" must be the pinned digest inputs this build was made with
# (@pins//:toolchain.txt: package, pinned, installed), or a point release
# would change the digest with nothing in the record to say why.
set -euo pipefail

record="$1" digest_file="$2" sbom_file="$3" toolchain_file="$4"

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  echo 'Run: bazel run //tools/release:record, then commit infra/live/release.json.' >&2
  exit 1
}

# The record is read as every tool outside Terraform reads it:
# release_field and release_digest of tools/lib/cli.sh.
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="release_record_test"
# shellcheck source=tools/lib/cli.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/lib/cli.sh"

built_digest="$(cat "${digest_file}")"
built_sbom="$(sha256sum "${sbom_file}" | cut -d' ' -f1)"
[[ "$(release_field "${record}" service)" == "api" ]] || fail "release.json: \"service\" must be \"api\""
recorded_digest="$(release_digest "${record}")" ||
  fail "release.json: image_digest is not sha256:<64 hex> (message above)"
recorded_sbom="$(release_field "${record}" sbom_sha256)" || fail "release.json: no sbom_sha256"

if [[ ${recorded_digest} != "${built_digest}" ]]; then
  fail "the recorded image digest is stale
  recorded (infra/live/release.json): ${recorded_digest}
  built (//services/api:image):       ${built_digest}"
fi
if [[ ${recorded_sbom} != "${built_sbom}" ]]; then
  fail "the recorded SBOM sha256 is stale
  recorded: ${recorded_sbom}
  built:    ${built_sbom}"
fi
indent() { printf '%s\n' "$1" | sed 's/^/    /'; }

# The record's toolchain, as `package version` lines, against the build's.
recorded_toolchain="$(python3 -c 'import json, sys
toolchain = json.load(open(sys.argv[1], encoding="utf-8")).get("toolchain")
if not isinstance(toolchain, dict) or not toolchain:
    sys.exit("release.json has no \"toolchain\" object")
for name in sorted(toolchain):
    print(name, toolchain[name])' "${record}")" || fail "release.json: no toolchain (message above)"
while read -r pkg pinned installed; do
  [[ ${installed} == "${pinned}" ]] ||
    fail "${pkg} is pinned ${pinned} in tools/deps/debian-packages.txt but ${installed} is installed: run tools/bootstrap"
done <"${toolchain_file}"
built_toolchain="$(awk '{print $1, $2}' "${toolchain_file}" | sort)"
if [[ ${recorded_toolchain} != "${built_toolchain}" ]]; then
  fail "the recorded toolchain is not the pinned one
  recorded (infra/live/release.json):
$(indent "${recorded_toolchain}")
  pinned (tools/deps/debian-packages.txt, digest-input):
$(indent "${built_toolchain}")"
fi
echo "release.json matches the build: ${built_digest}, toolchain of $(grep -c . "${toolchain_file}") packages"
