#!/usr/bin/env bash
# lib.sh - shared by the release tools (push, promote, render-taskdef, deploy,
# smoke): argument validation, the registry calls through skopeo and the
# shared AWS options. Sourced, never run; the caller sets PROG first. Errors,
# tool checks and option values come from tools/lib/cli.sh, sourced here.
#
# It deliberately holds no registry client of its own: every registry call is
# skopeo, and every digest is the sha256 of the manifest bytes the registry
# serves, so "the same digest" always means "the same bytes".

PROG="${PROG:-release}"
# shellcheck disable=SC2034  # read by require() in tools/lib/cli.sh
REQUIRE_HINT="tools/bootstrap installs tools/deps/debian-packages-release.txt"
# die, usage_error, say, require, need_value: tools/lib/cli.sh.
# shellcheck source=tools/lib/cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"

DIGEST_RE='^sha256:[0-9a-f]{64}$'
# host[:port]/name[/name...], names as the OCI distribution spec allows.
REPO_RE='^(localhost|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?/[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$'
TAG_RE='^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$'

check_digest() { # check_digest WHAT VALUE
  [[ $2 =~ ${DIGEST_RE} ]] || usage_error "$1 '$2' is not sha256:<64 lowercase hex>"
}

check_repo() { # check_repo WHAT VALUE
  [[ $2 =~ ${REPO_RE} ]] ||
    usage_error "$1 '$2' is not a repository host[:port]/name (no tag, no digest, no scheme)"
}

check_tag() { # check_tag WHAT VALUE
  [[ $2 =~ ${TAG_RE} ]] || usage_error "$1 '$2' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})"
}

repo_host() { # repo_host REPO: the host without the port
  local hostport="${1%%/*}"
  printf '%s' "${hostport%%:*}"
}

is_loopback() { # is_loopback REPO
  local host
  host="$(repo_host "$1")"
  [[ ${host} == localhost || ${host} =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]]
}

# --insecure (plain HTTP, no TLS verification) is for loopback registries
# only: a release must never talk to a remote registry without TLS.
check_insecure() { # check_insecure INSECURE(0|1) REPO...
  local insecure="$1" repo
  shift
  [[ ${insecure} -eq 1 ]] || return 0
  for repo in "$@"; do
    is_loopback "${repo}" || usage_error "--insecure is for loopback registries only, not '${repo}'"
  done
}

tls_verify() { # tls_verify INSECURE(0|1): the value for skopeo's --*tls-verify
  if [[ $1 -eq 1 ]]; then printf false; else printf true; fi
}

# Copies go by digest, and every digest is checked after the copy, so the
# content is verified by hash whatever the signature policy says. The tools
# therefore use their own policy rather than depend on the host's
# /etc/containers/policy.json (absent on CI runners); RELEASE_SKOPEO_POLICY
# names another one.
skopeo_release() {
  local policy="${RELEASE_SKOPEO_POLICY:-}"
  if [[ -z ${policy} ]]; then
    policy="$(mktemp "${TMPDIR:-/tmp}/release-policy.XXXXXX")"
    printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"${policy}"
    local rc=0
    skopeo --policy "${policy}" "$@" || rc=$?
    rm -f "${policy}"
    return "${rc}"
  fi
  skopeo --policy "${policy}" "$@"
}

# remote_digest INSECURE REF: prints sha256 of the manifest bytes that
# docker://REF serves (REF is repo:tag or repo@digest); prints nothing when
# the registry says it has no such manifest; dies on any other error.
remote_digest() {
  local insecure="$1" ref="$2" tmp rc=0 sum
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/release-inspect.XXXXXX")"
  skopeo inspect --raw --tls-verify="$(tls_verify "${insecure}")" --retry-times 2 \
    "docker://${ref}" >"${tmp}/manifest" 2>"${tmp}/err" || rc=$?
  if [[ ${rc} -ne 0 ]]; then
    if grep -qiE 'manifest unknown|name unknown' "${tmp}/err"; then
      rm -rf "${tmp}"
      return 0
    fi
    local msg
    msg="$(tail -n 1 "${tmp}/err")"
    rm -rf "${tmp}"
    die "cannot read docker://${ref}: ${msg}"
  fi
  sum="$(sha256sum "${tmp}/manifest")"
  rm -rf "${tmp}"
  printf 'sha256:%s' "${sum%% *}"
}

