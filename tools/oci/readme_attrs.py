"""The attribute tables of tools/oci/README.md, generated from the rules.

What it is for: each rule's attributes are written once, in its `rule(attrs =
{...})` in private/*.bzl (type, default, `mandatory`, `doc`). The README's
signature line and attribute table of each rule are rendered from there into
the block between

    <!-- BEGIN ATTRS oci_image private/image.bzl oci_image_rule -->
    <!-- END ATTRS -->

(`oci_image` is the name users call, the macro; `oci_image_rule` the rule
whose attributes it takes). As a test it fails when a block differs from
what the rule says, or when a rule of private/ has no block; `--write`
rewrites the blocks (`bazel run //tools/oci:update_readme`).

What it deliberately does not do: load Starlark. Bazel 4 cannot list a
rule's attributes (no starlark_doc_extract, no stardoc offline), so the
.bzl files are read as Python syntax, which Starlark's is a subset of here;
an attribute written in a form this cannot read fails the test, it is not
left out.

Usage: readme_attrs.py [--write] DIR   (DIR holds README.md and private/)
"""

import ast
import difflib
import json
import os
import re
import sys
import unittest

# junit.py (one JUnit case per test for tools/dev's count) is a runfile of
# this test, in tools/infra beside tools/oci.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "infra"))

BLOCK = re.compile(
    r"(<!-- BEGIN ATTRS (\S+) (\S+) (\S+) -->\n)(.*?)(<!-- END ATTRS -->)", re.DOTALL)

# attr.<kind> -> (type as the README writes it, default when none is given)
KINDS = {
    "bool": ("bool", False),
    "int": ("int", 0),
    "label": ("label", None),
    "label_keyed_string_dict": ("label → string", {}),
    "label_list": ("labels", []),
    "string": ("string", ""),
    "string_dict": ("string → string", {}),
    "string_list": ("string list", []),
}

UPDATE = "bazel run //tools/oci:update_readme"


