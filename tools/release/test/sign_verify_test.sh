#!/usr/bin/env bash
# sign_verify_test: sign.sh and verify.sh against a real Distribution
# registry and an emulated account's KMS (tools/rehearsal/aws/
# emulated_account.py: moto with IAM authorization on, and AWS's handling of
# pre-hashed digests), with cosign as pinned in tools/deps/go-tools.txt.
# Each image is the built one with a distinct config label, so each case
# has its own digest. What must pass:
# - signed with the account's key, with all three attestations: verified;
# - promote --signatures-from/--signatures-to copies them, and the copy
#   verifies in the destination (same digests);
# What must fail, each naming the check:
# - signed by another key; an unsigned digest; a signature without the
#   "validated in dev" attestation; an attestation copied from another
#   digest; a tampered attestation payload; promoting an unsigned digest.
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

absolute() { printf '%s/%s' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"; }
digest_file="$1" python="$(absolute "$2")" account_py="$(absolute "$3")" cosign="$4"
layout="${digest_file%.digest}"
require_tool skopeo skopeo
require_tool umoci umoci
require_tool jq jq
require_tool aws awscli
[[ -x $(readlink -f "${cosign}") ]] || fail "cosign not found: run tools/bootstrap"
"${cosign}" version >/dev/null 2>&1 || fail "cosign does not run: $("${cosign}" version 2>&1 | tail -1)"
export HOME="${SCRATCH}/home" COSIGN="${SCRATCH}/cosign"
mkdir -p "${HOME}"
ln -sf "$(readlink -f "${cosign}")" "${COSIGN}"
sbom="${layout%/image}/image.sbom.spdx.json"
[[ -r ${sbom} ]] || fail "no SBOM beside the image: ${sbom}"

start_registry dev
dev="${REGISTRY}/api"
dev_sigs="${REGISTRY}/api-signatures"
start_registry prod
prod="${REGISTRY}/api"
prod_sigs="${REGISTRY}/api-signatures"

# The emulated account: moto with the rehearsal's patches, an admin user.
port="$(free_port)"
mkdir -p "${SCRATCH}/account"
(cd "$(dirname "${account_py}")" && exec "${python}" "${account_py}" --account-id 111111111111 \
  --port "${port}" --state-dir "${SCRATCH}/account" --region eu-west-1) >"${SCRATCH}/account.log" 2>&1 &
PIDS+=($!)
wait_port "${port}" "$!" "${SCRATCH}/account.log"
export AWS_SHARED_CREDENTIALS_FILE="${SCRATCH}/account/admin.credentials"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
kms=(--endpoint-url "http://127.0.0.1:${port}" --region eu-west-1)
new_key() { # new_key ALIAS: an ECC signing key, as modules/signing makes it
  local arn
  arn="$(aws "${kms[@]}" kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY \
    --query KeyMetadata.Arn --output text)"
  aws "${kms[@]}" kms create-alias --alias-name "alias/$1" --target-key-id "${arn}"
  printf 'awskms:///alias/%s' "$1"
}
key="$(new_key civet-api-dev/signing)"
other_key="$(new_key someone-else/signing)"

# Variants of the built image, each pushed to dev; VARIANT[name]=digest.
declare -A VARIANT=()
cp -r "${layout}" "${SCRATCH}/layout"
chmod -R u+w "${SCRATCH}/layout"
base_tag="$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // empty' "${SCRATCH}/layout/index.json")"
if [[ -z ${base_tag} ]]; then
  skopeo_local copy --quiet "oci:${SCRATCH}/layout" "oci:${SCRATCH}/variants:base"
else
  skopeo_local copy --quiet "oci:${SCRATCH}/layout:${base_tag}" "oci:${SCRATCH}/variants:base"
fi
for name in good other unsigned no-validated copied tampered promoted; do
  umoci config --image "${SCRATCH}/variants:base" --tag "${name}" --config.label "test.variant=${name}"
  skopeo_local copy --quiet --dest-tls-verify=false "oci:${SCRATCH}/variants:${name}" "docker://${dev}:${name}"
  VARIANT[${name}]="sha256:$(skopeo inspect --raw --tls-verify=false "docker://${dev}:${name}" | sha256sum | cut -d' ' -f1)"
done

# Predicates as deploy-dev writes them (attestation.py, GitHub's variables).
predicates() { # predicates DIGEST: ${SCRATCH}/<digest>.{provenance,validated}.json
  local d="$1"
  printf '{"base": "http://gw/dev", "image_digest": "%s", "checks": [{"name": "GET /health", "ok": true}], "finished_at": "2026-12-03T00:00:00Z"}\n' \
    "${d}" >"${SCRATCH}/smoke.json"
  GITHUB_REPOSITORY=example-org/civet-api GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 \
    GITHUB_REF=refs/heads/dev GITHUB_WORKFLOW_REF=example-org/civet-api/.github/workflows/deploy-dev.yml@refs/heads/dev \
    GITHUB_RUN_ID=42 GITHUB_RUN_ATTEMPT=1 \
    python3 "${RELEASE}/attestation.py" provenance --digest "${d}" --recorded-digest "${d}" --out "${SCRATCH}/${d}.provenance.json"
  python3 "${RELEASE}/attestation.py" validated --digest "${d}" --cluster civet-api-dev --service civet-api-dev \
    --task-definition arn:aws:ecs:eu-west-1:111111111111:task-definition/civet-api-dev:2 \
    --smoke-report "${SCRATCH}/smoke.json" --out "${SCRATCH}/${d}.validated.json"
}

sign() { # sign NAME KEY [PREDICATE...]: sign.sh with the given attestations
  local d="${VARIANT[$1]}" k="$2" p
  shift 2
  predicates "${d}"
  local -a with=()
  for p in "$@"; do
    case "${p}" in
      sbom) with+=(--sbom "${sbom}") ;;
      provenance) with+=(--provenance "${SCRATCH}/${d}.provenance.json") ;;
      validated) with+=(--validated "${SCRATCH}/${d}.validated.json") ;;
    esac
  done
  "${RELEASE}/sign.sh" --image "${dev}@${d}" --key "${k}" --signatures "${dev_sigs}" "${with[@]}" \
    --insecure "${kms[@]}"
}

