"""Repository rule `python_tools`: the pinned Python check tools, for Bazel.

Why it exists: checks such as checkov or moto's server are Python programs
pinned in `tools/deps/python-*.txt` and installed by `tools/bootstrap` into a
virtualenv under the cache (never the repository). This rule exposes that
virtualenv's executables as labels, so tests name them as `data` and run
them from their runfiles instead of hoping they are on PATH. It never
installs anything: a missing tool fails, when run, with the command that
installs it.
"""

_DOC = """Exposes executables of the bootstrap virtualenv as `@<name>//:<tool>`.

The virtualenv is `${XDG_CACHE_HOME:-$HOME/.cache}/civet-api/venv` (a link
`tools/bootstrap` keeps pointing at the one built from the current pins).
Each name in `tools` becomes a target wrapping `venv/bin/<tool>`; `python` is
the virtualenv's interpreter, for scripts that import the pinned packages.

Example (`third_party/repositories.bzl`):

```starlark
python_tools(name = "pytools", tools = ["python", "checkov"])
```

then `data = ["@pytools//:checkov"]` and `$(rootpath @pytools//:checkov)`.
"""

def _pin_lines(rctx):
    """The pins, as comment lines: a wrapper's text is its tests' input, so
    a new pin re-runs the tests that use the tool instead of serving results
    cached with the old one. The checkout's path is kept out of it (a cached
    test result must not depend on where the repository is cloned)."""
    out = []
    for pin in rctx.attr.pins:
        for line in rctx.read(rctx.path(pin)).splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append("# pin: " + line + "\n")
    return "".join(out)

def _venv(rctx):
    env = rctx.os.environ
    cache = env.get("XDG_CACHE_HOME") or env.get("HOME", "") + "/.cache"
    return cache + "/civet-api/venv"

def _python_tools_impl(rctx):
    venv = _venv(rctx)
    pins = _pin_lines(rctx)
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for tool in rctx.attr.tools:
        # A wrapper, not a symlink: runfiles resolve symlinks, and a
        # virtualenv's scripts must run from the venv. It goes through the
        # stable `venv` link, so new pins need no re-run of this rule; a
        # tool that is not installed fails when run, saying how to fix it.
        rctx.file(tool, """#!/bin/sh
tool='%s/bin/%s'
if [ ! -x "$tool" ]; then
  echo "$tool not found: run tools/bootstrap in this repository (it installs tools/deps/python-*.txt)" >&2
  exit 127
fi
exec "$tool" "$@"
%s""" % (venv, tool, pins), executable = True)
        build.append('exports_files(["%s"])' % tool)
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    rctx.file("BUILD.bazel", "\n".join(build) + "\n")

python_tools = repository_rule(
    implementation = _python_tools_impl,
    doc = _DOC,
    attrs = {
        "tools": attr.string_list(
            mandatory = True,
            doc = "Executables of the virtualenv's bin/ to expose (`python`, `checkov`, …).",
        ),
        "pins": attr.label_list(
            allow_files = True,
            default = ["//tools/deps:python-ci.txt", "//tools/deps:python-infra.txt", "//tools/deps:python-release.txt", "//tools/deps:python-schemathesis.txt"],
            doc = "The requirement files the virtualenv is built from; embedded in each wrapper, so a change re-runs the tests that use it.",
        ),
    },
    environ = ["XDG_CACHE_HOME", "HOME"],
)
