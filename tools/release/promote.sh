#!/usr/bin/env bash
# promote: copy one image, by digest, from the dev registry to the prod
# registry, keeping the digest; never builds. The digest is read back at the
# destination (sha256 of the manifest bytes it serves) and must be the same.
set -euo pipefail
PROG=promote
# shellcheck source=tools/release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF_USAGE'
Usage: promote --from REPO --to REPO --digest sha256:<hex> [--tag TAG] [--insecure]
               [--signatures-from REPO --signatures-to REPO]

Copies FROM@DIGEST to TO@DIGEST with skopeo copy --preserve-digests, then
reads the manifest back from TO and fails unless its sha256 is DIGEST.

  --from REPO       source repository (dev), host[:port]/name
  --to REPO         destination repository (prod), host[:port]/name
  --digest D        sha256:<64 hex>, the image to promote (never a tag)
  --tag TAG         also tag it at the destination (immutable, as push)
  --signatures-from REPO, --signatures-to REPO
                    also copy the image's signatures and attestations (the
                    sha256-<hex>.sig and .att tags cosign wrote) from dev's
                    signatures repository to prod's, digests preserved; the
                    signature must exist
  --insecure        plain HTTP, no TLS verification (loopback registries only)
  -h, --help        this text

Fails when DIGEST is not in FROM. Credentials come from skopeo's auth file
(skopeo login / REGISTRY_AUTH_FILE). Exit: 0 promoted, 1 failure, 2 bad usage.
EOF_USAGE
}

from="" to="" digest="" tag="" insecure=0 sigs_from="" sigs_to=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --from) need_value "$@"; from="$2"; shift 2 ;;
    --to) need_value "$@"; to="$2"; shift 2 ;;
    --digest) need_value "$@"; digest="$2"; shift 2 ;;
    --tag) need_value "$@"; tag="$2"; shift 2 ;;
    --signatures-from) need_value "$@"; sigs_from="$2"; shift 2 ;;
    --signatures-to) need_value "$@"; sigs_to="$2"; shift 2 ;;
    --insecure) insecure=1; shift ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[[ -n ${from} ]] || usage_error "--from is required"
[[ -n ${to} ]] || usage_error "--to is required"
[[ -n ${digest} ]] || usage_error "--digest is required"
check_repo --from "${from}"
check_repo --to "${to}"
check_digest --digest "${digest}"
[[ -z ${tag} ]] || check_tag --tag "${tag}"
[[ ${from} != "${to}" ]] || usage_error "--from and --to are the same repository"
[[ -z ${sigs_from} && -z ${sigs_to} ]] || [[ -n ${sigs_from} && -n ${sigs_to} ]] ||
  usage_error "--signatures-from and --signatures-to go together"
if [[ -n ${sigs_from} ]]; then
  check_repo --signatures-from "${sigs_from}"
  check_repo --signatures-to "${sigs_to}"
  check_insecure "${insecure}" "${sigs_from}" "${sigs_to}"
fi
check_insecure "${insecure}" "${from}" "${to}"
require skopeo skopeo
require sha256sum coreutils

tls="$(tls_verify "${insecure}")"
found="$(remote_digest "${insecure}" "${from}@${digest}")"
[[ -n ${found} ]] || die "${digest} is not in ${from}: nothing to promote (push it to dev first)"
[[ ${found} == "${digest}" ]] || die "${from}@${digest} serves manifest bytes hashing to ${found}"

if [[ -n ${tag} ]]; then # refuse before copying anything
  current="$(remote_digest "${insecure}" "${to}:${tag}")"
  [[ -z ${current} || ${current} == "${digest}" ]] ||
    die "tag ${to}:${tag} already points to ${current}, not ${digest}: tags are immutable, refusing to promote"
fi

say "copying ${from}@${digest} to ${to}"
skopeo_release copy --quiet --preserve-digests --retry-times 2 \
  --src-tls-verify="${tls}" --dest-tls-verify="${tls}" \
  "docker://${from}@${digest}" "docker://${to}@${digest}" >&2 ||
  die "skopeo copy ${from}@${digest} to ${to} failed"

found="$(remote_digest "${insecure}" "${to}@${digest}")"
[[ ${found} == "${digest}" ]] ||
  die "digest changed in promotion: ${to} serves manifest bytes hashing to '${found:-nothing}', not ${digest}"
say "${to}@${digest} verified (manifest bytes hash to the promoted digest)"

# copy_attached SUFFIX REQUIRED(0|1): the tag sha256-<hex>.SUFFIX, as is.
copy_attached() {
  local src="${sigs_from}:${digest/:/-}.$1" dst="${sigs_to}:${digest/:/-}.$1" want got
  want="$(remote_digest "${insecure}" "${src}")"
  if [[ -z ${want} ]]; then
    [[ $2 -eq 0 ]] || die "${src} does not exist: ${digest} is not signed in dev, refusing to promote it unsigned"
    say "no ${src} (nothing to copy)"
    return 0
  fi
  skopeo_release copy --quiet --preserve-digests --retry-times 2 \
    --src-tls-verify="${tls}" --dest-tls-verify="${tls}" "docker://${src}" "docker://${dst}" >&2 ||
    die "skopeo copy ${src} to ${dst} failed"
  got="$(remote_digest "${insecure}" "${dst}")"
  [[ ${got} == "${want}" ]] || die "${dst} reads back as '${got:-nothing}', not ${want}"
  say "copied ${src} -> ${dst} (${want})"
}
if [[ -n ${sigs_from} ]]; then
  copy_attached sig 1
  copy_attached att 0
fi
[[ -z ${tag} ]] || tag_immutably "${insecure}" "${to}" "${tag}" "${digest}"
printf '%s\n' "${digest}"
