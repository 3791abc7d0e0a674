#!/usr/bin/env bash
# install-aws-provider refuses a provider archive it cannot vouch for: a
# missing one names where it looked and the variable to set; an altered one
# names the expected and the found sha256, and nothing is built or written.
# With no archive (a GitHub runner: no ../shared beside the checkout) it
# mirrors the pinned version from the registry, reuses that download only
# while its seal matches, and says what to set when the registry fails.
# Runs against a scratch cache with a stand-in tofu (`tofu providers` and
# `tofu providers mirror` are all it is asked), so no build or download
# happens here.
set -euo pipefail

script="$1"
T="$(mktemp -d "${TEST_TMPDIR:-/tmp}/provider.XXXXXX")"
version="$(tr -d '[:space:]' <"$(dirname "${script}")/tofu-version.txt")"
mkdir -p "${T}/cache/civet-api/tofu-${version}/bin"
cat >"${T}/cache/civet-api/tofu-${version}/bin/tofu" <<EOF_TOFU
#!/bin/sh
# providers mirror -platform=P DIR: what tofu writes (packed layout), or a
# failure when the test says the registry is down.
if [ "\$1 \$2" = "providers mirror" ]; then
  echo "mirror \$*" >>"${T}/tofu-calls"
  [ -e "${T}/registry-down" ] && { echo "Error: Failed to query available provider packages" >&2; exit 1; }
  mkdir -p "\$4/example.invalid/hashicorp/aws"
  v="\$(sed -n 's/.*version = "= \\([0-9.]*\\)".*/\\1/p' main.tf)"
  echo "= \${v}" >"\$4/example.invalid/hashicorp/aws/terraform-provider-aws_\${v}_linux_amd64.zip"
  echo '{"archives":{}}' >"\$4/example.invalid/hashicorp/aws/index.json"
  exit 0
fi
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

expect "TF_PROVIDER_AWS_SOURCE=build without an archive names the variable to set" 1 \
  "TF_PROVIDER_AWS_SOURCE=build, but no .* set TF_PROVIDER_AWS_ARCHIVE" \
  env TF_PROVIDER_AWS_SOURCE=build "${script}"

# No archive anywhere: the registry, at exactly the pinned version.
pinned="$(sed -n 's/^version //p' "$(dirname "${script}")/../deps/terraform-provider-aws.txt")"
registry_dir="${T}/cache/civet-api/terraform-provider-aws/${pinned}-registry"
zip="${registry_dir}/example.invalid/hashicorp/aws/terraform-provider-aws_${pinned}_linux_amd64.zip"
touch "${T}/registry-down"
expect "a registry that cannot be reached names the archive variable" 1 \
  "could not download hashicorp/aws ${pinned} from example.invalid; without registry access, set TF_PROVIDER_AWS_ARCHIVE" \
  "${script}"
if [[ -e ${registry_dir} || -e ${T}/cache/civet-api/tofu/cli.tfrc ]]; then
  printf 'FAIL  a failed download left a mirror or a CLI configuration\n'
  failures=$((failures + 1))
else
  printf 'PASS  a failed download leaves no mirror and no CLI configuration\n'
fi
rm "${T}/registry-down"
served="$(printf '= %s\n' "${pinned}" | sha256sum | cut -d' ' -f1)"
expect "no archive: the pinned version is mirrored from the registry, its sha256 shown to pin" 0 \
  "sha256 ${served}; to pin it, add 'registry_sha256_linux_amd64 ${served}'" "${script}"
if [[ $(cat "${zip}" 2>/dev/null) == "= ${pinned}" ]] &&
  grep -q "path    = \"${registry_dir}\"" "${T}/cache/civet-api/tofu/cli.tfrc" &&
  ! grep -qE '^[[:space:]]*direct' "${T}/cache/civet-api/tofu/cli.tfrc" &&
  grep -q "TF_CLI_CONFIG_FILE='${T}/cache/civet-api/tofu/cli.tfrc'" "${T}/cache/civet-api/go/bin/tofu"; then
  printf 'PASS  the mirror holds exactly the pin; cli.tfrc names only it; the launcher passes it\n'
else
  printf 'FAIL  mirror, cli.tfrc or launcher after the registry install:\n'
  cat "${zip}" "${T}/cache/civet-api/tofu/cli.tfrc" "${T}/cache/civet-api/go/bin/tofu" 2>&1 | sed 's/^/    /'
  failures=$((failures + 1))