def _string(node, where):
    """The value of a string literal, or of literals joined with `+`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _string(node.left, where) + _string(node.right, where)
    raise ValueError("%s: not a string literal: %s" % (where, ast.dump(node)))


def rules_of(bzl_source, path):
    """{rule name: attrs dict node} of every `NAME = rule(...)` in a .bzl."""
    rules = {}
    for stmt in ast.parse(bzl_source, path).body:
        value = getattr(stmt, "value", None)
        if (isinstance(stmt, ast.Assign) and isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name) and value.func.id == "rule"):
            attrs = [k.value for k in value.keywords if k.arg == "attrs"]
            if len(attrs) != 1 or not isinstance(attrs[0], ast.Dict):
                raise ValueError("%s: rule %s needs a literal attrs = {...}" % (path, stmt.targets[0].id))
            rules[stmt.targets[0].id] = attrs[0]
    return rules


def public_attrs(attrs_node, where):
    """[(name, type, default, mandatory, doc)] in the order written, no `_` ones."""
    out = []
    for key, call in zip(attrs_node.keys, attrs_node.values):
        name = _string(key, where)
        if name.startswith("_"):
            continue
        here = "%s attribute %r" % (where, name)
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "attr"):
            raise ValueError("%s: not an attr.<kind>(...) call" % here)
        kind = call.func.attr
        if kind not in KINDS:
            raise ValueError("%s: attr.%s is not in readme_attrs.KINDS" % (here, kind))
        kw = {k.arg: k.value for k in call.keywords}
        if "doc" not in kw:
            raise ValueError("%s: has no doc" % here)
        doc = _string(kw["doc"], here)
        default = ast.literal_eval(kw["default"]) if "default" in kw else KINDS[kind][1]
        mandatory = "mandatory" in kw and ast.literal_eval(kw["mandatory"])
        out.append((name, KINDS[kind][0], default, mandatory, doc))
    return out


def _value(v):
    """A default as Starlark writes it."""
    if v is None:
        return "None"
    if isinstance(v, bool):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def render(call_name, attrs):
    """The signature line and the table of one rule, as Markdown."""
    params = ["name"] + [
        "%s = %s" % (a[0], _value(a[2])) if a[2] not in ("", [], {}, None, False, 0) and not a[3]
        else a[0] for a in attrs]
    lines = ["`%s(%s)`" % (call_name, ", ".join(params)), "",
             "| attribute | type | default | what |", "|---|---|---|---|"]
    for name, type_, default, mandatory, doc in attrs:
        cell = "required" if mandatory else "`%s`" % _value(default)
        what = " ".join(doc.split()).replace("|", "\\|")
        lines.append("| `%s` | %s | %s | %s |" % (name, type_, cell, what))
    return "\n".join(lines) + "\n"


def generate(readme, read):
    """README text with every block regenerated; read(relpath) -> source."""
    def block(m):
        call_name, bzl, rule = m.group(2), m.group(3), m.group(4)
        rules = rules_of(read(bzl), bzl)
        if rule not in rules:
            raise ValueError("README.md names %s in %s, which has no such rule" % (rule, bzl))
        return m.group(1) + render(call_name, public_attrs(rules[rule], bzl)) + m.group(6)
    return BLOCK.sub(block, readme)


def documented(readme):
    """{(bzl, rule)} the README has a block for."""
    return {(m.group(3), m.group(4)) for m in BLOCK.finditer(readme)}


def defined(directory):
    """{(bzl, rule)} of every rule in DIR/private/*.bzl."""
    found = set()
    for name in sorted(os.listdir(os.path.join(directory, "private"))):
        if name.endswith(".bzl"):
            rel = "private/" + name
            with open(os.path.join(directory, rel), encoding="utf-8") as f:
                found |= {(rel, r) for r in rules_of(f.read(), rel)}
    return found


def reader(directory):
    def read(rel):
        with open(os.path.join(directory, rel), encoding="utf-8") as f:
            return f.read()
    return read


DIR = None  # set by main()

SAMPLE_BZL = '''
x_rule = rule(
    implementation = _impl,
    attrs = {
        "srcs": attr.label_list(mandatory = True, doc = "Inputs, " + "in order."),
        "mode": attr.string(default = "0644", doc = "A | in a doc."),
        "env": attr.string_dict(doc = "Names ->\\n    values."),
        "_tool": attr.label(default = Label("//x")),
    },
)
'''

SAMPLE_TABLE = '''`x(name, srcs, mode = "0644", env)`

| attribute | type | default | what |
|---|---|---|---|
| `srcs` | labels | required | Inputs, in order. |
| `mode` | string | `"0644"` | A \\| in a doc. |
| `env` | string → string | `{}` | Names -> values. |
'''


class Generator(unittest.TestCase):
    """The rendering itself, on a made-up rule."""

    def test_renders_type_default_required_and_doc(self):
        attrs = public_attrs(rules_of(SAMPLE_BZL, "x.bzl")["x_rule"], "x.bzl")
        self.assertEqual(render("x", attrs), SAMPLE_TABLE)

    def test_rewrites_only_the_block(self):
        readme = "intro\n<!-- BEGIN ATTRS x x.bzl x_rule -->\nstale\n<!-- END ATTRS -->\nrest\n"
        out = generate(readme, lambda rel: SAMPLE_BZL)
        self.assertEqual(out, readme.replace("stale\n", SAMPLE_TABLE))

    def test_refuses_an_attribute_without_doc(self):
        with self.assertRaisesRegex(ValueError, "'srcs': has no doc"):
            public_attrs(rules_of('r = rule(attrs = {"srcs": attr.label_list()})', "x.bzl")["r"], "x.bzl")

    def test_refuses_an_unknown_kind(self):
        with self.assertRaisesRegex(ValueError, "attr.output is not in"):
            public_attrs(rules_of('r = rule(attrs = {"o": attr.output(doc = "x")})', "x.bzl")["r"], "x.bzl")


class Readme(unittest.TestCase):
    """tools/oci/README.md against private/*.bzl."""

    def setUp(self):
        with open(os.path.join(DIR, "README.md"), encoding="utf-8") as f:
            self.readme = f.read()

    def test_every_rule_has_a_table(self):
        self.assertEqual(defined(DIR) - documented(self.readme), set(),
                         "rules without an attribute table in README.md; add a "
                         "<!-- BEGIN ATTRS --> block and run " + UPDATE)

    def test_tables_match_the_rules(self):
        want = generate(self.readme, reader(DIR))
        diff = "".join(difflib.unified_diff(
            self.readme.splitlines(True), want.splitlines(True), "README.md", "from private/*.bzl"))
        self.assertEqual(diff, "", "README.md's attribute tables differ from the rules; run %s\n%s" % (UPDATE, diff))


def main(argv):
    global DIR
    write = argv[1:2] == ["--write"]
    args = argv[2:] if write else argv[1:]
    if len(args) != 1:
        sys.exit(__doc__.split("\n\n")[-1].strip())
    DIR = args[0]
    if write:
        # bazel run: edit the source tree, not the runfiles.
        DIR = os.path.join(os.environ.get("BUILD_WORKSPACE_DIRECTORY", "."), DIR)
        path = os.path.join(DIR, "README.md")
        with open(path, encoding="utf-8") as f:
            readme = f.read()
        out = generate(readme, reader(DIR))
        with open(path, "w", encoding="utf-8") as f:
            f.write(out)
        print("%s: %s" % (path, "updated" if out != readme else "already up to date"))
        return 0
    del argv[1:]
    import junit  # noqa: E402 (found through the sys.path entry above)
    return junit.main(__name__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
