"""Interfaces between the modules and the live trees are documented and complete.

What `tofu validate` checks (module calls pass declared and required
variables, every reference exists) is //infra:tofu_test's. This checks the
conventions validate cannot see. For every directory with .tf files under
infra/ (one test case each):
  - every variable has a description and a type, every output a description;
For every module: versions.tf pins Terraform and the AWS provider, and its
README.md names every input and output. For every live tree: terraform.tfvars,
if there is one, sets only declared variables, and the required variables it
leaves out are exactly those passed at plan time (account_id and app_version
in live/<env>, whose other values are in the module call; account_id in a
bootstrap tree, whose other values are in its terraform.tfvars).

Usage: interface_test.py [INFRA_DIR]   (default: infra)
"""

import sys
import unittest
from pathlib import Path

import junit
import tfconfig

# Required live-tree variables CI passes with -var rather than tfvars.
PASSED_AT_PLAN = {"live": {"account_id", "app_version"}, "bootstrap": {"account_id"}}


def declaration_problems(m):
    """Variables without description/type, outputs without description."""
    problems = []
    for name, body in sorted(m["variables"].items()):
        for key in ("description", "type"):
            if not tfconfig.first(body.get(key)):
                problems.append("variable %s has no %s" % (name, key))
    for name, body in sorted(m["outputs"].items()):
        if not tfconfig.first(body.get("description")):
            problems.append("output %s has no description" % name)
    return problems


def versions_problems(m):
    """Problems of a module's terraform block: pinned Terraform and AWS provider."""
    problems = []
    blocks = m["terraform"]
    if not any(tfconfig.first(b.get("required_version")) for b in blocks):
        problems.append("no required_version")
    aws = None
    for b in blocks:
        for rp in b.get("required_providers", []):
            aws = rp.get("aws", aws)
    aws = tfconfig.first(aws) if aws is not None else None
    if not isinstance(aws, dict) or aws.get("source") != "hashicorp/aws" or "<" not in str(aws.get("version", "")):
        problems.append("aws provider not pinned to a hashicorp/aws range with an upper bound: %r" % (aws,))
    return problems


def readme_problems(dirpath, m):
    """Inputs and outputs README.md does not mention as `name`."""
    readme = Path(dirpath) / "README.md"
    if not readme.is_file():
        return ["no README.md"]
    text = readme.read_text(encoding="utf-8")
    missing = [n for n in sorted(set(m["variables"]) | set(m["outputs"])) if "`%s`" % n not in text]
    return ["README.md does not document `%s`" % n for n in missing]


def tfvars_problems(dirpath, m, passed_at_plan):
    """terraform.tfvars (none is none set) sets only declared variables and every required one but those passed at plan."""
    path = Path(dirpath) / "terraform.tfvars"
    values = tfconfig.parse_text(path.read_text(encoding="utf-8")) if path.is_file() else {}
    problems = ["terraform.tfvars sets undeclared %s" % k for k in sorted(set(values) - set(m["variables"]))]
    unset = tfconfig.required_variables(m) - set(values)
    if unset != passed_at_plan:
        problems.append("required variables left to -var are %s, expected %s" % (sorted(unset), sorted(passed_at_plan)))
    return problems


class CheckItself(unittest.TestCase):
    """The checks find what they are for, on small made-up configurations."""

    def _model(self, text):
        return tfconfig.model({"main.tf": tfconfig.parse_text(text)})

    def test_undocumented_declarations(self):
        m = self._model('variable "v" {}\noutput "o" {\n  value = 1\n}\n')
        self.assertEqual(declaration_problems(m), ["variable v has no description", "variable v has no type",
                                                   "output o has no description"])


class Cases(unittest.TestCase):
    """Filled in by add_cases."""


def add_cases(root):
    """One case per directory and check."""
    root = Path(root)
    cache = {}

    def load(path):
        key = Path(path).resolve()
        if key not in cache:
            cache[key] = tfconfig.load_dir(key)
        return cache[key]

    dirs = tfconfig.module_dirs(root)
    if not dirs:
        raise SystemExit("no .tf files under %s" % root)
    for d in dirs:
        rel = str(d.relative_to(root.parent))
        is_module = "modules" in d.relative_to(root).parts

        def decls(self, d=d):
            self.assertEqual(declaration_problems(load(d)), [])

        setattr(Cases, "test_declarations:" + rel, decls)
        if is_module:
            def versions(self, d=d):
                self.assertEqual(versions_problems(load(d)), [])

            def readme(self, d=d):
                self.assertEqual(readme_problems(d, load(d)), [])

            setattr(Cases, "test_versions:" + rel, versions)
            setattr(Cases, "test_readme:" + rel, readme)
        else:
            kind = "bootstrap" if d.name == "bootstrap" else "live"

            def tfvars(self, d=d, kind=kind):
                self.assertEqual(tfvars_problems(d, load(d), PASSED_AT_PLAN[kind]), [])

            setattr(Cases, "test_tfvars:" + rel, tfvars)


if __name__ == "__main__":
    add_cases(sys.argv[1] if len(sys.argv) > 1 else "infra")
    sys.exit(junit.main(__name__))
