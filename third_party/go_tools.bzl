"""Repository rule `go_tools`: the pinned Go check tools, for Bazel.

Why it exists: checks such as actionlint are Go programs pinned in
`tools/deps/go-tools.txt` and installed by `tools/bootstrap` (`go install`)
into the cache's `civet-api/go/bin` (never the repository). This rule exposes
them as labels, so tests name them as `data` and run them from their runfiles
instead of hoping they are on PATH. It never installs anything: a missing tool
fails, when run, with the command that installs it.
"""

load("//third_party:tool_wrappers.bzl", "write_tool_wrappers")

_DOC = """Exposes binaries of the bootstrap Go bin directory as `@<name>//:<tool>`.

The directory is `${XDG_CACHE_HOME:-$HOME/.cache}/civet-api/go/bin`. Each name
in `tools` becomes a wrapper script that execs `go/bin/<tool>`.

Example (`third_party/repositories.bzl`):

```starlark
go_tools(name = "gotools", tools = ["actionlint"])
```

then `data = ["@gotools//:actionlint"]` and `$(rootpath @gotools//:actionlint)`.
"""

def _bin_dir(rctx):
    env = rctx.os.environ
    cache = env.get("XDG_CACHE_HOME") or env.get("HOME", "") + "/.cache"
    return cache + "/civet-api/go/bin"

def _go_tools_impl(rctx):
    write_tool_wrappers(rctx, _bin_dir(rctx), "tools/deps/go-tools.txt")

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
