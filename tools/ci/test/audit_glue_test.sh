#!/usr/bin/env bash
# audit.sh and audit.py --prod-release in a release: which tag prod runs and
# whether it is a rollback, in the log and the run summary. Real audit.py and
# git (a repository with release tags and origin/dev), stub skopeo (serves
# each image's manifest) and aws (prod's tasks run one digest).
#
# - a rollback tag (same commit as v1.0.0, origin/dev records a later image):
#   OK, "rollback", the tag in the summary's heading;
# - a release of what dev records: OK, "not a rollback";
# - no origin/dev in the checkout: OK, the rollback judged from the tags;
# - a prod task running another digest than the tag's: FAIL (drift is not
#   excused by a rollback);
# - a tag that does not exist: FAIL (ERROR row); bad usage: exit 2;
# - drift.yml's audits: --release-tag latest is the highest v* tag, and
#   --record-rev REV compares with REV's record instead of the checkout's.

# The stubs' bodies are shell code for the stubs, not for this script:
# shellcheck disable=SC2016
set -euo pipefail
# Under Bazel the test runs as tools/ci/<name>, beside the glue in runfiles.
if [[ -n ${TEST_SRCDIR:-} ]]; then
  CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
else
  CI="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
# shellcheck source=tools/ci/test/lib.sh
source "${CI}/test/lib.sh"
command -v git >/dev/null || { echo "git not found: apt-get install git" >&2; exit 1; }
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/audit.XXXXXX")"
STUBS="${T}/bin"
export GIT_CONFIG_NOSYSTEM=1 HOME="${T}" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
  GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
unset GITHUB_STEP_SUMMARY GITHUB_REF

manifest() { printf '{"schemaVersion":2,"annotations":{"release":"%s"}}' "$1"; }
v1="sha256:$(manifest one | sha256sum | cut -d' ' -f1)"
v2="sha256:$(manifest two | sha256sum | cut -d' ' -f1)"
export V1="${v1}" V2="${v2}" RUNNING="${v1}"
# skopeo stub: prod.example/api serves both images' manifests by digest.
stub skopeo '
for a in "$@"; do ref=$a; done
case "${ref}" in
  docker://prod.example/api@"${V1}") printf "{\"schemaVersion\":2,\"annotations\":{\"release\":\"one\"}}" ;;
  docker://prod.example/api@"${V2}") printf "{\"schemaVersion\":2,\"annotations\":{\"release\":\"two\"}}" ;;
  *) echo "manifest unknown" >&2; exit 1 ;;
esac'
# aws stub: one RUNNING task of api-prod/api, running $RUNNING.
stub aws '
case " $* " in
  *" ecs list-tasks "*) echo "{\"taskArns\": [\"arn:aws:ecs:eu-west-1:222222222222:task/api-prod/t1\"]}" ;;
  *" ecs describe-tasks "*) echo "{\"tasks\": [{\"taskArn\": \"arn:aws:ecs:eu-west-1:222222222222:task/api-prod/t1\", \"containers\": [{\"name\": \"api\", \"imageDigest\": \"${RUNNING}\"}]}]}" ;;
  *) echo "unexpected aws call: $*" >&2; exit 1 ;;
esac'
export PATH="${STUBS}:${PATH}"

# The upstream: v1.0.0 records one, dev then records two (v1.1.0); the
# rollback tag v1.1.1 is on v1.0.0's commit.
upstream="${T}/upstream"
git init -q -b dev "${upstream}"
record() {
  mkdir -p "${upstream}/infra/live"
  printf '{"service": "api", "image_digest": "%s", "sbom_sha256": "x"}\n' "$1" >"${upstream}/infra/live/release.json"
  git -C "${upstream}" add -A
  git -C "${upstream}" commit -q -m "$2"
}
record "${v1}" one
git -C "${upstream}" tag v1.0.0
git -C "${upstream}" tag -a -m "Rollback of prod to v1.0.0" v1.1.1
record "${v2}" two
git -C "${upstream}" tag v1.1.0
clone="${T}/clone"
git clone -q "${upstream}" "${clone}"
cd "${clone}"

