"""checkov over infra/: no failed check, and every skip inline and documented.

Runs the pinned checkov (its path is the first argument) on a copy of the
infra directory with no network use (--skip-download), then checks:
  - checkov parsed every file and ran checks;
  - no check failed (each failure is printed with its resource and file);
  - every skip is an inline `#checkov:skip=ID:reason` with a reason, and the
    table in infra/README.md lists exactly the skipped IDs.
Prints the passed, failed and skipped counts.

Usage: checkov_test.py CHECKOV [INFRA_DIR]   (default: infra)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import junit

SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?$")
README_ROW = re.compile(r"^\|\s*`(CKV[0-9]*_[A-Z0-9_]+)`\s*\|(.+)\|\s*$")
CHECKOV = None
INFRA = Path("infra")
_REPORT = {}


def inline_skips(root):
    """[(file, line, id, reason)] of the #checkov:skip comments under root."""
    found = []
    for path in sorted(Path(root).rglob("*.tf")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = SKIP.search(line.strip())
            if m:
                found.append((str(path), n, m.group(1), (m.group(2) or "").strip()))
    return found


def readme_skips(text):
    """{id: reason} of the skip table rows (| `ID` | ... |) of a README."""
    rows = {}
    for line in text.splitlines():
        m = README_ROW.match(line.strip())
        if m:
            rows[m.group(1)] = m.group(2).strip()
    return rows


def run_checkov(checkov, infra):
    """checkov's JSON report (dict) for a dereferenced copy of infra."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as tmp:
        copy = Path(tmp) / "infra"
        shutil.copytree(infra, copy, ignore=shutil.ignore_patterns("BUILD", "*.sh", ".terraform*"))
        env = dict(os.environ, LOG_LEVEL="ERROR", BC_SKIP_MAPPING="TRUE")
        proc = subprocess.run(
            [checkov, "-d", str(copy), "--framework", "terraform", "--skip-download",
             "--download-external-modules", "false", "-o", "json"],
            capture_output=True, text=True, env=env, check=False)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit("checkov did not print a JSON report (exit %d):\n%s\n%s"
                         % (proc.returncode, proc.stdout[-2000:], proc.stderr[-4000:]))
    if isinstance(report, list):
        (report,) = [r for r in report if r.get("check_type") == "terraform"]
    return report


def report():
    """The checkov report, run once."""
    if "r" not in _REPORT:
        _REPORT["r"] = run_checkov(CHECKOV, INFRA)
        s = _REPORT["r"]["summary"]
        print("checkov: %d passed, %d failed, %d skipped, %d parsing errors"
              % (s["passed"], s["failed"], s["skipped"], s["parsing_errors"]))
    return _REPORT["r"]


class Checkov(unittest.TestCase):
    def test_parsed_everything_and_ran_checks(self):
        summary = report()["summary"]
        self.assertEqual(summary["parsing_errors"], 0)
        self.assertGreater(summary["passed"], 100)

    def test_no_failed_check(self):
        failed = report()["results"]["failed_checks"]
        lines = ["%s %s (%s:%s)" % (f["check_id"], f["resource"], f["file_path"], f["file_line_range"])
                 for f in failed]
        self.assertEqual(lines, [], "\n".join(lines))

    def test_every_skip_is_inline_with_a_reason(self):
        skipped = report()["results"]["skipped_checks"]
        inline = {s[2] for s in inline_skips(INFRA)}
        for s in skipped:
            self.assertIn(s["check_id"], inline, "%s skipped but not by an inline comment" % s["check_id"])
        for path, line, check_id, reason in inline_skips(INFRA):
            self.assertGreater(len(reason), 10, "%s:%d: %s needs a reason" % (path, line, check_id))

    def test_readme_lists_exactly_the_skips(self):
        documented = readme_skips((INFRA / "README.md").read_text(encoding="utf-8"))
        used = {s[2] for s in inline_skips(INFRA)}
        self.assertEqual(set(documented), used)
        for check_id, reason in documented.items():
            self.assertGreater(len(reason), 10, "README: %s needs a reason" % check_id)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    CHECKOV = sys.argv[1]
    if len(sys.argv) > 2:
        INFRA = Path(sys.argv[2])
    sys.exit(junit.main(__name__))
