#!/usr/bin/env bash
# install-aws-provider refuses a provider archive it cannot vouch for: a
# missing one names where it looked and the variable to set; an altered one
# names the expected and the found sha256, and nothing is built or written.
# Runs against a scratch cache with a stand-in tofu (only `tofu providers`
# is asked of it), so no build happens here.
set -euo pipefail

script="$1"
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/provider.XXXXXX")"
version="$(tr -d '[:space:]' <"$(dirname "${script}")/tofu-version.txt")"
mkdir -p "${T}/cache/civet-api/tofu-${version}/bin"
cat >"${T}/cache/civet-api/tofu-${version}/bin/tofu" <<'EOF_TOFU'
#!/bin/sh
echo "└── provider[example.invalid/hashicorp/aws]"
EOF_TOFU
chmod +x "${T}/cache/civet-api/tofu-${version}/bin/tofu"

failures=0
expect() { # expect NAME EXIT_STATUS PATTERN COMMAND...
  local name="$1" want="$2" pattern="$3" rc=0 out
  shift 3
  out="$("$@" 2>&1)" || rc=$?
  if [[ ${rc} -eq ${want} ]] && grep -qE "${pattern}" <<<"${out}"; then
    printf 'PASS  %s\n' "${name}"
  else
    printf 'FAIL  %s (exit %s, want %s; output:)\n%s\n' "${name}" "${rc}" "${want}" "${out}"
    failures=$((failures + 1))
  fi
}

export XDG_CACHE_HOME="${T}/cache"
expect "a missing archive names the variable to set" 1 "TF_PROVIDER_AWS_ARCHIVE=${T}/nope: no such file" \
  env TF_PROVIDER_AWS_ARCHIVE="${T}/nope" "${script}"

printf 'not the provider\n' >"${T}/altered.tar.xz"
found="$(sha256sum "${T}/altered.tar.xz" | cut -d' ' -f1)"
expect "an altered archive is refused with both sha256s" 1 \
  "sha256 mismatch for .*altered.tar.xz: expected [0-9a-f]{64}, found ${found}" \
  env TF_PROVIDER_AWS_ARCHIVE="${T}/altered.tar.xz" "${script}"
if [[ -e ${T}/cache/civet-api/go/bin/tofu || -e ${T}/cache/civet-api/tofu/cli.tfrc ]]; then
  printf 'FAIL  a refused archive left a launcher or a CLI configuration\n'
  failures=$((failures + 1))
else
  printf 'PASS  a refused archive leaves no launcher and no CLI configuration\n'
fi

expect "--help says where the archive is looked up" 0 "TF_PROVIDER_AWS_ARCHIVE" "${script}" --help
[[ ${failures} -eq 0 ]]
