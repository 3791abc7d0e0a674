"""Every Terraform file under infra/ parses and is `terraform fmt`-clean.

One test case per file and check: `parse:<file>` parses it with hcl2 (the
HCL parser checkov uses), `style:<file>` runs tf_style's focused fmt check;
plus unit cases of the style check itself on known-bad text.

Usage: tf_files_test.py [INFRA_DIR]   (default: infra, relative to the cwd)
"""

import sys
import unittest
from pathlib import Path

import junit
import tf_style
import tfconfig


def tf_files(root):
    """The .tf and .tfvars files under root, sorted."""
    root = Path(root)
    return sorted(list(root.rglob("*.tf")) + list(root.rglob("*.tfvars")))


class StyleCheckItself(unittest.TestCase):
    """tf_style flags what terraform fmt would change, and nothing fmt keeps."""

    def test_clean_text_passes(self):
        text = 'a   = 1\nbcd = "x"\n\nblock "x" {\n  k = [\n    1,\n  ]\n}\n'
        self.assertEqual(tf_style.style_errors(text), [])

    def test_misaligned_equals(self):
        errors = tf_style.style_errors('a = 1\nbcd = 2\n')
        self.assertEqual([e[0] for e in errors], [1])

    def test_wrong_indent(self):
        errors = tf_style.style_errors('b {\n   k = 1\n}\n')
        self.assertEqual([e[0] for e in errors], [2])

    def test_tab_and_trailing_space(self):
        errors = tf_style.style_errors('b {\n\tk = 1 \n}\n')
        self.assertTrue(any("tab" in m for _, m in errors))
        self.assertTrue(any("trailing" in m for _, m in errors))

    def test_interpolation_braces_do_not_count(self):
        text = 'x = "${jsondecode(file("${path.module}/r.json"))}"\ny = {\n  a = 1\n}\n'
        self.assertEqual(tf_style.style_errors(text), [])

    def test_heredoc_body_left_alone(self):
        text = 'v {\n  d = <<-EOT\n      free   text\n  EOT\n}\n'
        self.assertEqual(tf_style.style_errors(text), [])

    def test_missing_final_newline(self):
        self.assertTrue(tf_style.style_errors('a = 1'))


def _add_file_cases(root):
    """Adds parse:<file> and style:<file> cases to FileCases."""
    files = tf_files(root)
    if not files:
        raise SystemExit("no .tf files under %s" % root)
    for path in files:
        rel = str(path.relative_to(Path(root).parent))

        def parse(self, path=path):
            try:
                tfconfig.parse_text(path.read_text(encoding="utf-8"))
            except Exception as e:  # the parser's errors have no common base
                self.fail("%s does not parse: %s" % (path, e))

        def style(self, path=path):
            errors = tf_style.style_errors(path.read_text(encoding="utf-8"))
            self.assertEqual(errors, [], "%s: terraform fmt would change: %s" % (path, errors))

        setattr(FileCases, "test_parse:" + rel, parse)
        setattr(FileCases, "test_style:" + rel, style)


class FileCases(unittest.TestCase):
    """Filled in by _add_file_cases."""


if __name__ == "__main__":
    _add_file_cases(sys.argv[1] if len(sys.argv) > 1 else "infra")
    sys.exit(junit.main(__name__))
