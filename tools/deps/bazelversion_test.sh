#!/usr/bin/env bash
# .bazelversion (what bazelisk downloads) names the Bazel that
# tools/deps/debian-packages.txt pins (what tools/bootstrap installs): a
# bump of one without the other would build the repository with two Bazels.
set -euo pipefail
bazelversion="$(tr -d '[:space:]' <"$1")"
pinned="$(sed -n 's/^bazel-bootstrap=\([0-9.]*\)+.*/\1/p' "$2")"
if [[ -n ${pinned} && ${bazelversion} == "${pinned}" ]]; then
  printf 'PASS  .bazelversion %s = bazel-bootstrap %s\n' "${bazelversion}" "${pinned}"
else
  printf 'FAIL  .bazelversion says "%s", tools/deps/debian-packages.txt pins bazel-bootstrap "%s"\n' \
    "${bazelversion}" "${pinned}"
  exit 1
fi
