#!/usr/bin/env bash
# push_promote_test: push and promote against two real Distribution
# registries (Debian's docker-registry) on loopback, "dev" and "prod".
# - push uploads the built layout by digest and tags it; the registry serves
#   the very manifest bytes that hash to the built digest;
# - pushing again with the same tag is a no-op that succeeds;
# - pushing another image under a taken tag is refused, and the tag still
#   points to the first digest (immutability);
# - promote copies dev@digest to prod with the digest preserved byte for
#   byte, and refuses a digest dev does not have;
# - bad arguments (a tag for a repo, --insecure to a remote host, a short
#   digest) exit 2 before touching anything.
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

digest_file="$1"
layout="${digest_file%.digest}"
require_tool skopeo skopeo
require_tool jq jq
require_tool python3 python3
built="$(cat "${digest_file}")"
sha=0123456789abcdef0123456789abcdef01234567 # a git SHA as tag

start_registry dev
dev="${REGISTRY}/api"
start_registry prod
prod="${REGISTRY}/api"

expect 0 "push the built layout to dev, tag ${sha:0:8}" \
  "${RELEASE}/push.sh" --layout "${layout}" --to "${dev}" --tag "${sha}" --insecure
[[ "$(cat "${SCRATCH}/out")" == "${built}" ]] || fail "push printed '$(cat "${SCRATCH}/out")', want ${built}"
by_tag="$(skopeo inspect --tls-verify=false --raw "docker://${dev}:${sha}" | sha256sum | cut -d' ' -f1)"
[[ "sha256:${by_tag}" == "${built}" ]] || fail "dev:${sha} serves bytes hashing to sha256:${by_tag}, built ${built}"

expect 0 "push again with the same tag and digest (idempotent)" \
  "${RELEASE}/push.sh" --layout "${layout}" --to "${dev}" --tag "${sha}" --insecure
said "already points to ${built}"

# Another image: the same layout with one manifest annotation more, so
# another digest (the blobs are shared).
other="${SCRATCH}/other-layout"
cp -rL "${layout}" "${other}"
chmod -R u+w "${other}"
manifest="$(jq -c '.annotations = ((.annotations // {}) + {"test": "another image"})' \
  "${other}/blobs/sha256/${built#sha256:}")"
other_hex="$(printf '%s' "${manifest}" | sha256sum | cut -d' ' -f1)"
printf '%s' "${manifest}" >"${other}/blobs/sha256/${other_hex}"
jq --arg d "sha256:${other_hex}" --argjson n "$(printf '%s' "${manifest}" | wc -c)" \
  '.manifests[0].digest = $d | .manifests[0].size = $n' "${layout}/index.json" >"${other}/index.json"

expect 1 "push another image under the taken tag is refused" \
  "${RELEASE}/push.sh" --layout "${other}" --to "${dev}" --tag "${sha}" --insecure
said "already points to ${built}.*immutable"
now="$(skopeo inspect --tls-verify=false --raw "docker://${dev}:${sha}" | sha256sum | cut -d' ' -f1)"
[[ "sha256:${now}" == "${built}" ]] || fail "the refused push moved the tag to sha256:${now}"
expect 0 "push another image under a new tag" \
  "${RELEASE}/push.sh" --layout "${other}" --to "${dev}" --tag other --insecure
[[ "$(cat "${SCRATCH}/out")" == "sha256:${other_hex}" ]] || fail "push of the other image printed $(cat "${SCRATCH}/out")"

expect 0 "promote dev@digest to prod" \
  "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" --digest "${built}" --tag "${sha}" --insecure
said "verified"
skopeo inspect --tls-verify=false --raw "docker://${dev}@${built}" >"${SCRATCH}/dev.manifest"
skopeo inspect --tls-verify=false --raw "docker://${prod}@${built}" >"${SCRATCH}/prod.manifest"
cmp "${SCRATCH}/dev.manifest" "${SCRATCH}/prod.manifest" || fail "prod's manifest bytes differ from dev's"
[[ "sha256:$(sha256sum <"${SCRATCH}/prod.manifest" | cut -d' ' -f1)" == "${built}" ]] ||
  fail "prod's manifest does not hash to ${built}"
prod_tag="$(skopeo inspect --tls-verify=false --raw "docker://${prod}:${sha}" | sha256sum | cut -d' ' -f1)"
[[ "sha256:${prod_tag}" == "${built}" ]] || fail "prod:${sha} points to sha256:${prod_tag}"
echo "dev and prod serve identical manifest bytes: ${built}"

expect 0 "promote again (idempotent)" \
  "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" --digest "${built}" --tag "${sha}" --insecure
expect 1 "promote under a prod tag taken by another digest is refused" \
  "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" --digest "sha256:${other_hex}" --tag "${sha}" --insecure
said "immutable"
absent="sha256:$(printf 'absent' | sha256sum | cut -d' ' -f1)"
expect 1 "promote a digest dev does not have" \
  "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" --digest "${absent}" --insecure
said "is not in ${dev}"
expect 1 "push to a registry that is not there" \
  "${RELEASE}/push.sh" --layout "${layout}" --to "127.0.0.1:1/api" --tag "${sha}" --insecure
said "cannot read"

expect 2 "push --to with a tag" "${RELEASE}/push.sh" --layout "${layout}" --to "${dev}:latest" --tag x --insecure
expect 2 "push --insecure to a remote host" "${RELEASE}/push.sh" --layout "${layout}" --to registry.example/api --tag x --insecure
said "loopback"
expect 2 "promote a malformed digest" "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" --digest sha256:abc --insecure
expect 2 "promote a tag instead of a digest" "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" --digest latest --insecure
expect 1 "push a directory that is no OCI layout" "${RELEASE}/push.sh" --layout "${SCRATCH}" --to "${dev}" --tag x --insecure
said "not an OCI image layout"
expect 0 "push --help" "${RELEASE}/push.sh" --help
said "Usage: push" "${SCRATCH}/out"
expect 0 "promote --help" "${RELEASE}/promote.sh" --help
said "Usage: promote" "${SCRATCH}/out"
done_cases
