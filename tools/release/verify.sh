#!/usr/bin/env bash
# verify: is this image digest signed by this key, and does it carry the
# attestations a release needs? The release guard asks it of dev's registry
# before promoting, the prod deploy of prod's registry before registering a
# task definition, and the audit of both.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG=verify
# shellcheck source=tools/release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KINDS="signature,validated,sbom,provenance"

usage() {
  cat <<'EOF_USAGE'
Usage: verify --image REPO@sha256:<hex> --key KEY --signatures REPO
              [--require LIST] [--insecure] [--quiet]
              [--profile P] [--endpoint-url URL] [--region R]

Checks, each with cosign against KEY's public half, no transparency log:
  signature   a signature of IMAGE's digest (cosign verify)
  validated   a "validated in dev" attestation (environment dev, this digest)
  sbom        an SPDX SBOM attestation
  provenance  a SLSA provenance v1 attestation
An attestation counts only when its signature verifies AND its in-toto
subject is IMAGE's digest (one copied from another digest is refused).

  --image REF         repository@digest of the image
  --key KEY           awskms:///... (its public key is read from KMS) or a
                      PEM public key file (cosign public-key writes one)
  --signatures REPO   the repository holding the signatures (COSIGN_REPOSITORY)
  --require LIST      comma-separated checks (default: all four)
  --insecure          plain HTTP registries (loopback only)
  --quiet             no per-check lines on success
  --profile, --endpoint-url, --region
                      AWS profile, KMS endpoint and region for an awskms:// key
  -h, --help          this text

Prints "ok    <check>: <what was verified>" or "FAIL  <check>: <why>" per
check. Exit: 0 all pass, 1 any fails (each named), 2 bad usage.
EOF_USAGE
}

image="" key="" signatures="" require_list="${KINDS}" insecure=0 quiet=0
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
    --require) need_value "$@"; require_list="$2"; shift 2 ;;
    --insecure) insecure=1; shift ;;
    --quiet) quiet=1; shift ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
check_signing_args "${image}" "${key}" "${signatures}"
repo="${image%@*}" digest="${image##*@}"
check_key --key "${key}"
IFS=',' read -r -a checks <<<"${require_list}"
[[ ${#checks[@]} -gt 0 ]] || usage_error "--require is empty"
for c in "${checks[@]}"; do
  [[ ,${KINDS}, == *",${c},"* ]] || usage_error "--require: unknown check '${c}' (one of ${KINDS})"
done
check_insecure "${insecure}" "${repo}" "${signatures}"
require python3 python3
cosign="$(cosign_bin)"
kms_env

scratch="$(mktemp -d "${TMPDIR:-/tmp}/verify.XXXXXX")"
trap 'rm -rf "${scratch}"' EXIT
args=(--key "${key}" --insecure-ignore-tlog=true)
[[ ${insecure} -eq 0 ]] || args+=(--allow-insecure-registry --allow-http-registry)

# cosign's own reason, without its tlog warnings.
reason() { grep -v -i -e 'tlog' -e 'transparency' -e '^\s*$' "$1" | tail -n 1 | cut -c1-300; }

failed=()
verdict() { # verdict CHECK OK(0|1) DETAIL
  if [[ $2 -eq 1 ]]; then
    [[ ${quiet} -eq 1 ]] || say "ok    $1: $3"
  else
    say "FAIL  $1: $3"
    failed+=("$1")
  fi
}

run_cosign() { # run_cosign OUT ARGS...: cosign's stdout to OUT, stderr to OUT.err
  local out="$1"
  shift
  env "${KMS_ENV[@]}" COSIGN_REPOSITORY="${signatures}" "${cosign}" "$@" >"${out}" 2>"${out}.err"
}

for c in "${checks[@]}"; do
  out="${scratch}/${c}"
  if [[ ${c} == signature ]]; then
    if run_cosign "${out}" verify "${args[@]}" "${image}"; then
      verdict signature 1 "$(jq 'length' "${out}") signature(s) of ${digest} by ${key}"
    else
      verdict signature 0 "$(reason "${out}.err")"
    fi
    continue
  fi
  if ! run_cosign "${out}" verify-attestation "${args[@]}" \
    --type "$(python3 "${HERE}/attestation.py" type "${c}")" "${image}"; then
    verdict "${c}" 0 "$(reason "${out}.err")"
  elif python3 "${HERE}/attestation.py" check --digest "${digest}" --type "${c}" "${out}" \
    >"${out}.ok" 2>"${out}.why"; then
    verdict "${c}" 1 "$(head -n 1 "${out}.ok")"
  else
    verdict "${c}" 0 "$(tr '\n' ' ' <"${out}.why" | sed 's/attestation: //g; s/ $//')"
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  die "${image}: not verified with ${key}: $(IFS=',' && echo "${failed[*]}")"
fi
say "${image}: ${require_list} verified with ${key}"
