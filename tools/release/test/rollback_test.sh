#!/usr/bin/env bash
# rollback_test: tools/release/rollback in a real git clone (an "upstream"
# repository as origin) against a real Distribution registry standing in for
# prod's. Two releases are recorded: v1.0.0 (its image is in prod's
# registry: released) and v1.1.0 (its image never reached prod). The images
# are tiny OCI layouts (oci_layout, test/lib.sh) pushed with skopeo.
#
# - success: the new tag is on v1.0.0's commit, annotated, and the only
#   stdout line is the `git push` to run; the default --as is the next patch
#   above the highest v* tag (prerelease tags counted);
# - every refusal, each with its reason and no tag created: malformed
#   versions, a target that does not exist (and one that exists only at the
#   remote with --no-fetch), a target never released, a target whose commit
#   has no record, an --as that exists, an unreachable registry, a target
#   whose image is in prod's registry without dev's signature and "validated
#   in dev" attestation (signed here with a cosign key pair, as an auditor's
#   PEM public key verifies it); bad usage.
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

cosign_label="$1"
ROLLBACK="${RELEASE}/rollback"
require_tool git git
require_tool skopeo skopeo
require_tool python3 python3
export GIT_CONFIG_NOSYSTEM=1 HOME="${SCRATCH}" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
  GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
unset PROD_ECR_REPOSITORY PROD_SIGNATURES_REPOSITORY DEV_SIGNING_KEY
export COSIGN="${SCRATCH}/cosign" COSIGN_PASSWORD=""
ln -sf "$(readlink -f "${cosign_label}")" "${COSIGN}"
"${COSIGN}" version >/dev/null 2>&1 || fail "cosign does not run: run tools/bootstrap"

start_registry prod
prod="${REGISTRY}/api"
v1="$(oci_layout "${SCRATCH}/v1" "release one")"
v2="$(oci_layout "${SCRATCH}/v2" "release two")"
v3="$(oci_layout "${SCRATCH}/v3" "release three, copied to prod by hand")"
skopeo_local copy --quiet --preserve-digests --dest-tls-verify=false "oci:${SCRATCH}/v1" "docker://${prod}:v1" >/dev/null
skopeo_local copy --quiet --preserve-digests --dest-tls-verify=false "oci:${SCRATCH}/v3" "docker://${prod}:v3" >/dev/null
# v1 carries what release.yml verified: dev's signature and "validated in
# dev", promoted with it; v3 is in prod's registry without them.
sigs="${REGISTRY}/api-signatures"
(cd "${SCRATCH}" && "${COSIGN}" generate-key-pair >/dev/null 2>&1) || fail "cosign generate-key-pair failed"
printf '{"image_digest": "%s", "checks": [{"name": "GET /health", "ok": true}]}\n' "${v1}" >"${SCRATCH}/smoke.json"
python3 "${RELEASE}/attestation.py" validated --digest "${v1}" --cluster c --service s \
  --task-definition arn:td:1 --smoke-report "${SCRATCH}/smoke.json" --out "${SCRATCH}/validated.json"
for cmd in sign "attest --type $(python3 "${RELEASE}/attestation.py" type validated) --predicate ${SCRATCH}/validated.json"; do
  # shellcheck disable=SC2086 # cmd is the subcommand and its options
  COSIGN_REPOSITORY="${sigs}" "${COSIGN}" ${cmd} --key "${SCRATCH}/cosign.key" --tlog-upload=false --yes \
    --allow-insecure-registry --allow-http-registry "${prod}@${v1}" >/dev/null 2>&1 || fail "cosign ${cmd%% *} of v1 failed"
done
echo "prod's registry ${prod} has ${v1} (released, signed), ${v3} (unsigned), not ${v2}"

# The upstream repository: v1.0.0 and v1.1.0 each record their image;
# v0.9.0 is a commit from before release.json existed.
upstream="${SCRATCH}/upstream"
git init -q -b dev "${upstream}"
up() { git -C "${upstream}" "$@"; }
record() { # record DIGEST MESSAGE: a commit on dev recording DIGEST
  mkdir -p "${upstream}/infra/live"
  printf '{\n  "service": "api",\n  "image_digest": "%s",\n  "sbom_sha256": "%064d"\n}\n' "$1" 0 \
    >"${upstream}/infra/live/release.json"
  up add -A
  up commit -q -m "$2"
}
up commit -q --allow-empty -m "before any record"
up tag v0.9.0
record "${v1}" "release one"
c1="$(up rev-parse HEAD)"
up tag v1.0.0
record "${v2}" "release two"
up tag v1.1.0
record "${v3}" "release three, never through release.yml"
up tag v1.1.1-rc.0
up tag v1.1.1-rc.1 # a prerelease counts by its version: the default --as is v1.1.2

clone="${SCRATCH}/clone"
git clone -q "${upstream}" "${clone}"
cd "${clone}"
rb() { "${ROLLBACK}" --prod-repo "${prod}" --signatures "${sigs}" --key "${SCRATCH}/cosign.pub" --insecure "$@"; }
no_new_tag() { # the refusal created nothing
  [[ "$(git tag | sort | tr '\n' ' ')" == "v0.9.0 v1.0.0 v1.1.0 v1.1.1-rc.0 v1.1.1-rc.1 " ]] ||
    fail "a refusal created a tag: $(git tag | tr '\n' ' ')"
}

