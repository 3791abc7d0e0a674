"""Public API: embed files into a C or C++ binary as static byte arrays.

A binary that carries its own assets needs no directory next to it in the
image and cannot be made to read the file system by a request path.
"""

def c_embed(name, symbol, assets, visibility = None, testonly = False):
    """A cc_library whose one table, `SYMBOL[]`, holds the bytes of each file.

    The generated source defines `const struct embedded_asset SYMBOL[]` and
    `const size_t SYMBOL_count` (see `embedded_asset.h`), one entry per asset
    in the order given. Users declare them `extern` and look entries up with
    `embedded_asset_find()`. The output depends only on the asset names and
    bytes, never on paths or time, so it is reproducible.

    Example:

    ```starlark
    load("//tools/embed:defs.bzl", "c_embed")

    c_embed(
        name = "docs_assets",
        symbol = "docs_assets",
        assets = {
            "index.html": "static/index.html",
            "swagger-ui.css": "@swagger_ui//:swagger-ui.css",
        },
    )
    ```

    Args:
      name: name of the cc_library (and of the generated `NAME.c`).
      symbol: C identifier of the table; `SYMBOL_count` is its length.
      assets: dict from the name an entry gets in the table to the label of
        the file (one file each).
      visibility: visibility of the cc_library.
      testonly: as for any rule.
    """
    names = list(assets.keys())
    labels = [assets[n] for n in names]
    args = " ".join([
        "'%s=$(location %s)'" % (n, label)
        for n, label in zip(names, labels)
    ])
    native.genrule(
        name = name + "_c",
        srcs = labels,
        outs = [name + ".c"],
        cmd = "$(location //tools/embed:embed_assets) $@ %s %s" % (symbol, args),
        tools = ["//tools/embed:embed_assets"],
        message = "Embedding %d files as %s" % (len(names), symbol),
        testonly = testonly,
        visibility = ["//visibility:private"],
    )
    native.cc_library(
        name = name,
        srcs = [name + ".c"],
        deps = ["//tools/embed:embedded_asset"],
        visibility = visibility,
        testonly = testonly,
    )
