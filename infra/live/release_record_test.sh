#!/usr/bin/env bash
# release_record_test: infra/live/release.json must name the image and SBOM
# that the sources build now. Both AWS accounts deploy the recorded digest,
# so a stale record would ship something other than what was tested.
set -euo pipefail

record="$1" digest_file="$2" sbom_file="$3"

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  echo 'Run: bazel run //tools/release:record, then commit infra/live/release.json.' >&2
  exit 1
}

# The record is read as every tool outside Terraform reads it:
# release_field and release_digest of tools/lib/cli.sh.
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
echo "release.json matches the build: ${built_digest}"
