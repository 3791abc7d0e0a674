"""attestation.py's pure parts: the predicates deploy-dev signs, and the
check that keeps only verified statements about the image's own digest.

Usage: attestation_test.py   (run by //tools/release:attestation_test)
"""

import base64
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import attestation  # noqa: E402

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
SMOKE = {"base": "https://gw/dev", "image_digest": D1, "finished_at": "2026-12-03T00:00:00Z",
         "checks": [{"name": "GET /health is 200 with status ok", "ok": True},
                    {"name": "GET /docs is 200", "ok": True}]}


def envelope(predicate_type, subject_digest, predicate):
    statement = {"_type": "https://in-toto.io/Statement/v0.1", "predicateType": predicate_type,
                 "subject": [{"name": "registry/api", "digest": {"sha256": subject_digest.split(":")[1]}}],
                 "predicate": predicate}
    return json.dumps({"payloadType": "application/vnd.in-toto+json",
                       "payload": base64.b64encode(json.dumps(statement).encode()).decode(),
                       "signatures": [{"sig": "x"}]})


def provenance(**overrides):
    args = dict(digest=D1, repository="example-org/civet-api", commit="c0ffee", ref="refs/heads/dev",
                workflow_ref="example-org/civet-api/.github/workflows/deploy-dev.yml@refs/heads/dev",
                run_id="42", run_attempt="2", server_url="https://github.com",
                target="//services/api:image", runner_environment="github-hosted", recorded_digest=D1,
                started_on="2026-12-03T00:00:00Z")
    args.update(overrides)
    return attestation.provenance(**args)


class Provenance(unittest.TestCase):
    def test_names_commit_workflow_run_target_and_builder(self):
        p = provenance()
        build = p["buildDefinition"]
        self.assertEqual(build["resolvedDependencies"][0],
                         {"uri": "git+https://github.com/example-org/civet-api@refs/heads/dev",
                          "digest": {"gitCommit": "c0ffee"}})
        self.assertEqual(build["externalParameters"]["workflow"]["path"], ".github/workflows/deploy-dev.yml")
        self.assertEqual(build["externalParameters"]["target"], "//services/api:image")
        self.assertEqual(p["runDetails"]["builder"]["id"],
                         "https://github.com/example-org/civet-api/.github/workflows/deploy-dev.yml@refs/heads/dev")
        self.assertEqual(p["runDetails"]["metadata"]["invocationId"],
                         "https://github.com/example-org/civet-api/actions/runs/42/attempts/2")

    def test_reproducible_only_when_built_equals_recorded(self):
        self.assertTrue(provenance()["buildDefinition"]["internalParameters"]["reproducible"])
        self.assertFalse(provenance(recorded_digest=D2)["buildDefinition"]["internalParameters"]["reproducible"])

    def test_missing_run_context_is_a_usage_error(self):
        with self.assertRaisesRegex(attestation.UsageError, "--commit"):
            provenance(commit=None)
        with self.assertRaisesRegex(attestation.UsageError, "not sha256"):
            provenance(digest="sha256:abc")


class Validated(unittest.TestCase):
    def make(self, smoke=SMOKE, digest=D1):
        return attestation.validated(digest, "dev", "c", "s", "arn:td:3", "ecs-svc/1", smoke,
                                     validated_on="2026-12-03T00:01:00Z")

    def test_records_deployment_and_checks(self):
        v = self.make()
        self.assertEqual(v["digest"], D1)
        self.assertEqual(v["environment"], "dev")
        self.assertEqual(v["deployment"]["task_definition"], "arn:td:3")
        self.assertEqual(v["smoke"]["checks"], ["GET /health is 200 with status ok", "GET /docs is 200"])

    def test_refuses_a_failed_or_empty_smoke_report(self):
        failed = dict(SMOKE, checks=[{"name": "GET /docs is 200", "ok": False}])
        with self.assertRaisesRegex(attestation.UsageError, "failed checks: GET /docs"):
            self.make(failed)
        with self.assertRaisesRegex(attestation.UsageError, "no checks"):
            self.make(dict(SMOKE, checks=[]))

    def test_refuses_a_smoke_report_of_another_digest(self):
        with self.assertRaisesRegex(attestation.UsageError, "is for sha256:1"):
            self.make(digest=D2)


class Check(unittest.TestCase):
    validated = staticmethod(lambda d, env="dev": {"digest": d, "environment": env})

    def test_keeps_the_statement_about_this_digest(self):
        text = "\n".join([envelope(attestation.VALIDATED_TYPE, D1, self.validated(D1)),
                          envelope(attestation.PROVENANCE_TYPE, D1, {})])
        kept, refused = attestation.matching(text, D1, attestation.VALIDATED_TYPE)
        self.assertEqual(len(kept), 1)
        self.assertEqual(refused, [])

    def test_refuses_a_statement_about_another_digest(self):
        text = envelope(attestation.VALIDATED_TYPE, D2, self.validated(D2))
        kept, refused = attestation.matching(text, D1, attestation.VALIDATED_TYPE)
        self.assertEqual(kept, [])
        self.assertIn("about %s, not %s" % (D2, D1), refused[0])

    def test_refuses_validated_in_another_environment(self):
        text = envelope(attestation.VALIDATED_TYPE, D1, self.validated(D1, "staging"))
        kept, refused = attestation.matching(text, D1, attestation.VALIDATED_TYPE)
        self.assertEqual(kept, [])
        self.assertIn("'staging'", refused[0])

    def test_other_types_and_noise_are_ignored(self):
        text = "WARNING: something\n" + envelope(attestation.SPDX_TYPE, D1, {"name": "api", "packages": [1]})
        self.assertEqual(attestation.matching(text, D1, attestation.VALIDATED_TYPE), ([], []))
        kept, _ = attestation.matching(text, D1, attestation.SPDX_TYPE)
        self.assertEqual(attestation.summary(kept[0]), "SPDX SBOM api, 1 packages")

    def test_cli_exit_codes(self):
        import io
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(envelope(attestation.VALIDATED_TYPE, D2, self.validated(D2)) + "\n")
        err = io.StringIO()
        stderr, sys.stderr = sys.stderr, err
        try:
            self.assertEqual(attestation.main(["check", "--digest", D1, "--type", "validated", f.name]), 1)
            self.assertEqual(attestation.main(["check", "--digest", "sha256:1", "--type", "validated", f.name]), 2)
        finally:
            sys.stderr = stderr
            os.unlink(f.name)
        self.assertIn("no verified validated attestation about " + D1, err.getvalue())


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(HERE, "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