fi
expect "a second run reuses the sealed download" 0 "download present in ${registry_dir}" "${script}"
check() { # check DESCRIPTION CONDITION-STATUS
  if [[ $2 -eq 0 ]]; then
    printf 'PASS  %s\n' "$1"
  else
    printf 'FAIL  %s\n' "$1"
    failures=$((failures + 1))
  fi
}
check "...without asking the registry again" "$([[ $(grep -c '^mirror' "${T}/tofu-calls") -eq 2 ]] && echo 0 || echo 1)"
: >"${zip}" # a cache restored in part: the zip is there, but empty
expect "a truncated download is detected and fetched again" 0 \
  "${registry_dir} is incomplete or altered .*making it again" "${script}"
check "...and the mirror holds the package again" "$([[ $(cat "${zip}") == "= ${pinned}" ]] && echo 0 || echo 1)"

# A build of the pinned archive from an earlier run, still whole: reused with
# no archive and no registry (another checkout of this machine built it).
archive_sha="$(sed -n 's/^sha256 //p' "$(dirname "${script}")/../deps/terraform-provider-aws.txt")"
build_dir="${T}/cache/civet-api/terraform-provider-aws/${pinned}-${archive_sha:0:16}"
mkdir -p "${build_dir}"
printf '#!/bin/sh\n' >"${build_dir}/terraform-provider-aws_v${pinned}"
chmod +x "${build_dir}/terraform-provider-aws_v${pinned}"
(cd "${build_dir}" && sha256sum "terraform-provider-aws_v${pinned}" >.complete)
calls_before="$(grep -c '^mirror' "${T}/tofu-calls")"
expect "--built-binary names the sealed build" 0 "^${build_dir}/terraform-provider-aws_v${pinned}\$" "${script}" --built-binary
expect "--registry-host is the host tofu assumes" 0 "^example.invalid\$" "${script}" --registry-host
expect "a sealed earlier build is used without its archive" 0 "local build present in ${build_dir}" "${script}"
check "...without asking the registry" "$([[ $(grep -c '^mirror' "${T}/tofu-calls") -eq ${calls_before} ]] && echo 0 || echo 1)"
check "...and the mirror links it" "$([[ $(readlink "${T}/cache/civet-api/tofu/mirror/example.invalid/hashicorp/aws/${pinned}/linux_amd64/terraform-provider-aws_v${pinned}") == "${build_dir}/terraform-provider-aws_v${pinned}" ]] && echo 0 || echo 1)"
printf 'altered\n' >>"${build_dir}/terraform-provider-aws_v${pinned}"
expect "an altered earlier build is not used: the registry again" 0 "from example.invalid" env TF_PROVIDER_AWS_SOURCE= "${script}"
expect "--built-binary refuses an altered build" 1 "no whole local build" "${script}" --built-binary
rm -rf "${build_dir}"

# A recorded pin: the registry must serve exactly that package.
pins="${T}/pins.txt"
cp "$(dirname "${script}")/../deps/terraform-provider-aws.txt" "${pins}"
printf 'registry_sha256_linux_amd64 %s\n' "$(printf 'another package' | sha256sum | cut -d' ' -f1)" >>"${pins}"
scratch="${T}/checkout/tools"
mkdir -p "${scratch}/infra" "${scratch}/deps" "${scratch}/lib"
cp "${script}" "$(dirname "${script}")/tofu-version.txt" "${scratch}/infra/"
cp "$(dirname "${script}")/../lib/cli.sh" "${scratch}/lib/"
cp "${pins}" "${scratch}/deps/terraform-provider-aws.txt"
rm -rf "${registry_dir}" "${T}/cache/civet-api/tofu"
expect "a registry serving another sha256 than the pin is refused with both values" 1 \
  "served terraform-provider-aws_${pinned}_linux_amd64.zip with sha256 ${served}, but terraform-provider-aws.txt pins registry_sha256_linux_amd64 [0-9a-f]{64}; nothing was installed" \
  "${scratch}/infra/install-aws-provider"
check "...and nothing is installed" "$([[ ! -e ${registry_dir} && ! -e ${T}/cache/civet-api/tofu/cli.tfrc ]] && echo 0 || echo 1)"
sed -i "s/^registry_sha256_linux_amd64 .*/registry_sha256_linux_amd64 ${served}/" "${scratch}/deps/terraform-provider-aws.txt"
expect "the package the pin names is installed" 0 "matches the pinned sha256 ${served}" "${scratch}/infra/install-aws-provider"
[[ ${failures} -eq 0 ]]