# layout_digest DIR: the digest of the one manifest in an OCI image layout.
layout_digest() {
  local dir="$1" n digest
  [[ -f ${dir}/index.json && -f ${dir}/oci-layout ]] ||
    die "'${dir}' is not an OCI image layout (no index.json or oci-layout)"
  n="$(jq '.manifests | length' "${dir}/index.json")" || die "${dir}/index.json is not JSON"
  [[ ${n} -eq 1 ]] || die "${dir}/index.json lists ${n} manifests; push needs exactly one"
  digest="$(jq -r '.manifests[0].digest' "${dir}/index.json")"
  [[ ${digest} =~ ${DIGEST_RE} ]] || die "${dir}/index.json: manifest digest '${digest}' is not sha256:<hex>"
  [[ -f ${dir}/blobs/sha256/${digest#sha256:} ]] || die "${dir}: manifest blob ${digest} is missing"
  printf '%s' "${digest}"
}

# tag_immutably INSECURE REPO TAG DIGEST: points REPO:TAG at REPO@DIGEST
# (already in the registry). Refuses when the tag points at another digest;
# does nothing when it already points at this one.
tag_immutably() {
  local insecure="$1" repo="$2" tag="$3" digest="$4" current tls
  tls="$(tls_verify "${insecure}")"
  current="$(remote_digest "${insecure}" "${repo}:${tag}")"
  if [[ -n ${current} && ${current} != "${digest}" ]]; then
    die "tag ${repo}:${tag} already points to ${current}, not ${digest}: tags are immutable, refusing to move it"
  fi
  if [[ ${current} == "${digest}" ]]; then
    say "tag ${repo}:${tag} already points to ${digest} (nothing to do)"
    return 0
  fi
  skopeo_release copy --quiet --preserve-digests --retry-times 2 \
    --src-tls-verify="${tls}" --dest-tls-verify="${tls}" \
    "docker://${repo}@${digest}" "docker://${repo}:${tag}" >&2 ||
    die "skopeo could not tag ${repo}@${digest} as ${tag}"
  current="$(remote_digest "${insecure}" "${repo}:${tag}")"
  [[ ${current} == "${digest}" ]] ||
    die "after tagging, ${repo}:${tag} reads back as '${current:-nothing}', not ${digest}"
  say "tagged ${repo}:${tag} -> ${digest}"
}

# ------------------------------------------------------------------- AWS

# AWS_ARGS: the options every aws call of a tool gets (--profile,
# --endpoint-url, --region), filled by parse_aws_option.
AWS_ARGS=()

# parse_aws_option OPTION VALUE: 0 and appended to AWS_ARGS when OPTION is
# one of the shared AWS options, 1 otherwise.
parse_aws_option() {
  case "$1" in
    --profile | --endpoint-url | --region)
      need_value "$@"
      AWS_ARGS+=("$1" "$2")
      ;;
    *) return 1 ;;
  esac
}

aws_json() { # aws_json ARGS...: the aws CLI with AWS_ARGS, JSON out
  aws "${AWS_ARGS[@]}" --output json "$@"
}

# ---------------------------------------------------------------- cosign

# cosign (tools/deps/go-tools.txt, installed by tools/bootstrap or
# tools/ci/install-release-tools.sh into the cache's go/bin): COSIGN names
# another binary; otherwise PATH, then the cache.
cosign_bin() {
  local cached="${XDG_CACHE_HOME:-${HOME:-~}/.cache}/civet-api/go/bin/cosign"
  if [[ -n ${COSIGN:-} ]]; then
    [[ -x ${COSIGN} ]] || die "COSIGN=${COSIGN} is not an executable"
    printf '%s' "${COSIGN}"
  elif command -v cosign >/dev/null 2>&1; then
    command -v cosign
  elif [[ -x ${cached} ]]; then
    printf '%s' "${cached}"
  else
    die "cosign not found: run tools/bootstrap (or tools/ci/install-release-tools.sh); tools/deps/go-tools.txt pins it"
  fi
}

# KMS_ENV: the environment cosign's awskms:// client gets from AWS_ARGS
# (--profile, --endpoint-url, --region): the AWS SDK reads no CLI options.
kms_env() {
  KMS_ENV=()
  local i
  for ((i = 0; i < ${#AWS_ARGS[@]}; i += 2)); do
    case "${AWS_ARGS[i]}" in
      --profile) KMS_ENV+=("AWS_PROFILE=${AWS_ARGS[i + 1]}") ;;
      --endpoint-url) KMS_ENV+=("AWS_ENDPOINT_URL_KMS=${AWS_ARGS[i + 1]}") ;;
      --region) KMS_ENV+=("AWS_REGION=${AWS_ARGS[i + 1]}") ;;
    esac
  done
}

# check_signing_args IMAGE KEY SIGNATURES: the three options sign and verify
# share, present and well-formed (IMAGE is REPO@sha256:<hex>).
check_signing_args() {
  [[ -n $1 ]] || usage_error "--image is required"
  [[ -n $2 ]] || usage_error "--key is required"
  [[ -n $3 ]] || usage_error "--signatures is required"
  [[ $1 == *@* ]] || usage_error "--image '$1' must be REPO@sha256:<hex>"
  check_repo --image "${1%@*}"
  check_digest --image "${1##*@}"
  check_repo --signatures "$3"
}

check_key() { # check_key WHAT VALUE: awskms:///... or a PEM public key file
  case "$2" in
    awskms://*) ;;
    *) [[ -r $2 ]] || usage_error "$1 '$2' is neither awskms://[ENDPOINT]/KEY nor a readable public key file" ;;
  esac
}
