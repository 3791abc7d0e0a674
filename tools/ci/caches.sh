#!/usr/bin/env bash
# caches.sh: what the workflows do around actions/cache, so a restored cache
# is used only when it is whole and a saved one stays bounded.
#   bazelrc DIR   point Bazel's disk and repository caches into DIR (a
#                 marked block in ~/.bazelrc, replaced on a second run)
#   seal DIR... [--except SUBDIR]...
#                 before a save: record every file's sha256 in DIR/.seal
#                 (but those under a SUBDIR the save leaves out)
#   check DIR...  after a restore: a DIR whose files do not match its seal
#                 (a partial or damaged restore) is removed, with a message,
#                 so the steps after it build it again instead of using it;
#                 a DIR with no seal (nothing restored, an old cache) too
#   prune DIR --max-mb N
#                 before a save: drop the least recently used files of a
#                 Bazel disk cache until it is at most N MiB (Bazel 4.2 has
#                 no garbage collection of its own)
# actions/cache itself checks nothing of what it restores; these do.
set -euo pipefail
# shellcheck disable=SC2034  # read by tools/lib/cli.sh (die, say, usage_error)
PROG="caches"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/ci/lib.sh
source "${ROOT}/tools/ci/lib.sh"
SEAL=".seal"

usage() {
  cat <<'USAGE'
Usage: caches.sh bazelrc DIR
       caches.sh seal DIR... [--except SUBDIR]...
       caches.sh check DIR...
       caches.sh prune DIR --max-mb N

  bazelrc  write "build --disk_cache=DIR/disk --repository_cache=DIR/repo"
           (and the same for fetch and query) into ~/.bazelrc, in a block
           marked as this script's; a second run replaces the block
  seal     write DIR/.seal: "<sha256>  <path>" of every file under DIR but
           those under DIR/SUBDIR (what the workflow's path excludes with !);
           a DIR that does not exist is left so (the save then finds nothing)
  check    keep each DIR whose .seal matches every file it lists; remove a
           DIR that has no .seal or does not match, saying which file
  prune    remove the least recently accessed files under DIR until its
           files take at most N MiB
  -h, --help   this text
Exit: 0 done (check: also when it removed something), 1 failure, 2 bad usage.
USAGE
}

write_bazelrc() { # write_bazelrc DIR
  local rc="${HOME}/.bazelrc" begin="# >>> tools/ci/caches.sh" end="# <<< tools/ci/caches.sh" cmd
  mkdir -p "$1/disk" "$1/repo"
  touch "${rc}"
  awk -v begin="${begin}" -v end="${end}" '$0 == begin { skip = 1 } !skip { print } $0 == end { skip = 0 }' \
    "${rc}" >"${rc}.tmp"
  mv "${rc}.tmp" "${rc}"
  {
    printf '%s\n' "${begin}"
    for cmd in build fetch query sync; do
      printf '%s --repository_cache=%s/repo\n' "${cmd}" "$1"
    done
    printf 'build --disk_cache=%s/disk\n' "$1"
    printf '%s\n' "${end}"
  } >>"${rc}"
  say "Bazel caches in $1 (${rc})"
}

seal() { # seal DIR [SUBDIR...]
  local dir="$1" sub
  local -a skip=(! -path "./${SEAL}" ! -path "./${SEAL}.tmp")
  shift
  for sub in "$@"; do skip+=(! -path "./${sub%/}/*"); done
  if [[ ! -d ${dir} ]]; then
    # Nothing made it (a job whose tools live elsewhere): nothing to save.
    say "${dir}: nothing to seal"
    return 0
  fi
  (cd "${dir}" && find . -type f "${skip[@]}" -print0 | sort -z | xargs -0 -r sha256sum --) >"${dir}/${SEAL}.tmp"
  set -- "${dir}"
  mv "$1/${SEAL}.tmp" "$1/${SEAL}"
  say "sealed $1: $(wc -l <"$1/${SEAL}") files"
}

check() { # check DIR: 0 kept or nothing there, 0 removed (said why)
  local bad
  if [[ ! -e $1 ]]; then
    say "$1: nothing restored"
    return 0
  fi
  if [[ ! -s $1/${SEAL} ]]; then
    say "$1: restored without a seal; removed, to be made again"
    rm -rf -- "$1"
    return 0
  fi
  bad="$( (cd "$1" && sha256sum --check --quiet "${SEAL}" 2>&1) | head -n 3)" || true
  if [[ -n ${bad} ]]; then
    say "$1: does not match its seal (${bad//$'\n'/; }); removed, to be made again"
    rm -rf -- "$1"
    return 0
  fi
  say "$1: whole ($(wc -l <"$1/${SEAL}") files match the seal)"
}

prune() { # prune DIR MAX_MB
  local total=0 limit=$(($2 * 1024 * 1024)) size path removed=0
  [[ -d $1 ]] || { say "$1: nothing to prune"; return 0; }
  while IFS=' ' read -r _ size path; do
    total=$((total + size))
  done < <(find "$1" -type f ! -name "${SEAL}" -printf '%A@ %s %p\n')
  # Oldest access first; stop once what is left fits.
  while [[ ${total} -gt ${limit} ]] && IFS=' ' read -r _ size path; do
    rm -f -- "${path}"
    total=$((total - size))
    removed=$((removed + 1))
  done < <(find "$1" -type f ! -name "${SEAL}" -printf '%A@ %s %p\n' | sort -n)
  say "$1: $((total / 1024 / 1024)) MiB kept, ${removed} least recently used files removed (limit $2 MiB)"
}

main() {
  local command="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "${command}" in
    -h | --help) usage; return 0 ;;
    bazelrc)
      [[ $# -eq 1 ]] || usage_error "bazelrc takes one DIR"
      write_bazelrc "$1"
      ;;
    seal)
      local -a dirs=() except=()
      while [[ $# -gt 0 ]]; do
        case "$1" in
          --except) need_value "$@"; except+=("$2"); shift 2 ;;
          -*) usage_error "seal: unknown option '$1'" ;;
          *) dirs+=("$1"); shift ;;
        esac
      done
      [[ ${#dirs[@]} -ge 1 ]] || usage_error "seal takes at least one DIR"
      local dir
      for dir in "${dirs[@]}"; do seal "${dir}" "${except[@]}"; done
      ;;
    check)
      [[ $# -ge 1 ]] || usage_error "check takes at least one DIR"
      local dir
      for dir in "$@"; do check "${dir}"; done
      ;;
    prune)
      local dir="" max=""
      while [[ $# -gt 0 ]]; do
        case "$1" in
          --max-mb) need_value "$@"; max="$2"; shift 2 ;;
          -*) usage_error "prune: unknown option '$1'" ;;
          *) [[ -z ${dir} ]] || usage_error "prune takes one DIR"; dir="$1"; shift ;;
        esac
      done
      [[ -n ${dir} ]] || usage_error "prune needs a DIR"
      [[ ${max} =~ ^[0-9]+$ ]] || usage_error "prune needs --max-mb N (a whole number of MiB)"
      prune "${dir}" "${max}"
      ;;
    "") usage_error "a command is needed (bazelrc, seal, check, prune)" ;;
    *) usage_error "unknown command '${command}'" ;;
  esac
}

main "$@"
