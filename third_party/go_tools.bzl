"""Repository rule `go_tools`: the pinned Go check tools, for Bazel.

Why it exists: checks such as actionlint are Go programs pinned in
`tools/deps/go-tools.txt` and installed by `tools/bootstrap` (`go install`)
into the cache's `civet-api/go/bin` (never the repository). This rule exposes
them as labels, so tests name them as `data` and run them from their runfiles
instead of hoping they are on PATH. It never installs anything: a missing tool
fails, when run, with the command that installs it.
"""

_DOC = """Exposes binaries of the bootstrap Go bin directory as `@<name>//:<tool>`.

The directory is `${XDG_CACHE_HOME:-$HOME/.cache}/civet-api/go/bin`. Each name
in `tools` becomes a wrapper script that execs `go/bin/<tool>`.

Example (`third_party/repositories.bzl`):

```starlark
go_tools(name = "gotools", tools = ["actionlint"])
```

then `data = ["@gotools//:actionlint"]` and `$(rootpath @gotools//:actionlint)`.
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

def _bin_dir(rctx):
    env = rctx.os.environ
    cache = env.get("XDG_CACHE_HOME") or env.get("HOME", "") + "/.cache"
    return cache + "/civet-api/go/bin"

def _go_tools_impl(rctx):
    bin_dir = _bin_dir(rctx)
    pins = _pin_lines(rctx)
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for tool in rctx.attr.tools:
        # A wrapper, not a symlink: the binary is looked up when run, so a
        # later `go install` needs no re-run of this rule, and a missing one
        # fails saying how to fix it.
        rctx.file(tool, """#!/bin/sh
tool='%s/%s'
if [ ! -x "$tool" ]; then
  echo "$tool not found: run tools/bootstrap in this repository (it installs tools/deps/go-tools.txt)" >&2
  exit 127
fi
exec "$tool" "$@"
%s""" % (bin_dir, tool, pins), executable = True)
        build.append('exports_files(["%s"])' % tool)
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    rctx.file("BUILD.bazel", "\n".join(build) + "\n")

go_tools = repository_rule(
    implementation = _go_tools_impl,
    doc = _DOC,
    attrs = {
        "tools": attr.string_list(
            mandatory = True,
            doc = "Binaries of the bootstrap Go bin directory to expose (`actionlint`, …).",
        ),
        "pins": attr.label_list(
            allow_files = True,
            default = ["//tools/deps:go-tools.txt"],
            doc = "The pin file the binaries are installed from; embedded in each wrapper, so a change re-runs the tests that use it.",
        ),
    },
    environ = ["XDG_CACHE_HOME", "HOME"],
)
