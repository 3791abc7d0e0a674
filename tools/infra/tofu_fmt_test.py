"""`tofu fmt -check` over infra/: the real formatter, one case per file.

tofu is the pinned OpenTofu tools/infra/install-tofu builds into the tools
cache, the directory that also holds the bootstrap virtualenv this script runs
in (so it is found without HOME, which Bazel resets for tests). A missing tofu
fails with the command that builds it.

Usage: tofu_fmt_test.py VERSION_FILE [INFRA_DIR]   (default: infra)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import junit

INFRA = Path("infra")
TOFU = None
_UNFORMATTED = {}


def tofu_path(version, prefix=sys.prefix):
    """Where install-tofu puts tofu VERSION: beside the virtualenv, in the tools cache."""
    return Path(prefix).resolve().parent / ("tofu-" + version) / "bin" / "tofu"


def unformatted(tofu, infra):
    """Paths (infra/...) that `tofu fmt -check -list` reports for a copy of infra."""
    if "r" not in _UNFORMATTED:
        with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as tmp:
            copy = Path(tmp) / infra.name
            shutil.copytree(infra, copy)
            # tofu lists paths relative to its working directory.
            proc = subprocess.run([str(tofu), "fmt", "-check", "-recursive", "-list=true", copy.name],
                                  cwd=tmp, capture_output=True, text=True, check=False)
            if proc.returncode not in (0, 3):
                raise SystemExit("tofu fmt failed (%d): %s" % (proc.returncode, proc.stderr))
            _UNFORMATTED["r"] = set(proc.stdout.split())
    return _UNFORMATTED["r"]


class Cases(unittest.TestCase):
    """Filled in by add_cases."""


def add_cases(infra):
    files = sorted(list(infra.rglob("*.tf")) + list(infra.rglob("*.tfvars")))
    if not files:
        raise SystemExit("no .tf files under %s" % infra)
    for path in files:
        rel = str(path.relative_to(infra.parent))

        def case(self, rel=rel):
            self.assertNotIn(rel, unformatted(TOFU, INFRA), "tofu fmt would change " + rel)

        setattr(Cases, "test_tofu_fmt:" + rel, case)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    version = Path(sys.argv[1]).read_text().strip()
    if len(sys.argv) > 2:
        INFRA = Path(sys.argv[2])
    TOFU = tofu_path(version)
    if not os.access(TOFU, os.X_OK):
        raise SystemExit("%s not found: run tools/infra/install-tofu" % TOFU)
    add_cases(INFRA)
    sys.exit(junit.main(__name__))
