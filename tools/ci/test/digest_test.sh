#!/usr/bin/env bash
# record-digest (from a file and at a git revision), check-built-digest and
# guard-digest against a release record, a build's digest file and a stub
# skopeo serving known manifest bytes.
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/digest.XXXXXX")"
STUBS="${T}/bin"

manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}'
good="sha256:$(printf '%s' "${manifest}" | sha256sum | cut -d' ' -f1)"
other="sha256:$(printf 'other' | sha256sum | cut -d' ' -f1)"
printf '{"service": "api", "image_digest": "%s", "sbom_sha256": "x"}\n' "${good}" >"${T}/release.json"
printf '{"image_digest": "sha256:ABC"}\n' >"${T}/bad.json"

expect 0 "record-digest prints the recorded digest" "${CI}/record-digest.sh" --record "${T}/release.json"
check "record-digest prints exactly the digest" test "${OUT}" = "${good}"
expect 1 "record-digest refuses a malformed digest" "${CI}/record-digest.sh" --record "${T}/bad.json"
expect 1 "record-digest: missing record" "${CI}/record-digest.sh" --record "${T}/none.json"

# --rev: the record at a git revision of the repository in the working directory.
repo="${T}/repo"
git init -q "${repo}"
mkdir -p "${repo}/infra/live"
gitc() { git -C "${repo}" -c user.name=t -c user.email=t@t "$@"; }
in_repo() { (cd "${repo}" && "$@"); }
gitc commit -q --allow-empty -m "no record yet"
gitc tag v0.1.0
cp "${T}/release.json" "${repo}/infra/live/release.json"
gitc add -A && gitc commit -q -m "record good"
gitc tag v1.0.0
cp "${T}/bad.json" "${repo}/infra/live/release.json"
gitc commit -q -am "record a malformed digest"
expect 0 "record-digest --rev: the record at a tag" in_repo "${CI}/record-digest.sh" --rev v1.0.0
check "record-digest --rev prints exactly the tag's digest" test "${OUT}" = "${good}"
expect 1 "record-digest --rev: the malformed record at HEAD" in_repo "${CI}/record-digest.sh" --rev HEAD
expect 1 "record-digest --rev: a revision without a record" in_repo "${CI}/record-digest.sh" --rev v0.1.0
expect_output "v0.1.0 has no infra/live/release.json" "record-digest --rev names the revision without a record"
expect 1 "record-digest --rev: no such revision" in_repo "${CI}/record-digest.sh" --rev v9.9.9
expect_output "no commit 'v9.9.9'" "record-digest --rev names the missing revision"
expect 2 "record-digest: --record and --rev together" "${CI}/record-digest.sh" --record "${T}/release.json" --rev v1.0.0

printf '%s\n' "${good}" >"${T}/image.digest"
expect 0 "check-built-digest: equal" "${CI}/check-built-digest.sh" --digest-file "${T}/image.digest" --record "${T}/release.json"
printf '%s\n' "${other}" >"${T}/image.digest"
printf 'gcc-12=12.2.0-14+deb12u1 digest-input\nlibc6-dev=2.36-9+deb12u14 digest-input\nfile\n' >"${T}/pins.txt"
expect 1 "check-built-digest: different" "${CI}/check-built-digest.sh" --digest-file "${T}/image.digest" --record "${T}/release.json" --packages "${T}/pins.txt"
expect_output "bazel run //tools/release:record" "check-built-digest says how to fix it"
expect 1 "check-built-digest: no build" "${CI}/check-built-digest.sh" --digest-file "${T}/none" --record "${T}/release.json"

# Why they differ: the record's toolchain against what dpkg (a stub serving
# $T/installed, `package version` lines) reports and the digest-input pins.
printf '{"service": "api", "image_digest": "%s", "sbom_sha256": "x", "toolchain": {"gcc-12": "12.2.0-14+deb12u1", "libc6-dev": "2.36-9+deb12u14"}}\n' \
  "${good}" >"${T}/release-tc.json"
