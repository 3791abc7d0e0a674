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

field() { # field NAME: the string value of a top-level key of the record
  sed -n "s/^ *\"$1\": *\"\\([^\"]*\\)\",\\{0,1\\} *\$/\\1/p" "${record}"
}

built_digest="$(cat "${digest_file}")"
built_sbom="$(sha256sum "${sbom_file}" | cut -d' ' -f1)"
[[ "$(field service)" == "api" ]] || fail "release.json: \"service\" must be \"api\""
recorded_digest="$(field image_digest)"
recorded_sbom="$(field sbom_sha256)"
[[ ${recorded_digest} =~ ^sha256:[0-9a-f]{64}$ ]] ||
  fail "release.json: image_digest '${recorded_digest}' is not sha256:<64 hex>"

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
