"""All external repositories of the monorepo, declared offline.

`api_dependencies()` is the only thing WORKSPACE calls. Nothing here touches
the network: Bazel's own helper repositories are local shims or Debian's
files, and the C dependencies are unpacked from the distfiles cache that
`tools/bootstrap` fills (see pinned_source.bzl).
"""

load("//third_party:go_tools.bzl", "go_tools")
load("//third_party:pinned_source.bzl", "pinned_source")
load("//third_party:python_tools.bzl", "python_tools")
load("//third_party:source_pins.bzl", "source_pins")

def api_dependencies():
    """Declares every external repository. Call once, from WORKSPACE."""

    # Bazel 4.2.3 appends a WORKSPACE suffix that declares these with
    # http_archive, guarded by maybe(): declaring them first wins, so Bazel
    # never tries to download them. Each shim says why it is needed.
    native.local_repository(
        name = "platforms",
        path = "/usr/share/bazel/tools/platforms",  # Debian package bazel-platforms
    )
    native.local_repository(
        name = "rules_cc",
        path = "third_party/bazel/rules_cc",
    )
    native.local_repository(
        name = "rules_java",
        path = "third_party/bazel/rules_java",
    )
    native.local_repository(
        name = "remote_coverage_tools",
        path = "third_party/bazel/remote_coverage_tools",
    )

    # Sources pinned in //third_party:sources.lock (Debian bookworm packages,
    # with Debian's patches applied, and one npm package).
    pinned_source(
        name = "civetweb",
        package = "civetweb",
        build_file = "//third_party:civetweb.BUILD",
        patches = [
            "//third_party:patches/civetweb-oversized-head-413.patch",
            "//third_party:patches/civetweb-method-token.patch",
            "//third_party:patches/civetweb-fair-keep-alive.patch",
        ],
    )
    pinned_source(
        name = "yajl",
        package = "yajl",
        build_file = "//third_party:yajl.BUILD",
    )
    pinned_source(
        name = "googletest",
        package = "googletest",
        build_file = "//third_party:googletest.BUILD",
    )
    pinned_source(
        name = "swagger_ui",
        package = "swagger-ui-dist",
        build_file = "//third_party:swagger_ui.BUILD",
    )

    # The same pins as Starlark data, for the image's SBOM.
    source_pins(name = "pins")

    # Python check tools from the bootstrap virtualenv (tools/deps/python-*.txt).
    python_tools(
        name = "pytools",
        tools = [
            "python",
            "checkov",
            "moto_server",
            "schemathesis",
            "zizmor",
        ],
    )

    # Go check tools from the bootstrap Go bin directory (tools/deps/go-tools.txt).
    go_tools(
        name = "gotools",
        tools = [
            "actionlint",
            "cosign",
        ],
    )
