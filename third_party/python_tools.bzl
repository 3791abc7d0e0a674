"""Repository rule `python_tools`: the pinned Python check tools, for Bazel.

Why it exists: checks such as checkov or moto's server are Python programs
pinned in `tools/deps/python-*.txt` and installed by `tools/bootstrap` into a
virtualenv under the cache (never the repository). This rule exposes that
virtualenv's executables as labels, so tests name them as `data` and run
them from their runfiles instead of hoping they are on PATH. It never
installs anything: a missing tool fails, when run, with the command that
installs it.
"""

load("//third_party:tool_wrappers.bzl", "write_tool_wrappers")

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

def _venv(rctx):
    env = rctx.os.environ
    cache = env.get("XDG_CACHE_HOME") or env.get("HOME", "") + "/.cache"
    return cache + "/civet-api/venv"

def _python_tools_impl(rctx):
    write_tool_wrappers(rctx, _venv(rctx) + "/bin", "tools/deps/python-*.txt")

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
