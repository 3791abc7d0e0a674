"""tools/release/set-repo-config: the list it sets is the workflows' list, and
a dry run prints everything and calls nothing.

- The names it sets (`--list`) are exactly the `secrets.X` / `vars.X` the
  workflows that run on events reference, with the same kind (a workflow
  that adds a secret the script does not set fails this test), and exactly
  the names of docs/setup.md's table.
- Dry-run (the default) with the outputs of both live trees: every name on
  stdout, each secret masked (its value nowhere in the output), a stub `gh`
  first on PATH never called; `--apply` calls it once per name, secrets on
  stdin; a missing output fails naming the output, the tree and the name,
  before gh is called.

Usage: set_repo_config_test.py SCRIPT SETUP_MD WORKFLOW.yml...
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import yaml

SCRIPT = SETUP_MD = None
WORKFLOWS = []

DEV = {
    "api_invoke_url": "https://abc123.execute-api.eu-central-1.amazonaws.com/dev/",
    "api_key_id": "k1",
    "deploy_role_arn": "arn:aws:iam::111111111111:role/civet-api-dev-deploy",
    "drift_role_arn": "arn:aws:iam::111111111111:role/civet-api-dev-github-drift",
    "ecr_reader_role_arn": "arn:aws:iam::111111111111:role/civet-api-dev-ecr-reader",
    "ecr_repository_url": "111111111111.dkr.ecr.eu-central-1.amazonaws.com/civet-api-dev",
    "ecs_cluster_name": "cluster-dev-7f3a",
    "ecs_service_name": "service-dev-91bc",
    "signatures_repository_url": "111111111111.dkr.ecr.eu-central-1.amazonaws.com/civet-api-dev-signatures",
    "signing_key_uri": "awskms:///arn:aws:kms:eu-central-1:111111111111:alias/civet-api-dev/signing",
}
PROD = {
    "api_invoke_url": "https://def456.execute-api.us-east-2.amazonaws.com/prod",
    "deploy_role_arn": "arn:aws:iam::222222222222:role/civet-api-prod-deploy",
    "drift_role_arn": "arn:aws:iam::222222222222:role/civet-api-prod-github-drift",
    "ecr_reader_role_arn": None,
    "ecr_repository_url": "222222222222.dkr.ecr.us-east-2.amazonaws.com/civet-api-prod",
    "ecs_cluster_name": "cluster-prod-2d4e",
    "ecs_service_name": "service-prod-c0de",
    "signatures_repository_url": "222222222222.dkr.ecr.us-east-2.amazonaws.com/civet-api-prod-signatures",
    "signing_key_uri": "awskms:///arn:aws:kms:us-east-2:222222222222:alias/civet-api-prod/signing",
}
SECRET_VALUES = [DEV["deploy_role_arn"], DEV["ecr_reader_role_arn"], PROD["deploy_role_arn"],
                 DEV["drift_role_arn"], PROD["drift_role_arn"],
                 DEV["ecr_repository_url"], PROD["ecr_repository_url"], DEV["ecs_cluster_name"], DEV["ecs_service_name"], PROD["ecs_cluster_name"],
                 PROD["ecs_service_name"], PROD["api_invoke_url"], "the-dev-api-key"]


def referenced(texts):
    """{name: kind} of the secrets and variables the event workflows reference."""
    names = {}
    for text in texts:
        doc = yaml.safe_load(text)
        on = doc.get("on", doc.get(True))
        if isinstance(on, dict) and "workflow_call" in on:
            continue  # the reusable workflow's secrets are its inputs, named by the callers
        for kind, word in (("secret", "secrets"), ("variable", "vars")):
            for name in re.findall(r"\b%s\.([A-Za-z0-9_]+)" % word, text):
                if name != "GITHUB_TOKEN":
                    names[name] = kind
    return names


def script_list():
    out = subprocess.run([SCRIPT, "--list"], capture_output=True, text=True, check=True).stdout
    return dict(line.split() for line in out.splitlines())


def differences(want, have):
    problems = ["workflows reference %s %s, which set-repo-config does not set" % (k, n)
                for n, k in sorted(want.items()) if n not in have]
    problems += ["set-repo-config sets %s, which no workflow references" % n
                 for n in sorted(have) if n not in want]
    problems += ["%s: workflows use it as a %s, set-repo-config sets a %s" % (n, want[n], have[n])
                 for n in sorted(want) if n in have and want[n] != have[n]]
    return problems


def texts():
    out = []
    for path in WORKFLOWS:
        with open(path, encoding="utf-8") as f:
            out.append(f.read())
    return out


class TheList(unittest.TestCase):
    def test_script_sets_exactly_what_the_workflows_reference(self):
        want = referenced(texts())
        self.assertGreaterEqual(len(want), 15, want)
        self.assertEqual(differences(want, script_list()), [])

    def test_a_secret_added_to_a_workflow_is_caught(self):
        extra = "on: push\njobs:\n  j:\n    env:\n      X: ${{ secrets.PROD_NEW_THING }}\n      Y: ${{ vars.DEV_ZONE }}\n"
        problems = differences(referenced(texts() + [extra]), script_list())
        self.assertIn("workflows reference secret PROD_NEW_THING, which set-repo-config does not set", problems)
        self.assertIn("workflows reference variable DEV_ZONE, which set-repo-config does not set", problems)

    def test_setup_md_table_is_the_list(self):
        with open(SETUP_MD, encoding="utf-8") as f:
            text = f.read()
        section = text.split("## Repository secrets and variables", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        names = {n for row in rows for n in re.findall(r"`((?:DEV|PROD)_[A-Z0-9_]+)`", row.split("|")[1])}
        self.assertEqual(sorted(names), sorted(script_list()))


class Runs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.log = os.path.join(d, "gh.log")
        os.mkdir(os.path.join(d, "bin"))
        gh = os.path.join(d, "bin", "gh")
        with open(gh, "w") as f:
            f.write('#!/bin/sh\n{ printf "%%s " "$@"; printf "| stdin: "; [ -t 0 ] || cat; echo; } >> "%s"\n'
                    % self.log)
        os.chmod(gh, 0o755)
        self.env = dict(os.environ, PATH=os.path.join(d, "bin") + os.pathsep + os.environ["PATH"],
                        DEV_API_KEY="the-dev-api-key")
        self.env.pop("PROD_API_KEY", None)
        self.dev = self.outputs("dev", DEV)
        self.prod = self.outputs("prod", PROD)

    def tearDown(self):
        self.tmp.cleanup()

    def outputs(self, name, values):
        path = os.path.join(self.tmp.name, name + ".json")
        with open(path, "w") as f:
            json.dump({k: {"sensitive": False, "type": "string", "value": v} for k, v in values.items()}, f)
        return path

    def run_script(self, *args):
        return subprocess.run([SCRIPT, "--repo", "octo-org/civet-api", "--dev-outputs", self.dev,
                               "--prod-outputs", self.prod, *args],
                              capture_output=True, text=True, env=self.env, stdin=subprocess.DEVNULL)

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return f.read().splitlines()

    def test_dry_run_prints_everything_and_calls_nothing(self):
        done = self.run_script()
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(self.calls(), [])
        for name in script_list():
            self.assertIn(name, done.stdout)
        for value in SECRET_VALUES:
            self.assertNotIn(value.strip(), done.stdout)
        self.assertIn("gh secret set DEV_DEPLOY_ROLE_ARN --repo octo-org/civet-api <<< '***'", done.stdout)
        self.assertIn("gh variable set DEV_AWS_REGION --repo octo-org/civet-api --body eu-central-1", done.stdout)
        self.assertIn("gh variable set PROD_AWS_REGION --repo octo-org/civet-api --body us-east-2", done.stdout)
        self.assertIn("--body " + DEV["signing_key_uri"], done.stdout)
        self.assertIn("PROD_API_KEY: skipped (optional, $PROD_API_KEY not set)", done.stdout)

    def test_dry_run_prints_the_rulesets(self):
        done = self.run_script()
        self.assertIn("gh api --method POST repos/octo-org/civet-api/rulesets", done.stdout)
        self.assertIn('"refs/tags/v*"', done.stdout)
        self.assertIn('"type": "creation"', done.stdout)
        self.assertIn('"refs/heads/dev"', done.stdout)

    def test_apply_sets_each_name_secrets_on_stdin(self):
        done = self.run_script("--apply")
        self.assertEqual(done.returncode, 0, done.stderr)
        calls = self.calls()
        self.assertIn("secret set DEV_DEPLOY_ROLE_ARN --repo octo-org/civet-api | stdin: " + DEV["deploy_role_arn"], calls)
        self.assertIn("secret set DEV_API_URL --repo octo-org/civet-api | stdin: " + DEV["api_invoke_url"].rstrip("/"), calls)
        self.assertIn("variable set PROD_AWS_REGION --repo octo-org/civet-api --body us-east-2 | stdin: ", calls)
        self.assertIn("secret set DEV_API_KEY --repo octo-org/civet-api | stdin: the-dev-api-key", calls)
        self.assertEqual(len(calls), len(script_list()) - 1, calls)  # PROD_API_KEY unset
        for call in calls:
            argv = call.split(" | stdin:")[0]
            for value in SECRET_VALUES:
                self.assertNotIn(value.strip(), argv, "a secret on gh's command line")

    def test_missing_output_names_it_and_calls_nothing(self):
        broken = dict(DEV)
        del broken["deploy_role_arn"]
        self.dev = self.outputs("dev", broken)
        done = self.run_script("--apply")
        self.assertEqual(done.returncode, 1)
        self.assertIn("DEV_DEPLOY_ROLE_ARN: infra/live/dev has no output deploy_role_arn", done.stderr)
        self.assertEqual(self.calls(), [])

    def test_not_tofu_output(self):
        with open(self.prod, "w") as f:
            f.write("not json")
        done = self.run_script()
        self.assertEqual(done.returncode, 1)
        self.assertIn("not the JSON of `tofu output -json`", done.stderr)

    def test_help_and_bad_usage(self):
        done = subprocess.run([SCRIPT, "--help"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0)
        self.assertIn("Dry-run by default", done.stdout)
        done = subprocess.run([SCRIPT, "--repo", "not a repo"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 2)


if __name__ == "__main__":
    SCRIPT, SETUP_MD, WORKFLOWS = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3:]
    del sys.argv[1:]
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
