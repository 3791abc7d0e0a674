#!/usr/bin/env bash
# registry_login_test: the workflows' registry login (tools/ci/ecr-login.sh)
# as skopeo and cosign meet it on ECR. Everything goes through
# tools/rehearsal/aws/aws_proxy.py under AWS's names, TLS verified with its
# CA: STS, ECR's GetAuthorizationToken and KMS of an emulated account
# (emulated_account.py: moto, patched, IAM authorization on), and the
# account's registry, which the proxy opens only with `Authorization: Basic`
# carrying a token that account's ECR issued (as ECR: 401 and a Basic
# challenge otherwise).
#
# The job's files are laid out as on a runner: REGISTRY_AUTH_FILE is skopeo's
# file (on the runner its default, /run/containers/0/auth.json), and docker's
# config exists (empty), so cosign reads that and never skopeo's file; the
# rehearsal's pipeline gives each run the same.
# - no login: skopeo and cosign get 401;
# - a token the account never issued (moto's fixed one): 401;
# - a login into skopeo's file only (what ecr-login.sh did until it also
#   wrote docker's config): skopeo gets in, cosign's signing gets 401;
# - ecr-login.sh: skopeo inspects, cosign signs with the account's KMS key
#   and verify.sh verifies, all through the proxy.
set -euo pipefail
# shellcheck source=tools/release/test/lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/release/test/lib.sh"

