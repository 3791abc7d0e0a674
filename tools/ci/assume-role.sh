#!/usr/bin/env bash
# assume-role.sh: assume an AWS role with the job's GitHub OIDC token, into a
# named profile. It replaces a third-party credentials action: the token comes
# from the runner's ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN (the job needs
# `permissions: id-token: write`), with audience sts.amazonaws.com, and is
# exchanged by `aws sts assume-role-with-web-identity`. Several roles (dev
# read-only and prod in a release) live side by side as profiles of one
# credentials file, so every later aws call names its account with --profile.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (say, die, usage_error)
PROG="assume-role"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"

usage() {
  cat <<'USAGE'
Usage: assume-role.sh --role-arn ARN --profile NAME --region R
                      [--session-name S] [--duration SEC] [--audience A]
                      [--endpoint-url URL]

Writes temporary credentials for ARN as profile NAME (with its region) into
  ${AWS_SHARED_CREDENTIALS_FILE:-${RUNNER_TEMP}/aws/credentials}
and, in GitHub Actions, exports AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE
to the following steps (GITHUB_ENV) and masks the secret values.
  --role-arn ARN     arn:aws:iam::<account>:role/<name>
  --profile NAME     profile to write (dev, prod, dev-readonly)
  --region R         the profile's region
  --session-name S   default: github-<run id>-<attempt>
  --duration SEC     default 3600
  --audience A       default sts.amazonaws.com (what the roles trust)
  --endpoint-url URL STS endpoint (tests: moto's server)
  -h, --help         this text
Needs ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN.
Exit: 0 assumed, 1 failure, 2 bad usage.
USAGE
}

# The job's OIDC token for AUDIENCE, from the runner's token service.
oidc_token() { # oidc_token AUDIENCE
  local url="${ACTIONS_ID_TOKEN_REQUEST_URL:-}" bearer="${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" answer token
  [[ -n ${url} && -n ${bearer} ]] ||
    die "no ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN: the job needs 'permissions: id-token: write'"
  answer="$(curl --silent --show-error --fail --retry 3 \
    -H "Authorization: bearer ${bearer}" "${url}&audience=$1")" ||
    die "the runner's token service refused the OIDC token request"
  token="$(jq -r '.value // empty' <<<"${answer}")"
  [[ -n ${token} ]] || die "the token service's answer has no value"
  printf '%s' "${token}"
}

main() {
  local role="" profile="" region="" session="" duration=3600 audience=sts.amazonaws.com
  local token creds key secret session_token dir
  local -a endpoint=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --role-arn) need_value "$@"; role="$2"; shift 2 ;;
      --profile) need_value "$@"; profile="$2"; shift 2 ;;
      --region) need_value "$@"; region="$2"; shift 2 ;;
      --session-name) need_value "$@"; session="$2"; shift 2 ;;
      --duration) need_value "$@"; duration="$2"; shift 2 ;;
      --audience) need_value "$@"; audience="$2"; shift 2 ;;
      --endpoint-url) need_value "$@"; endpoint=(--endpoint-url "$2"); shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  [[ ${role} =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$ ]] ||
    usage_error "--role-arn must be arn:aws:iam::<12 digits>:role/<name> (is the secret set?)"
  [[ ${profile} =~ ^[A-Za-z0-9_-]+$ ]] || usage_error "--profile must be a name of A-Z a-z 0-9 _ -"
  [[ ${region} =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || usage_error "--region must be an AWS region (is the variable set?)"
  [[ ${duration} =~ ^[0-9]+$ ]] || usage_error "--duration must be seconds"
  [[ -n ${session} ]] || session="github-${GITHUB_RUN_ID:-local}-${GITHUB_RUN_ATTEMPT:-0}"
  require curl curl
  require jq jq
  require aws awscli
  require python3 python3

  token="$(oidc_token "${audience}")"
  creds="$(aws "${endpoint[@]}" sts assume-role-with-web-identity --region "${region}" \
    --role-arn "${role}" --role-session-name "${session}" \
    --duration-seconds "${duration}" --web-identity-token "${token}" \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)" ||
    die "sts:AssumeRoleWithWebIdentity on ${role} refused (does its trust policy name this repository and ref?)"
  read -r key secret session_token <<<"${creds}"
  [[ -n ${key} && -n ${secret} && -n ${session_token} ]] || die "sts answered without credentials"
  if [[ -n ${GITHUB_ACTIONS:-} ]]; then
    printf '::add-mask::%s\n' "${secret}" "${session_token}"
  fi

  export AWS_SHARED_CREDENTIALS_FILE="${AWS_SHARED_CREDENTIALS_FILE:-${RUNNER_TEMP:?RUNNER_TEMP or AWS_SHARED_CREDENTIALS_FILE must be set}/aws/credentials}"
  export AWS_CONFIG_FILE="${AWS_CONFIG_FILE:-$(dirname "${AWS_SHARED_CREDENTIALS_FILE}")/config}"
  dir="$(dirname "${AWS_SHARED_CREDENTIALS_FILE}")"
  mkdir -p "${dir}"
  chmod 700 "${dir}"
  write_profile "${profile}" "${region}" "${key}" "${secret}" "${session_token}"
  if [[ -n ${GITHUB_ENV:-} ]]; then
    printf 'AWS_SHARED_CREDENTIALS_FILE=%s\nAWS_CONFIG_FILE=%s\n' \
      "${AWS_SHARED_CREDENTIALS_FILE}" "${AWS_CONFIG_FILE}" >>"${GITHUB_ENV}"
  fi
  say "assumed ${role} as profile ${profile} (${region})"
}

# write_profile NAME REGION KEY SECRET TOKEN: the profile into the credentials
# and config files, as `aws configure set` writes it (other profiles kept;
# `[profile NAME]` in the config, `[default]` for default). One Python process
# instead of four awscli starts (0.8 s each, five assumes in a release), and
# the secrets pass through the environment, not a command line.
write_profile() {
  PROFILE="$1" REGION="$2" KEY="$3" SECRET="$4" TOKEN="$5" python3 - <<'EOF_PY'
import configparser
import os

def update(path, section, values):
    parser = configparser.RawConfigParser()
    parser.read(path)
    if not parser.has_section(section):
        parser.add_section(section)
    for name, value in values.items():
        parser.set(section, name, value)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        parser.write(f)

env = os.environ
name = env["PROFILE"]
update(env["AWS_SHARED_CREDENTIALS_FILE"], name, {
    "aws_access_key_id": env["KEY"],
    "aws_secret_access_key": env["SECRET"],
    "aws_session_token": env["TOKEN"],
})
update(env["AWS_CONFIG_FILE"], name if name == "default" else "profile " + name, {"region": env["REGION"]})
EOF_PY
}

main "$@"
