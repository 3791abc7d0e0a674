"""OpenTofu itself over infra/: `tofu fmt -check` and `tofu validate`.

One test case per directory with .tf files and per check:
  fmt:<dir>       `tofu fmt -check -diff <dir>` (the union is -recursive);
  validate:<dir>  `tofu init -backend=false` then `tofu validate`, with the
                  real AWS provider (hashicorp/aws 5.46.0, built from source
                  by tools/bootstrap and found through the project's CLI
                  configuration, never a registry).
And plans of modules/github_oidc with no account (Plans, the root module
tools/infra/testdata/github_oidc_plan): what the trust policies and the OIDC
provider come out as, evaluated by OpenTofu itself.
A failure message is tofu's own output. Everything runs in a copy of infra/
under TEST_TMPDIR, so no .terraform or lock file lands in the tree.

tofu is the launcher tools/infra/install-aws-provider writes beside the
bootstrap virtualenv this script runs in (so it is found without HOME, which
Bazel resets for tests); a missing one fails with the command that builds it.

Usage: tofu_test.py [INFRA_DIR]   (default: infra)
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
import tfconfig

TOFU = Path(sys.prefix).resolve().parent / "go" / "bin" / "tofu"
COPY = {}
INFRA = ["infra"]  # the directory given on the command line
PLAN_ROOT = Path("tools/infra/testdata/github_oidc_plan")
# GitHub's documented sub examples; the plan root uses the examples' values.
GITHUB_SUBJECTS = Path("tools/rehearsal/aws/github_oidc_subjects.json")
EXISTING_PROVIDER = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"


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


def plan_root():
    """The plan root beside the copy of infra/, initialised once."""
    if "plan" not in COPY:
        root = copy_of(INFRA[0]).parent / PLAN_ROOT.name
        shutil.copytree(PLAN_ROOT, root)
        init = tofu(root, "init", "-backend=false", "-no-color")
        if init.returncode != 0:
            raise AssertionError("tofu init failed:\n" + init.stdout + init.stderr)
        COPY["plan"] = root
    return COPY["plan"]


def plan(*var_args):
    """(tofu plan's result, {address: planned values} or None when it failed)."""
    root = plan_root()
    result = tofu(root, "plan", "-no-color", "-out=plan.bin", *var_args)
    if result.returncode != 0:
        return result, None
    shown = tofu(root, "show", "-json", "plan.bin")
    changes = json.loads(shown.stdout)["resource_changes"]
    return result, {c["address"]: c["change"]["after"] for c in changes}


def trust_sub(planned, role="module.github_oidc.aws_iam_role.deploy"):
    """The (operator, Federated principal, sub) of a role's planned trust policy."""
    (statement,) = json.loads(planned[role]["assume_role_policy"])["Statement"]
    condition = statement["Condition"]
    operator = next(op for op in condition if "token.actions.githubusercontent.com:sub" in condition[op])
    return (operator, statement["Principal"]["Federated"],
            condition[operator]["token.actions.githubusercontent.com:sub"])


class Plans(unittest.TestCase):
    """modules/github_oidc planned, for GitHub's documented example repository."""

    def test_a_new_account_gets_the_provider(self):
        result, planned = plan("-var", "create_oidc_provider=true")
        self.assertIsNotNone(planned, result.stdout + result.stderr)
        self.assertIn("module.github_oidc.aws_iam_openid_connect_provider.github[0]", planned)

    def test_an_existing_provider_is_trusted_for_githubs_documented_sub(self):
        """No provider is created; the deploy role trusts the given one, for the sub GitHub documents."""
        documented = json.loads(GITHUB_SUBJECTS.read_text(encoding="utf-8"))
        result, planned = plan("-var", "create_oidc_provider=false", "-var", "oidc_provider_arn=" + EXISTING_PROVIDER)
        self.assertIsNotNone(planned, result.stdout + result.stderr)
        self.assertFalse([a for a in planned if "aws_iam_openid_connect_provider" in a], sorted(planned))
        self.assertEqual(trust_sub(planned), ("StringEquals", EXISTING_PROVIDER, documented["immutable"]))

    def test_the_drift_role_trusts_the_default_branchs_drift_workflow_and_only_reads(self):
        """The drift role trusts GitHub's documented sub of the default branch and the
        job_workflow_ref of drift.yml there (GitHub's documented claim shape), both
        StringEquals; every action of its policy reads; without its state bucket the plan fails."""
        documented = json.loads(GITHUB_SUBJECTS.read_text(encoding="utf-8"))
        example = documented["job_workflow_ref"]
        workflow_ref = example["example"].replace(example["values"]["repository"], "octo-org/octo-repo").replace(
            example["values"]["workflow"], ".github/workflows/drift.yml")
        existing = ("-var", "create_oidc_provider=false", "-var", "oidc_provider_arn=" + EXISTING_PROVIDER)
        result, planned = plan(*existing)
        self.assertIsNotNone(planned, result.stdout + result.stderr)
        (statement,) = json.loads(planned["module.github_oidc.aws_iam_role.drift[0]"]["assume_role_policy"])["Statement"]
        self.assertEqual(statement["Condition"], {"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": documented["immutable"],
            "token.actions.githubusercontent.com:job_workflow_ref": workflow_ref}})
        policy = json.loads(planned["module.github_oidc.aws_iam_role_policy.drift[0]"]["policy"])
        actions = [a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
        self.assertIn("s3:GetObject", actions)
        writes = [a for a in actions if not re.match(r"^[a-z0-9-]+:(Describe|Get|List|BatchGet|BatchCheck)|^apigateway:GET$|^kms:Decrypt$", a)]
        self.assertEqual(writes, [])
        state = [s for s in policy["Statement"] if s.get("Sid") == "ReadTheState"]
        self.assertEqual(state[0]["Resource"], "arn:aws:s3:::civet-api-dev-tfstate/live/dev/terraform.tfstate")
        result, planned = plan(*existing, "-var", "state_bucket=")
        self.assertIsNone(planned)
        self.assertIn("drift_ref needs state_bucket", result.stdout + result.stderr)

    def test_no_provider_and_no_arn_fails_the_plan(self):
        result, planned = plan("-var", "create_oidc_provider=false")
        self.assertIsNone(planned)
        self.assertIn("Set oidc_provider_arn", result.stdout + result.stderr)
        result, planned = plan("-var", "create_oidc_provider=false", "-var", "oidc_provider_arn=arn:aws:iam::111111111111:role/x")
        self.assertIsNone(planned)
        self.assertIn("oidc_provider_arn must be null or", result.stdout + result.stderr)


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
    INFRA[0] = infra
    if not os.access(TOFU, os.X_OK):
        raise SystemExit("%s not found: run tools/bootstrap (it builds OpenTofu and the AWS provider)" % TOFU)
    add_cases(infra)
    sys.exit(junit.main(__name__))
