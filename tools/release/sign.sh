#!/usr/bin/env bash
# sign: what deploy-dev attaches to the image digest once dev has validated
# it: cosign's signature and in-toto attestations (SBOM, SLSA provenance,
# "validated in dev"), signed with the account's KMS key, written to the
# signatures repository (COSIGN_REPOSITORY) under the image's digest.
# No transparency log: the key is the account's, verification needs only its
# public half (tools/release/verify.sh).
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG=sign
# shellcheck source=tools/release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  cat <<'EOF_USAGE'
Usage: sign --image REPO@sha256:<hex> --key awskms:///KEY --signatures REPO
            [--sbom FILE] [--provenance FILE] [--validated FILE]
            [--insecure] [--profile P] [--endpoint-url URL] [--region R]

Signs IMAGE with KEY (cosign sign), then attests each predicate given
(cosign attest): --sbom as spdxjson, --provenance as SLSA provenance v1,
--validated as "validated in dev" (tools/release/attestation.py writes the
last two). Everything goes to the signatures repository under IMAGE's digest
(sha256-<hex>.sig and .att tags); IMAGE itself is not changed. Signing again
adds a signature; verification accepts any valid one.

  --image REF         repository@digest of the image, which must be in REPO
  --key KEY           awskms:///<key id, ARN, alias/NAME or alias ARN>
                      (awskms://HOST:PORT/... names an HTTPS endpoint)
  --signatures REPO   where signatures and attestations go, host[:port]/name
  --sbom FILE         SPDX JSON of the image
  --provenance FILE   SLSA v1 predicate (attestation.py provenance)
  --validated FILE    "validated in dev" predicate (attestation.py validated)
  --insecure          plain HTTP registries (loopback only)
  --profile, --endpoint-url, --region
                      the AWS profile, KMS endpoint and region cosign's KMS
                      client uses (else the AWS SDK's defaults)
  -h, --help          this text

Registry credentials: skopeo reads its auth file, cosign docker's config
(${DOCKER_CONFIG:-~/.docker}/config.json; REGISTRY_AUTH_FILE only when no
docker config exists); tools/ci/ecr-login.sh writes both. Prints the size of
what is attached.
Exit: 0 signed and attested, 1 failure, 2 bad usage.
EOF_USAGE
}

image="" key="" signatures="" sbom="" provenance="" validated="" insecure=0
while [[ $# -gt 0 ]]; do
  if parse_aws_option "$1" "${2:-}"; then
    shift 2
    continue
  fi
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --image) need_value "$@"; image="$2"; shift 2 ;;
    --key) need_value "$@"; key="$2"; shift 2 ;;
    --signatures) need_value "$@"; signatures="$2"; shift 2 ;;
    --sbom) need_value "$@"; sbom="$2"; shift 2 ;;
    --provenance) need_value "$@"; provenance="$2"; shift 2 ;;
    --validated) need_value "$@"; validated="$2"; shift 2 ;;
    --insecure) insecure=1; shift ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
check_signing_args "${image}" "${key}" "${signatures}"
repo="${image%@*}" digest="${image##*@}"
[[ ${key} == awskms://* ]] || usage_error "--key must be an awskms:// key: signing keys stay in KMS"
for f in "${sbom}" "${provenance}" "${validated}"; do
  [[ -z ${f} || -r ${f} ]] || usage_error "cannot read '${f}'"
done
check_insecure "${insecure}" "${repo}" "${signatures}"
require skopeo skopeo
require jq jq
require python3 python3
cosign="$(cosign_bin)"
kms_env

found="$(remote_digest "${insecure}" "${image}")"
[[ ${found} == "${digest}" ]] || die "${image} is not in the registry (nothing to sign)"

args=(--key "${key}" --tlog-upload=false --yes)
[[ ${insecure} -eq 0 ]] || args+=(--allow-insecure-registry --allow-http-registry)

cosign_do() { # cosign_do WHAT ARGS...
  local what="$1" started
  shift
  started="$(date +%s%N)"
  env "${KMS_ENV[@]}" COSIGN_REPOSITORY="${signatures}" "${cosign}" "$@" >&2 ||
    die "cosign ${what} of ${image} failed (output above)"
  say "${what}: done in $((($(date +%s%N) - started) / 1000000)) ms"
}

cosign_do "signature" sign "${args[@]}" "${image}"
[[ -z ${sbom} ]] || cosign_do "SBOM attestation (spdxjson)" attest "${args[@]}" --type spdxjson --predicate "${sbom}" "${image}"
[[ -z ${provenance} ]] || cosign_do "provenance attestation (SLSA v1)" attest "${args[@]}" \
  --type "$(python3 "${HERE}/attestation.py" type provenance)" --predicate "${provenance}" "${image}"
[[ -z ${validated} ]] || cosign_do '"validated in dev" attestation' attest "${args[@]}" \
  --type "$(python3 "${HERE}/attestation.py" type validated)" --predicate "${validated}" "${image}"

# What is attached, read back: the manifests and their layers.
tls="$(tls_verify "${insecure}")"
total=0
for suffix in sig att; do
  ref="${signatures}:${digest/:/-}.${suffix}"
  manifest="$(skopeo inspect --raw --tls-verify="${tls}" "docker://${ref}" 2>/dev/null)" || continue
  bytes=$((${#manifest} + $(jq '[.config.size, .layers[].size] | add' <<<"${manifest}")))
  say "attached ${ref}: $(jq '.layers | length' <<<"${manifest}") layer(s), ${bytes} bytes"
  total=$((total + bytes))
done
[[ ${total} -gt 0 ]] || die "nothing readable under ${signatures}:${digest/:/-}.sig after signing"
say "signed ${image}: ${total} bytes attached in ${signatures}"
