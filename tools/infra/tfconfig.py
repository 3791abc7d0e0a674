"""Read Terraform directories with a real HCL parser, for the //infra checks.

What it is for: loading every `.tf` of a directory with `hcl2` (the parser
checkov uses; see tools/deps/python-infra.txt) into one small, plain model
(variables, outputs, locals, module calls, resources, data sources, provider
terraform and moved blocks), and finding the references in expressions. Every
function is pure except `load_dir`, which only reads files.

What it deliberately does not do: evaluate expressions. Checks that need a
value (a trust condition, an api_key_required) read literals, and a check of
a computed value says so.
"""

import re
from pathlib import Path

import hcl2

# var.x, local.x, module.x.y inside an interpolation.
_REF = re.compile(r"(?<![\w.])(var|local|module)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?")


def parse_text(text):
    """Parses HCL text into hcl2's dict form; raises on a syntax error."""
    return hcl2.loads(text)


def first(value):
    """hcl2 wraps attribute values in a one-item list: unwraps it."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def strip_meta(body):
    """Drops hcl2's __start_line__/__end_line__ keys from a block body."""
    return {k: v for k, v in body.items() if not k.startswith("__")}


def _named_blocks(doc, kind):
    """{name: body} of one-label blocks (variable, output, module)."""
    out = {}
    for item in doc.get(kind, []):
        for name, body in item.items():
            out[name] = body
    return out


def _typed_blocks(doc, kind):
    """{(type, name): body} of two-label blocks (resource, data)."""
    out = {}
    for item in doc.get(kind, []):
        for rtype, named in item.items():
            for name, body in named.items():
                out[(rtype, name)] = body
    return out


def model(docs):
    """Merges the parsed files of one directory ({filename: doc}) into a model."""
    m = {
        "variables": {},
        "outputs": {},
        "locals": {},
        "modules": {},
        "resources": {},
        "data": {},
        "providers": [],
        "terraform": [],
        "moved": [],
        "files": dict(docs),
    }
    for doc in docs.values():
        m["variables"].update(_named_blocks(doc, "variable"))
        m["outputs"].update(_named_blocks(doc, "output"))
        m["modules"].update(_named_blocks(doc, "module"))
        m["resources"].update(_typed_blocks(doc, "resource"))
        m["data"].update(_typed_blocks(doc, "data"))
        for block in doc.get("locals", []):
            m["locals"].update(strip_meta(block))
        m["providers"].extend(doc.get("provider", []))
        m["terraform"].extend(doc.get("terraform", []))
        for block in doc.get("moved", []):
            m["moved"].append((first(block.get("from")), first(block.get("to"))))
    return m


def load_dir(path):
    """Parses every *.tf of a directory (not below it) into a model."""
    path = Path(path)
    docs = {}
    for tf in sorted(path.glob("*.tf")):
        docs[tf.name] = parse_text(tf.read_text(encoding="utf-8"))
    return model(docs)


def strings(value):
    """Every string anywhere inside a parsed value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def references(value):
    """(kind, name, attr-or-None) of var/local/module references in a value.

    Only strings holding an interpolation count: a description that mentions
    "module nlb's arn" is prose, not a reference.
    """
    found = set()
    for s in strings(value):
        if "${" not in s:
            continue
        for kind, name, attr in _REF.findall(s):
            found.add((kind, name, attr or None))
    return found


def required_variables(m):
    """Names of the variables of a model that have no default."""
    return {name for name, body in m["variables"].items() if "default" not in body}


def module_dirs(root):
    """Directories under root holding at least one *.tf file."""
    return sorted({p.parent for p in Path(root).rglob("*.tf")})
