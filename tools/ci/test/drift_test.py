"""tools/ci/drift: what drift.yml reports for the plans and the audit it is given.

Each case writes the JSON `tofu show -json` and tools/ci/audit.sh would
write for one situation and runs tools/ci/drift as the workflow does, checking
its exit status (0 no drift, 2 drift, 1 could not tell), the line that names
each address, and the run summary's table. The situations are the ones
drift.yml exists for: an edit in the console (a usage plan's rate, a security
group rule), a service moved to another image, a deploy's new task definition
revision (expected while the image is the record's and verifies), an
allow-listed difference, and inputs that do not allow a verdict.

Usage: drift_test.py DRIFT_SCRIPT ALLOWLIST   (run by //tools/ci:drift_test;
ALLOWLIST is the committed infra/live/drift-allowlist.txt)
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

DRIFT = ALLOWLIST = None
SERVICE = "module.stack.module.ecs_service.aws_ecs_service.this"
PLAN = "module.stack.module.api_gateway.aws_api_gateway_usage_plan.this"
SG = "module.stack.module.ecs_service.aws_security_group.tasks"
RECORD = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64
TD = "arn:aws:ecs:eu-west-1:111111111111:task-definition/civet-api-dev:%d"


def plan(drift=(), changes=(), errored=False):
    return {"format_version": "1.2", "terraform_version": "1.10.6", "errored": errored,
            "resource_drift": list(drift), "resource_changes": list(changes)}


def update(address, before, after, after_unknown=None):
    return {"address": address, "mode": "managed", "type": address.split(".")[-2], "name": address.split(".")[-1],
            "change": {"actions": ["update"], "before": before, "after": after,
                       "after_unknown": after_unknown or {}}}


def no_op(address):
    return {"address": address, "change": {"actions": ["no-op"], "before": {"a": 1}, "after": {"a": 1}}}


def usage_plan(rate):
    return {"name": "civet-api-dev", "throttle_settings": [{"rate_limit": rate, "burst_limit": 40}]}


def service(revision):
    return {"name": "civet-api-dev", "task_definition": TD % revision, "desired_count": 1}


def audit(tasks=RECORD, signature="verified", ok=None):
    rows = [{"source": "record", "location": "infra/live/release.json", "digest": RECORD,
             "status": "match", "detail": "", "signature": None},
            {"source": "dev-registry", "location": "repo@" + RECORD, "digest": RECORD,
             "status": "match", "detail": "", "signature": signature},
            {"source": "dev-tasks", "location": "c/s task 1", "digest": tasks,
             "status": "match" if tasks == RECORD else "DIFFERS", "detail": "", "signature": None}]
    if ok is None:
        ok = tasks == RECORD and signature in (None, "verified")
    return {"expected_digest": RECORD, "expected_from": "record", "ok": ok, "sources": rows,
            "differing": [] if ok else ["dev-tasks"]}


class Drift(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.summary = os.path.join(self.dir, "summary.md")

    def write(self, name, value):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as out:
            out.write(value if isinstance(value, str) else json.dumps(value))
        return path

    def run_drift(self, refresh=None, normal=None, audit_json=None, allowlist=None, files=None):
        files = files or {}
        args = [DRIFT, "report", "--account", "dev", "--summary", self.summary,
                "--refresh-only", files.get("refresh") or self.write("refresh-only.json", refresh or plan()),
                "--plan", files.get("plan") or self.write("plan.json", normal or plan()),
                "--audit", files.get("audit") or self.write("audit.json", audit_json or audit())]
        if allowlist is not None:
            args += ["--allowlist", self.write("allowlist.txt", allowlist)]
        done = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, GITHUB_STEP_SUMMARY=""))
        return done

    def summary_text(self):
        with open(self.summary, encoding="utf-8") as source:
            return source.read()

    # ------------------------------------------------------------ no drift

    def test_a_clean_account_reports_no_drift(self):
        done = self.run_drift(plan(drift=[no_op(PLAN)]), plan(changes=[no_op(SG)]))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual(done.stdout.strip().splitlines()[-1], "no drift")
        self.assertIn("### Drift (dev): no drift", self.summary_text())

    # ----------------------------------------------- edits in the console

    def test_a_usage_plan_rate_raised_by_hand_is_drift_naming_the_address_and_attribute(self):
        done = self.run_drift(plan(drift=[update(PLAN, usage_plan(20), usage_plan(500))]),
                              plan(changes=[update(PLAN, usage_plan(500), usage_plan(20))]))
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        drifted = [line for line in done.stdout.splitlines() if line.startswith("DRIFT")]
        self.assertEqual(len(drifted), 2, done.stdout)  # what changed, and what an apply would change back
        self.assertTrue(all(PLAN in line and "throttle_settings[0].rate_limit" in line for line in drifted))
        self.assertIn("[drift]", drifted[0] + drifted[1])
        self.assertIn("[plan]", drifted[0] + drifted[1])
        self.assertEqual(done.stdout.strip().splitlines()[-1], "drift: " + PLAN)

    def test_an_ingress_rule_added_to_the_services_security_group_is_drift(self):
        before = {"name": "civet-api-dev-tasks", "ingress": [{"from_port": 8080, "to_port": 8080}]}
        after = {"name": "civet-api-dev-tasks", "ingress": [{"from_port": 8080, "to_port": 8080},
                                                            {"from_port": 22, "to_port": 22}]}
        done = self.run_drift(plan(drift=[update(SG, before, after)]))
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertRegex(done.stdout, r"DRIFT +%s +\[drift\] ingress" % SG.replace(".", r"\."))
        table = self.summary_text()
        self.assertIn("### Drift (dev): DRIFT", table)
        self.assertIn("| DRIFT | `%s` | drift | ingress |" % SG, table)

    def test_a_resource_an_apply_would_create_is_drift(self):
        created = {"address": "module.stack.module.nlb.aws_lb.this", "change": {"actions": ["create"]}}
        done = self.run_drift(normal=plan(changes=[created]))
        self.assertEqual(done.returncode, 2)
        self.assertIn("module.stack.module.nlb.aws_lb.this  [plan] (create)", done.stdout)

    # ------------------------------------------------------ the image rule

    def test_a_deploys_task_definition_revision_is_expected_while_the_record_runs_and_verifies(self):
        done = self.run_drift(plan(drift=[update(SERVICE, service(1), service(7))]))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertRegex(done.stdout, r"EXPECTED +%s +\[drift\] task_definition \(deploys register revisions; "
                                      r"running %s = record, verified\)" % (SERVICE.replace(".", r"\."), RECORD))

    def test_a_service_on_another_image_is_drift_even_with_the_revision_expected(self):
        done = self.run_drift(plan(drift=[update(SERVICE, service(1), service(8))]), audit_json=audit(tasks=OTHER))
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertRegex(done.stdout, r"DRIFT +%s +\[drift\] task_definition" % SERVICE.replace(".", r"\."))
        self.assertRegex(done.stdout, r"DRIFT +%s +\[image\] image \(running %s, record %s" % (
            SERVICE.replace(".", r"\."), OTHER, RECORD))

    def test_another_image_is_drift_when_terraform_sees_no_difference(self):
        done = self.run_drift(audit_json=audit(tasks=OTHER))
        self.assertEqual(done.returncode, 2)
        self.assertIn("[image] image", done.stdout)

    def test_the_record_running_unverified_is_drift(self):
        done = self.run_drift(plan(drift=[update(SERVICE, service(1), service(7))]),
                              audit_json=audit(signature="NOT VERIFIED: signature"))
        self.assertEqual(done.returncode, 2, done.stdout)
        self.assertIn("NOT VERIFIED: signature", done.stdout)
        done = self.run_drift(plan(drift=[update(SERVICE, service(1), service(7))]), audit_json=audit(signature=None))
        self.assertEqual(done.returncode, 2, done.stdout)
        self.assertIn("the audit verified no signature", done.stdout)

    def test_only_the_task_definition_is_expected_on_the_service(self):
        after = dict(service(7), desired_count=5)
        done = self.run_drift(plan(drift=[update(SERVICE, service(1), after)]))
        self.assertEqual(done.returncode, 2)
        self.assertRegex(done.stdout, r"DRIFT +%s +\[drift\] desired_count" % SERVICE.replace(".", r"\."))
        self.assertIn("EXPECTED", done.stdout)

    # ------------------------------------------------------ the allow-list

    def test_an_allow_listed_address_and_attribute_is_allowed_and_says_why(self):
        allow = "# address attribute why\n%s throttle_settings[0].rate_limit raised for the launch week, INC-42\n" % PLAN
        done = self.run_drift(plan(drift=[update(PLAN, usage_plan(20), usage_plan(500))]), allowlist=allow)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("ALLOWED   %s  [drift] throttle_settings[0].rate_limit (raised for the launch week, INC-42)" % PLAN,
                      done.stdout)

    def test_an_entry_covers_its_address_and_attribute_only(self):
        allow = "%s throttle_settings[0].burst_limit only the burst\n" % PLAN
        allow += "module.stack.module.api_gateway.aws_api_gateway_usage_plan.other throttle_settings another plan\n"
        done = self.run_drift(plan(drift=[update(PLAN, usage_plan(20), usage_plan(500))]), allowlist=allow)
        self.assertEqual(done.returncode, 2, done.stdout)
        self.assertIn("DRIFT     %s  [drift] throttle_settings[0].rate_limit" % PLAN, done.stdout)

    def test_an_entry_that_would_hide_a_resource_type_is_refused(self):
        for entry in ("aws_security_group ingress too noisy",
                      "module.stack.module.ecs_service.aws_security_group.* ingress all of them",
                      "module.stack.*.aws_api_gateway_usage_plan.this throttle_settings any module",
                      "%s throttle_settings" % PLAN):  # no why
            done = self.run_drift(allowlist=entry + "\n")
            self.assertEqual(done.returncode, 1, entry)
            self.assertIn("could not tell", done.stderr + done.stdout, entry)

    def test_the_committed_allow_list_is_well_formed(self):
        with open(ALLOWLIST, encoding="utf-8") as source:
            committed = source.read()
        done = self.run_drift(allowlist=committed)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

    # ----------------------------------------------------- could not tell

    def test_a_plan_that_did_not_run_or_errored_is_could_not_tell(self):
        done = self.run_drift(files={"refresh": os.path.join(self.dir, "missing.json")})
        self.assertEqual(done.returncode, 1)
        self.assertIn("refresh-only plan", done.stderr)
        done = self.run_drift(normal=plan(errored=True))
        self.assertEqual(done.returncode, 1)
        self.assertIn("the plan errored", done.stderr)
        done = self.run_drift(files={"plan": self.write("log.jsonl", '{"@level":"info"}\n{"@level":"error"}\n')})
        self.assertEqual(done.returncode, 1)
        self.assertIn("could not tell", self.summary_text())

    def test_no_audit_is_could_not_tell(self):
        done = self.run_drift(files={"audit": os.path.join(self.dir, "no-audit.json")})
        self.assertEqual(done.returncode, 1)
        self.assertIn("did the audit run", done.stderr)

    def test_bad_usage_never_looks_like_drift(self):
        done = subprocess.run([DRIFT, "report", "--plan", "x"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 1, done.stderr)
        done = subprocess.run([DRIFT, "apply"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 1, done.stderr)
        done = subprocess.run([DRIFT, "--help"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0)
        self.assertIn("Exit (report): 0 no drift, 2 drift, 1 could not tell", done.stdout)

    # ------------------------------------------------- the applied version

    def test_applied_version_is_the_states_app_version(self):
        containers = json.dumps([{"name": "api", "environment": [{"name": "APP_ENV", "value": "dev"},
                                                                 {"name": "APP_VERSION", "value": "4b21dda"}]}])
        state = {"values": {"root_module": {"child_modules": [{"child_modules": [{"resources": [
            {"mode": "managed", "type": "aws_ecs_task_definition", "values": {"container_definitions": containers}}]}]}]}}}
        done = subprocess.run([DRIFT, "applied-version", "--state", self.write("state.json", state)],
                              capture_output=True, text=True)
        self.assertEqual((done.returncode, done.stdout.strip()), (0, "4b21dda"), done.stderr)
        done = subprocess.run([DRIFT, "applied-version", "--state", self.write("empty.json", {"values": {}})],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 1)
        self.assertIn("0 APP_VERSION values", done.stderr)


if __name__ == "__main__":
    DRIFT, ALLOWLIST = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    del sys.argv[1:]
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