absolute() { printf '%s/%s' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"; }
python="$(absolute "$1")" account_py="$(absolute "$2")" proxy_py="$(absolute "$3")" cosign="$4"
CI="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/ci"
require_tool skopeo skopeo
require_tool aws awscli
require_tool openssl openssl
[[ -x $(readlink -f "${cosign}") ]] || fail "cosign not found: run tools/bootstrap"
export HOME="${SCRATCH}/home" COSIGN="${SCRATCH}/cosign"
mkdir -p "${HOME}"
ln -sf "$(readlink -f "${cosign}")" "${COSIGN}"
"${COSIGN}" version >/dev/null 2>&1 || fail "cosign does not run: $("${COSIGN}" version 2>&1 | tail -1)"

ACCOUNT=111111111111
REGION=eu-west-1
start_registry dev

# The emulated account, and the proxy in front of it and its registry.
moto_port="$(free_port)"
mkdir -p "${SCRATCH}/account"
(cd "$(dirname "${account_py}")" && exec "${python}" "${account_py}" --account-id "${ACCOUNT}" \
  --port "${moto_port}" --state-dir "${SCRATCH}/account" --region "${REGION}") >"${SCRATCH}/account.log" 2>&1 &
PIDS+=($!)
wait_port "${moto_port}" "$!" "${SCRATCH}/account.log"
proxy_port="$(free_port)"
"${python}" "${proxy_py}" --port "${proxy_port}" --state-dir "${SCRATCH}/proxy" \
  --account "${ACCOUNT}=127.0.0.1:${moto_port},${REGISTRY}" >"${SCRATCH}/proxy.log" 2>&1 &
PIDS+=($!)
wait_port "${proxy_port}" "$!" "${SCRATCH}/proxy.log"

# As the account's administrator (rehearsal-admin), on loopback: a role it may
# assume (moto matches the trust policy's principal exactly) that may log in to
# ECR and sign with the key, and the key (as modules/signing makes it).
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
admin() {
  AWS_SHARED_CREDENTIALS_FILE="${SCRATCH}/account/admin.credentials" \
    aws --endpoint-url "http://127.0.0.1:${moto_port}" --region "${REGION}" "$@"
}
admin iam create-role --role-name releaser --assume-role-policy-document \
  "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Principal\": {\"AWS\": \"arn:aws:iam::${ACCOUNT}:user/rehearsal-admin\"}}]}" \
  >/dev/null
admin iam put-role-policy --role-name releaser --policy-name release --policy-document \
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"], "Resource": "*"}]}'
key_arn="$(admin kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --query KeyMetadata.Arn --output text)"
admin kms create-alias --alias-name alias/civet-api-dev/signing --target-key-id "${key_arn}"
key=awskms:///alias/civet-api-dev/signing

# The image, put into the registry directly (the rehearsal's own loopback
# access takes no credentials).
digest="$(oci_layout "${SCRATCH}/image" "signed through the proxy")"
skopeo_local copy --quiet --preserve-digests --dest-tls-verify=false "oci:${SCRATCH}/image" \
  "docker://${REGISTRY}/api:v1" >/dev/null

# From here on, a job's view: AWS's names through the proxy, its CA trusted.
export HTTPS_PROXY="http://127.0.0.1:${proxy_port}" NO_PROXY=127.0.0.1,localhost
export https_proxy="${HTTPS_PROXY}" no_proxy="${NO_PROXY}"
export AWS_CA_BUNDLE="${SCRATCH}/proxy/ca.pem" SSL_CERT_FILE="${SCRATCH}/proxy/ca.pem"
export REGISTRY_AUTH_FILE="${SCRATCH}/job/auth.json" DOCKER_CONFIG="${SCRATCH}/job/docker"
fresh_job_files() { # no login anywhere; docker's config exists and is empty
  rm -rf "${SCRATCH}/job"
  mkdir -p "${DOCKER_CONFIG}"
  printf '{}\n' >"${DOCKER_CONFIG}/config.json"
}
fresh_job_files
# The role's credentials from STS, through the proxy (which learns its key).
AWS_SHARED_CREDENTIALS_FILE="${SCRATCH}/account/admin.credentials" aws --region "${REGION}" \
  sts assume-role --role-arn "arn:aws:iam::${ACCOUNT}:role/releaser" --role-session-name test \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text >"${SCRATCH}/role" ||
  fail "assume-role through the proxy failed: $(tail -3 "${SCRATCH}/proxy.log")"
read -r id secret token <"${SCRATCH}/role"
printf '[dev]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' \
  "${id}" "${secret}" "${token}" >"${SCRATCH}/credentials"
export AWS_SHARED_CREDENTIALS_FILE="${SCRATCH}/credentials"

host="${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com"
repo="${host}/api"
sigs="${host}/api-signatures"
inspect() { skopeo_local inspect --raw "docker://${repo}@${digest}"; }
sign() { "${RELEASE}/sign.sh" --image "${repo}@${digest}" --key "${key}" --signatures "${sigs}" \
  --profile dev --region "${REGION}"; }
verify() { "${RELEASE}/verify.sh" --image "${repo}@${digest}" --key "${key}" --signatures "${sigs}" \
  --require signature --profile dev --region "${REGION}"; }

cosign_sign() { # cosign itself, as sign.sh calls it (sign.sh asks skopeo first)
  AWS_PROFILE=dev AWS_REGION="${REGION}" COSIGN_REPOSITORY="${sigs}" \
    "${COSIGN}" sign --key "${key}" --tlog-upload=false --yes "${repo}@${digest}"
}

expect nonzero "no login: skopeo is refused" inspect
said "401|[Uu]nauthorized"
expect nonzero "no login: cosign is refused" cosign_sign
said "401|UNAUTHORIZED|Unauthorized"

printf '{"auths": {"%s": {"auth": "%s"}}}\n' "${host}" "$(printf 'AWS:%s-auth-token' "${ACCOUNT}" | base64 -w0)" \
  >"${REGISTRY_AUTH_FILE}"
expect nonzero "a token the account's ECR never issued (moto's fixed one) is refused" inspect
said "401|[Uu]nauthorized"

fresh_job_files
aws ecr get-login-password --profile dev --region "${REGION}" |
  skopeo login --username AWS --password-stdin "${host}" >/dev/null ||
  fail "skopeo login through the proxy failed: $(tail -3 "${SCRATCH}/proxy.log")"
expect 0 "a login into skopeo's file only: skopeo gets in" inspect
expect 1 "a login into skopeo's file only: cosign does not see it and is refused" sign
said "401|UNAUTHORIZED|Unauthorized"

fresh_job_files
expect 0 "ecr-login.sh through the proxy" "${CI}/ecr-login.sh" --repo "${repo}" --profile dev
expect 0 "after ecr-login.sh: skopeo gets in" inspect
expect 0 "after ecr-login.sh: cosign signs (KMS and the registry through the proxy)" sign
said "signed ${repo}@${digest}"
expect 0 "after ecr-login.sh: verify.sh verifies the signature" verify
said "ok    signature: "
grep -q "401 GET /v2/" "${SCRATCH}/proxy.log" || fail "the proxy logged no refusal: $(tail -5 "${SCRATCH}/proxy.log")"
done_cases
