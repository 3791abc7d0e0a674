#!/usr/bin/env bash
# render-taskdef: an ECS task definition (register-task-definition input)
# from a template, with the image pinned by digest and the environment the
# service reads injected. Pure: reads files, writes JSON, calls no AWS API.
set -euo pipefail
PROG=render-taskdef
# shellcheck source=tools/release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF_USAGE'
Usage: render-taskdef --template FILE --image REPO@sha256:<hex> --env E --stage S
                      --version V [--container NAME] [--out FILE]

Writes the template with, in the container NAME (default: api):
  image        REPO@sha256:<hex>            (never a tag)
  environment  API_STAGE=S, APP_ENV=E, APP_VERSION=V, IMAGE_DIGEST=sha256:<hex>
               (replacing entries of those names, keeping the others)
Read-only fields of a describe-task-definition answer (taskDefinitionArn,
revision, status, ...) are dropped, so such an answer works as a template.

  --template FILE  JSON task definition: the family's latest revision
                   (tools/ci/current-taskdef.sh), or any describe-task-definition answer
  --image REF      repository@digest; a tag (repo:tag) or a bad digest is refused
  --env E          APP_ENV: 1-128 printable ASCII, no space, quote or backslash
  --stage S        API_STAGE: 0-64 of A-Z a-z 0-9 _ - (may be empty)
  --version V      APP_VERSION (the git SHA): as --env
  --container NAME container to set (default api)
  --out FILE       write there instead of stdout
  -h, --help       this text
Exit: 0 written, 1 bad template, 2 bad usage or value.
EOF_USAGE
}

template="" image="" env="" stage="" stage_set=0 version="" container=api out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --template) need_value "$@"; template="$2"; shift 2 ;;
    --image) need_value "$@"; image="$2"; shift 2 ;;
    --env) need_value "$@"; env="$2"; shift 2 ;;
    --stage)
      [[ $# -ge 2 ]] || usage_error "--stage needs a value"
      stage="$2" stage_set=1
      shift 2
      ;;
    --version) need_value "$@"; version="$2"; shift 2 ;;
    --container) need_value "$@"; container="$2"; shift 2 ;;
    --out) need_value "$@"; out="$2"; shift 2 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[[ -n ${template} ]] || usage_error "--template is required"
[[ -n ${image} ]] || usage_error "--image is required"
[[ -n ${env} ]] || usage_error "--env is required"
[[ ${stage_set} -eq 1 ]] || usage_error "--stage is required (--stage '' for none)"
[[ -n ${version} ]] || usage_error "--version is required"
require jq jq

# The image: repository@digest, nothing else.
[[ ${image} == *@* ]] || usage_error "--image '${image}' has no @sha256:<hex>: a task definition pins a digest, never a tag"
repo="${image%%@*}"
digest="${image#*@}"
[[ ${repo} =~ ${REPO_RE} ]] ||
  usage_error "--image '${image}': '${repo}' is not a repository host[:port]/name (a tag is not allowed)"
check_digest "--image digest" "${digest}"

# The service validates these at start and exits 2 on a bad one; refuse
# them here rather than register a task definition that crash-loops.
valid_value() { # printable ASCII less space, " ' and backslash; 1-128 long
  local LC_ALL=C
  [[ ${#1} -ge 1 && ${#1} -le 128 && $1 =~ ^[!-~]+$ && $1 != *[\"\'\\]* ]]
}
valid_value "${env}" || usage_error "--env '${env}': 1-128 printable ASCII, no space, quote or backslash"
valid_value "${version}" || usage_error "--version '${version}': 1-128 printable ASCII, no space, quote or backslash"
[[ ${stage} =~ ^[A-Za-z0-9_-]{0,64}$ ]] || usage_error "--stage '${stage}': 0-64 of A-Z a-z 0-9 _ -"

[[ -r ${template} ]] || die "cannot read template '${template}'"
jq -e 'type == "object"' "${template}" >/dev/null 2>&1 || die "template '${template}' is not a JSON object"
n="$(jq --arg c "${container}" '[.containerDefinitions // [] | .[] | select(.name == $c)] | length' "${template}")"
[[ ${n} -eq 1 ]] || die "template '${template}' has ${n} containers named '${container}' (want exactly 1)"

rendered="$(jq --arg c "${container}" --arg image "${image}" --arg digest "${digest}" \
  --arg stage "${stage}" --arg env "${env}" --arg version "${version}" '
  del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
      .registeredAt, .registeredBy, .deregisteredAt)
  | ({API_STAGE: $stage, APP_ENV: $env, APP_VERSION: $version, IMAGE_DIGEST: $digest}) as $inject
  | .containerDefinitions |= map(
      if .name == $c then
        .image = $image
        | .environment = ([(.environment // [])[] | select(.name as $n | $inject | has($n) | not)]
                          + ($inject | to_entries | map({name: .key, value: .value})))
      else . end)' "${template}")"

if [[ -n ${out} ]]; then
  printf '%s\n' "${rendered}" >"${out}.tmp"
  mv "${out}.tmp" "${out}"
  say "wrote ${out} (${image})"
else
  printf '%s\n' "${rendered}"
fi
