#!/usr/bin/env bash
# push: an OCI image layout to a registry by digest, then tag it (the git SHA).
#
# The manifest goes up under its digest first; the tag is added after, and
# only if it is new or already points to that digest: tags are immutable.
# Every registry call is skopeo (lib.sh); the digest is read back and checked.
set -euo pipefail
PROG=push
# shellcheck source=tools/release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF_USAGE'
Usage: push --layout DIR --to REPO --tag TAG [--insecure]

Copies the one image in the OCI layout DIR to REPO by digest (skopeo copy
--preserve-digests), then tags it TAG (the git SHA), and prints the digest.

  --layout DIR   OCI image layout with exactly one manifest
                 (bazel-bin/services/api/image)
  --to REPO      destination repository, host[:port]/name
  --tag TAG      tag to add, normally the git commit SHA
  --insecure     plain HTTP, no TLS verification (loopback registries only)
  -h, --help     this text

Fails when TAG already points to another digest (tags are immutable) and
succeeds, changing nothing, when it already points to this one. Credentials
come from skopeo's auth file (skopeo login / REGISTRY_AUTH_FILE).
Exit: 0 pushed (or already there), 1 failure, 2 bad usage.
EOF_USAGE
}

layout="" repo="" tag="" insecure=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --layout) need_value "$@"; layout="$2"; shift 2 ;;
    --to) need_value "$@"; repo="$2"; shift 2 ;;
    --tag) need_value "$@"; tag="$2"; shift 2 ;;
    --insecure) insecure=1; shift ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[[ -n ${layout} ]] || usage_error "--layout is required"
[[ -n ${repo} ]] || usage_error "--to is required"
[[ -n ${tag} ]] || usage_error "--tag is required"
check_repo --to "${repo}"
check_tag --tag "${tag}"
check_insecure "${insecure}" "${repo}"
require skopeo skopeo
require jq jq
require sha256sum coreutils

digest="$(layout_digest "${layout}")"
tls="$(tls_verify "${insecure}")"

# Refuse before uploading anything when the tag is taken by another digest.
current="$(remote_digest "${insecure}" "${repo}:${tag}")"
[[ -z ${current} || ${current} == "${digest}" ]] ||
  die "tag ${repo}:${tag} already points to ${current}, not ${digest}: tags are immutable, refusing to push"

if [[ "$(remote_digest "${insecure}" "${repo}@${digest}")" == "${digest}" ]]; then
  say "${repo}@${digest} already in the registry"
else
  say "pushing ${layout} to ${repo}@${digest}"
  skopeo_release copy --quiet --preserve-digests --retry-times 2 --dest-tls-verify="${tls}" \
    "oci:${layout}" "docker://${repo}@${digest}" >&2 || die "skopeo copy to ${repo}@${digest} failed"
  found="$(remote_digest "${insecure}" "${repo}@${digest}")"
  [[ ${found} == "${digest}" ]] ||
    die "pushed ${digest} but ${repo} serves manifest bytes hashing to '${found:-nothing}'"
fi
tag_immutably "${insecure}" "${repo}" "${tag}" "${digest}"
printf '%s\n' "${digest}"