verify() { # verify REPO SIGS NAME [OPTIONS...]
  local repo="$1" sigs="$2" d="${VARIANT[$3]}"
  shift 3
  "${RELEASE}/verify.sh" --image "${repo}@${d}" --key "${key}" --signatures "${sigs}" --insecure "${kms[@]}" "$@"
}

expect 0 "sign the good image with the account's key, all three attestations" \
  sign good "${key}" sbom provenance validated
said "signed ${dev}@${VARIANT[good]}: [0-9]+ bytes attached"
expect 0 "verify it: signature, validated, sbom, provenance" verify "${dev}" "${dev_sigs}" good
for check in signature validated sbom provenance; do said "ok    ${check}: "; done
said "validated in dev on .*civet-api-dev:2, 1 smoke checks"
said "reproducible: True"
cosign_pub="${SCRATCH}/dev.pub"
AWS_ENDPOINT_URL_KMS="http://127.0.0.1:${port}" AWS_REGION=eu-west-1 "${COSIGN}" public-key --key "${key}" \
  --outfile "${cosign_pub}" 2>/dev/null
expect 0 "verify it with the exported public key (what an auditor holds)" \
  "${RELEASE}/verify.sh" --image "${dev}@${VARIANT[good]}" --key "${cosign_pub}" --signatures "${dev_sigs}" --insecure

expect 0 "sign an image with another key" sign other "${other_key}" sbom provenance validated
expect 1 "an image signed by another key is refused" verify "${dev}" "${dev_sigs}" other
said "FAIL  signature: .*(no matching signatures|invalid signature)"
said "FAIL  validated: "

expect 1 "an unsigned digest is refused" verify "${dev}" "${dev_sigs}" unsigned --require signature,validated
said "FAIL  signature: .*no signatures found"

expect 0 "sign an image without the validated attestation" sign no-validated "${key}" sbom provenance
expect 1 "a signature without a \"validated in dev\" attestation is refused" \
  verify "${dev}" "${dev_sigs}" no-validated --require signature,validated