prod_audit() { "${CI}/audit.sh" --account prod --repo prod.example/api --cluster api-prod --service api --profile prod "$@"; }

GITHUB_REF=refs/tags/v1.1.1 expect 0 "a rollback release: prod matches the rollback tag's record" \
  prod_audit --summary "${T}/summary.md"
expect_output "prod runs ${v1} from tag v1.1.1 (commit " "the audit names the tag prod runs"
expect_output "same commit as v1.0.0)" "and the earlier release on the same commit"
expect_output "rollback: origin/dev records ${v2}; prod runs an earlier release of dev on purpose" \
  "and says it is a rollback, not drift"
check "the summary's heading names the tag" grep -q '^### Audit (prod, tag v1.1.1)$' "${T}/summary.md"
check "the summary says rollback" grep -q '^rollback: origin/dev records' "${T}/summary.md"

RUNNING="${v2}" expect 0 "a release of what dev records is not a rollback" prod_audit --release-tag v1.1.0
expect_output "not a rollback: origin/dev records the same image" "the audit says so"

RUNNING="${v2}" GITHUB_REF=refs/tags/v1.1.1 expect 1 "a prod task running another digest than the tag's fails" prod_audit
expect_output "FAIL: differs: prod-tasks" "the drift is named"

expect 1 "a release tag that does not exist fails" prod_audit --release-tag v9.9.9
expect_output "no tag v9.9.9 in this checkout" "the audit says which tag is missing"

# Without a tag prod is compared with the checkout's record (here the real
# repository's, which neither image is), as before --release-tag existed.
expect 1 "no release tag (GITHUB_REF is a branch): prod against the checkout's record" \
  env GITHUB_REF=refs/heads/dev "${CI}/audit.sh" --account prod --repo prod.example/api \
  --cluster api-prod --service api --profile prod
expect_output "(from record)" "the expected digest is the record's"
check "it names no tag" test "${OUT}" = "${OUT/from tag/}"
expect 2 "--release-tag in a dev audit" "${CI}/audit.sh" --account dev --repo prod.example/api \
  --cluster c --service s --profile p --release-tag v1.0.0

# drift.yml: prod against the last release (the highest v* tag), dev against
# what origin/dev records.
expect 0 "--release-tag latest: prod against the highest v* tag (v1.1.1, the rollback)" prod_audit --release-tag latest
expect_output "prod runs ${v1} from tag v1.1.1" "the audit names that tag"
RUNNING="${v2}" expect 1 "--release-tag latest: a prod task on another image fails" prod_audit --release-tag latest
dev_audit() { "${CI}/audit.sh" --account dev --repo prod.example/api --cluster api-dev --service api --profile dev "$@"; }
RUNNING="${v2}" expect 0 "--record-rev origin/dev: dev against what origin/dev records" dev_audit --record-rev origin/dev
expect_output "expected ${v2} (from record)" "the expected digest is origin/dev's record"
RUNNING="${v2}" expect 1 "--record-rev v1.0.0: the same tasks differ from that revision's record" dev_audit --record-rev v1.0.0
expect 1 "--record-rev of a revision that does not exist fails" dev_audit --record-rev no-such-rev
expect_output "--record-rev no-such-rev" "naming the revision"

# A checkout without origin/dev (a shallow CI checkout of the tag): the
# rollback is judged from the earlier release tag on the same commit.
git update-ref -d refs/remotes/origin/dev
git update-ref -d refs/remotes/origin/HEAD 2>/dev/null || true
expect 0 "without origin/dev: still an audit of the tag" prod_audit --release-tag v1.1.1
expect_output "rollback (or re-release): the commit of v1.0.0; origin/dev is not in this checkout" \
  "the rollback is judged from the tags"
finish
