"""OpenTofu itself over infra/: `tofu fmt -check` and `tofu validate`.

One test case per directory with .tf files and per check:
  fmt:<dir>       `tofu fmt -check -diff <dir>` (the union is -recursive);
  validate:<dir>  `tofu init -backend=false` then `tofu validate`, with the
                  real AWS provider (hashicorp/aws 5.46.0, built from source
                  by tools/bootstrap and found through the project's CLI
                  configuration, never a registry).
A failure message is tofu's own output. Everything runs in a copy of infra/
under TEST_TMPDIR, so no .terraform or lock file lands in the tree.

tofu is the launcher tools/infra/install-aws-provider writes beside the
bootstrap virtualenv this script runs in (so it is found without HOME, which
Bazel resets for tests); a missing one fails with the command that builds it.

Usage: tofu_test.py [INFRA_DIR]   (default: infra)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import junit
import tfconfig

TOFU = Path(sys.prefix).resolve().parent / "go" / "bin" / "tofu"
COPY = {}


def copy_of(infra):
    """One copy of infra/ per run, where modules' relative sources resolve."""
    if "dir" not in COPY:
        tmp = Path(tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR")))
        shutil.copytree(infra, tmp / "infra", symlinks=False)
        COPY["dir"] = tmp / "infra"
    return COPY["dir"]


def tofu(directory, *args):
    env = dict(os.environ, TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1")
    env.pop("TF_CLI_CONFIG_FILE", None)  # the launcher sets the project's
    return subprocess.run([str(TOFU), *args], cwd=directory, env=env, capture_output=True, text=True)


class Cases(unittest.TestCase):
    """Filled in by add_cases."""


def add_cases(infra):
    dirs = tfconfig.module_dirs(Path(infra))
    if not dirs:
        raise SystemExit("no .tf files under %s" % infra)
    for d in dirs:
        rel = d.relative_to(Path(infra))

        def fmt(self, rel=rel):
            result = tofu(copy_of(infra) / rel, "fmt", "-check", "-diff", "-no-color", ".")
            self.assertEqual(result.returncode, 0, "tofu fmt would change:\n" + result.stdout + result.stderr)

        def validate(self, rel=rel):
            directory = copy_of(infra) / rel
            init = tofu(directory, "init", "-backend=false", "-no-color")
            self.assertEqual(init.returncode, 0, "tofu init failed:\n" + init.stdout + init.stderr)
            result = tofu(directory, "validate", "-no-color")
            self.assertEqual(result.returncode, 0, "tofu validate:\n" + result.stdout + result.stderr)

        name = str(Path(infra).name / rel)
        setattr(Cases, "test_fmt:" + name, fmt)
        setattr(Cases, "test_validate:" + name, validate)


if __name__ == "__main__":
    infra = sys.argv[1] if len(sys.argv) > 1 else "infra"
    if not os.access(TOFU, os.X_OK):
        raise SystemExit("%s not found: run tools/bootstrap (it builds OpenTofu and the AWS provider)" % TOFU)
    add_cases(infra)
    sys.exit(junit.main(__name__))