said "ok    signature: "
said "FAIL  validated: "

# Another digest's attestations, copied under this digest's .att tag.
expect 0 "sign the image whose attestations will be replaced" sign copied "${key}"
skopeo_local copy --quiet --src-tls-verify=false --dest-tls-verify=false \
  "docker://${dev_sigs}:${VARIANT[good]/:/-}.att" "docker://${dev_sigs}:${VARIANT[copied]/:/-}.att"
expect 1 "an attestation made for another digest is refused" \
  verify "${dev}" "${dev_sigs}" copied --require signature,validated
said "FAIL  validated: .*(about ${VARIANT[good]}, not ${VARIANT[copied]}|no matching subject digest)"

# A payload changed after signing: the predicate says prod, the signature
# is the original one.
expect 0 "sign the image whose attestation will be tampered with" sign tampered "${key}" validated
tampered_att="${dev_sigs}:${VARIANT[tampered]/:/-}.att"
rm -rf "${SCRATCH}/att"
skopeo_local copy --quiet --src-tls-verify=false "docker://${tampered_att}" "dir:${SCRATCH}/att"
layer="$(jq -r '.layers[0].digest' "${SCRATCH}/att/manifest.json")"
python3 - "${SCRATCH}/att" "${layer}" <<'EOF_PY'
import base64, hashlib, json, os, sys
d, layer = sys.argv[1], sys.argv[2].split(":", 1)[1]
envelope = json.load(open(os.path.join(d, layer)))
statement = json.loads(base64.b64decode(envelope["payload"]))
statement["predicate"]["smoke"]["checks"].append("GET /admin is 200")
envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
blob = json.dumps(envelope).encode()
new = hashlib.sha256(blob).hexdigest()
open(os.path.join(d, new), "wb").write(blob)
manifest = json.load(open(os.path.join(d, "manifest.json")))
manifest["layers"][0]["digest"] = "sha256:" + new
manifest["layers"][0]["size"] = len(blob)
json.dump(manifest, open(os.path.join(d, "manifest.json"), "w"))
EOF_PY
skopeo_local copy --quiet --dest-tls-verify=false "dir:${SCRATCH}/att" "docker://${tampered_att}"
expect 1 "a tampered attestation payload fails verification" \
  verify "${dev}" "${dev_sigs}" tampered --require validated
said "FAIL  validated: "

# Promotion carries them, digests preserved; an unsigned digest stays put.
expect 0 "sign the image to promote" sign promoted "${key}" sbom provenance validated
expect 0 "promote it with its signatures" "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" \
  --digest "${VARIANT[promoted]}" --signatures-from "${dev_sigs}" --signatures-to "${prod_sigs}" --insecure
said "copied ${dev_sigs}:${VARIANT[promoted]/:/-}.sig -> ${prod_sigs}"
for suffix in sig att; do
  src="$(skopeo inspect --raw --tls-verify=false "docker://${dev_sigs}:${VARIANT[promoted]/:/-}.${suffix}" | sha256sum)"
  dst="$(skopeo inspect --raw --tls-verify=false "docker://${prod_sigs}:${VARIANT[promoted]/:/-}.${suffix}" | sha256sum)"
  [[ ${src} == "${dst}" ]] || fail "the .${suffix} manifest changed in promotion"
done
expect 0 "the promoted image verifies in prod's registry" verify "${prod}" "${prod_sigs}" promoted
expect 1 "promoting an unsigned digest is refused" "${RELEASE}/promote.sh" --from "${dev}" --to "${prod}" \
  --digest "${VARIANT[unsigned]}" --signatures-from "${dev_sigs}" --signatures-to "${prod_sigs}" --insecure
said "is not signed in dev, refusing to promote it unsigned"

expect 2 "sign refuses a key outside KMS" "${RELEASE}/sign.sh" --image "${dev}@${VARIANT[good]}" \
  --key "${cosign_pub}" --signatures "${dev_sigs}" --insecure
expect 2 "verify refuses an unknown check" verify "${dev}" "${dev_sigs}" good --require signature,blessed
done_cases