printf 'gcc-12=12.2.0-14+deb12u1 digest-input\nlibc6-dev=2.36-9+deb12u15 digest-input\nfile\n' >"${T}/pins-bumped.txt"
stub dpkg-query "
for a in \"\$@\"; do pkg=\$a; done
v=\$(awk -v p=\"\${pkg}\" '\$1 == p {print \$2}' '${T}/installed')
[[ -n \${v} ]] || exit 1
printf 'ii %s' \"\${v}\""
export PATH="${STUBS}:${PATH}"
built_digest() { "${CI}/check-built-digest.sh" --digest-file "${T}/image.digest" --record "${T}/release-tc.json" "$@"; }

printf 'gcc-12 12.2.0-14+deb12u1\nlibc6-dev 2.36-9+deb12u14\n' >"${T}/installed"
expect 1 "check-built-digest: same toolchain, other digest" built_digest --packages "${T}/pins.txt"
expect_output "toolchain is the recorded one (2 packages), so the sources changed" "check-built-digest: the sources changed"
expect_output "bazel run //tools/release:record" "check-built-digest: ... and records again"

printf 'gcc-12 12.2.0-14+deb12u1\nlibc6-dev 2.36-9+deb12u15\n' >"${T}/installed"
expect 1 "check-built-digest: a point release under unchanged pins" built_digest --packages "${T}/pins.txt"
expect_output "libc6-dev: recorded 2.36-9+deb12u14, installed 2.36-9+deb12u15, pinned 2.36-9+deb12u14" \
  "check-built-digest names the package, recorded, installed and pinned version"
expect_output "run tools/bootstrap" "check-built-digest: off the pins, bootstrap fixes it"
check "check-built-digest does not blame the sources" test "${OUT}" = "${OUT/sources changed/}"
check "check-built-digest names only the package that changed" test "${OUT}" = "${OUT/gcc-12:/}"

expect 1 "check-built-digest: a pin bumped since the record" built_digest --packages "${T}/pins-bumped.txt"
expect_output "libc6-dev: recorded 2.36-9+deb12u14, installed 2.36-9+deb12u15, pinned 2.36-9+deb12u15" \
  "check-built-digest names the bumped package"
expect_output "moved since the record" "check-built-digest: the pins moved, a new record fixes it"
expect_output "bazel run //tools/release:record" "check-built-digest says what to run after a bump"

printf 'gcc-12 12.2.0-14+deb12u1\n' >"${T}/installed"
expect 1 "check-built-digest: a recorded package no longer installed" built_digest --packages "${T}/pins.txt"
expect_output "libc6-dev: recorded 2.36-9+deb12u14, installed none" "check-built-digest names the missing package"

expect 1 "check-built-digest: a record without a toolchain" "${CI}/check-built-digest.sh" \
  --digest-file "${T}/image.digest" --record "${T}/release.json" --packages "${T}/pins.txt"
expect_output "record names no toolchain" "check-built-digest says the record cannot tell"
printf '%s\n' "${good}" >"${T}/image.digest"
printf 'gcc-12 12.2.0-14+deb12u2\n' >"${T}/installed"
expect 0 "check-built-digest: equal digests pass whatever the toolchain" built_digest --packages "${T}/pins.txt"

# skopeo stub: serves MANIFEST at docker://dev.example/api@<good>, fails otherwise;
# SKOPEO_LIE=1 serves other bytes (a registry answering with the wrong manifest).
stub skopeo "
[[ \$1 == inspect && \$2 == --raw ]] || exit 64
for a in \"\$@\"; do ref=\$a; done
if [[ \${SKOPEO_LIE:-0} == 1 ]]; then printf other; exit 0; fi
[[ \${ref} == docker://dev.example/api@${good} ]] || { echo 'manifest unknown' >&2; exit 1; }
printf '%s' '${manifest}'"
expect 0 "guard-digest: present (digest from the record)" "${CI}/guard-digest.sh" --repo dev.example/api --record "${T}/release.json"
expect 1 "guard-digest: absent" "${CI}/guard-digest.sh" --repo dev.example/api --digest "${other}"
expect_output "not found" "guard-digest names the missing manifest"
SKOPEO_LIE=1 expect 1 "guard-digest: bytes that do not hash to the digest" "${CI}/guard-digest.sh" --repo dev.example/api --digest "${good}"
expect 2 "guard-digest: a tag is not a digest" "${CI}/guard-digest.sh" --repo dev.example/api --digest latest
expect 2 "guard-digest: repo with a digest" "${CI}/guard-digest.sh" --repo "dev.example/api@${good}"
finish