expect 0 "--help" "${ROLLBACK}" --help
said "^Usage: tools/release/rollback --to" "${SCRATCH}/out"
said "default: the next patch version above the" "${SCRATCH}/out"

# Bad usage: exit 2, nothing looked up.
expect 2 "no --to" rb
said "--to is required"
expect 2 "--to is not a version" rb --to 1.0.0
said "--to '1.0.0' is not a version"
expect 2 "--to with a leading zero" rb --to v1.00.0
expect 2 "--as is not a version" rb --to v1.0.0 --as v1.2
said "--as 'v1.2' is not a version"
expect 2 "--as equal to --to" rb --to v1.0.0 --as v1.0.0 --no-fetch
expect 2 "no --prod-repo (and no PROD_ECR_REPOSITORY)" "${ROLLBACK}" --to v1.0.0
said "--prod-repo is required"
expect 2 "no --key (and no DEV_SIGNING_KEY)" "${ROLLBACK}" --to v1.0.0 --prod-repo "${prod}" --signatures "${sigs}"
said "--key is required"
expect 2 "--prod-repo with a digest" "${ROLLBACK}" --to v1.0.0 --prod-repo "${prod}@${v1}"
expect 2 "--insecure to a remote registry" "${ROLLBACK}" --to v1.0.0 --prod-repo prod.example/api \
  --signatures prod.example/api-signatures --key "${SCRATCH}/cosign.pub" --insecure
said "loopback registries only"
expect 2 "an unknown option" rb --to v1.0.0 --bogus
no_new_tag

# Refusals: exit 1, the reason on stderr, no tag.
expect 1 "a target that does not exist" rb --to v9.9.9
said "tag v9.9.9 does not exist \(here or at origin\)"
expect 1 "a target never released (its digest is not in prod's registry)" rb --to v1.1.0
said "v1.1.0 was never released: the digest its commit records, ${v2}, is not in prod's registry ${prod}"
expect 1 "a target in prod's registry without dev's signature (not released by release.yml)" rb --to v1.1.1-rc.0
said "v1.1.1-rc.0 was not released by release.yml: .*not signed and validated .*FAIL  signature"
expect 1 "a target whose commit has no release record" rb --to v0.9.0
said "v0.9.0 has no infra/live/release.json|cannot read the digest"
expect 1 "an --as that already exists" rb --to v1.0.0 --as v1.1.0
said "tag v1.1.0 already exists: tags are never moved"
expect 1 "an unreachable registry: cannot tell, not 'never released'" \
  "${ROLLBACK}" --to v1.0.0 --prod-repo 127.0.0.1:1/api --signatures "${sigs}" --key "${SCRATCH}/cosign.pub" --insecure
said "cannot tell whether v1.0.0 was released"
no_new_tag

# A release tagged upstream after the clone: found after the fetch, not
# with --no-fetch.
up tag v1.0.1 "${c1}"
expect 1 "--no-fetch: a tag only the remote has does not exist here" rb --to v1.0.1 --no-fetch --as v5.0.0
said "tag v1.0.1 does not exist$"
git tag -d v1.0.1 >/dev/null 2>&1 || true

# Success: the default --as, on v1.0.0's commit.
expect 0 "roll back to v1.0.0 (default --as)" rb --to v1.0.0
[[ "$(cat "${SCRATCH}/out")" == "git push origin v1.1.2" ]] ||
  fail "stdout must be the one push line, got: $(cat "${SCRATCH}/out")"
said "v1.0.0 was released: prod's registry ${prod} has ${v1}, signed and validated in dev"
said "not rolled back: Terraform"
[[ "$(git rev-parse 'v1.1.2^{commit}')" == "${c1}" ]] || fail "v1.1.2 is not on v1.0.0's commit"
[[ "$(git cat-file -t v1.1.2)" == tag ]] || fail "v1.1.2 is not an annotated tag"
git cat-file -p v1.1.2 | grep -q "^Rollback of prod to v1.0.0$" || fail "v1.1.2's message: $(git cat-file -p v1.1.2)"
said "also tagged v1.0.1" # fetched from upstream: the same commit
[[ "$("${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci/record-digest.sh" --rev v1.1.2)" == "${v1}" ]] ||
  fail "the new tag's record is not v1.0.0's digest"
git ls-remote --exit-code --tags origin v1.1.2 >/dev/null 2>&1 && fail "rollback pushed the tag itself"

expect 0 "an explicit --as" rb --to v1.0.1 --as v2.0.0 --no-fetch
[[ "$(cat "${SCRATCH}/out")" == "git push origin v2.0.0" ]] || fail "stdout: $(cat "${SCRATCH}/out")"
expect 1 "the tag it just created is not created again" rb --to v1.0.0 --as v2.0.0 --no-fetch
said "tag v2.0.0 already exists"
expect 0 "PROD_ECR_REPOSITORY as the default --prod-repo" \
  env PROD_ECR_REPOSITORY="${prod}" PROD_SIGNATURES_REPOSITORY="${sigs}" DEV_SIGNING_KEY="${SCRATCH}/cosign.pub" \
  "${ROLLBACK}" --to v1.0.0 --insecure --no-fetch
[[ "$(cat "${SCRATCH}/out")" == "git push origin v2.0.1" ]] || fail "stdout: $(cat "${SCRATCH}/out")"
done_cases
