"""The pure parts of the emulated accounts, on small made-up inputs: IAM
condition operators, trust-policy evaluation of OIDC claims, JWT
verification against the issuer's JWKS, ECS calls authorized on their
resources, the second plan's allow-list, and the gateway's route patterns.

Usage: logic_test.py   (run by //tools/rehearsal:aws_logic_test)
"""

import os
import re
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import emulated_account as account  # noqa: E402
import gateway  # noqa: E402
import iam_resources  # noqa: E402
import oidc_issuer as issuer  # noqa: E402
import terraform_account as terraform  # noqa: E402

HOST = "token.actions.githubusercontent.com"
PROVIDER = "arn:aws:iam::111111111111:oidc-provider/" + HOST
SUB = "repo:example-org@900000000/civet-api@900000001:ref:refs/heads/dev"


def trust(sub_test="StringEquals", sub=SUB, provider=PROVIDER):
    """A trust policy as modules/github_oidc writes it."""
    condition = {"StringEquals": {HOST + ":aud": "sts.amazonaws.com"}}
    condition.setdefault(sub_test, {})[HOST + ":sub"] = sub
    return {"Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": provider}, "Condition": condition,
    }]}


def claims(**changes):
    base = {"iss": "https://" + HOST, "aud": "sts.amazonaws.com", "sub": SUB}
    base.update(changes)
    return base


class Conditions(unittest.TestCase):
    def test_string_equals_and_like(self):
        self.assertTrue(account.condition_matches("StringEquals", ["a", "b"], "b"))
        self.assertFalse(account.condition_matches("StringEquals", "a", "ab"))
        self.assertTrue(account.condition_matches("StringLike", "refs/tags/v*", "refs/tags/v1.2.3"))
        self.assertFalse(account.condition_matches("StringLike", "refs/tags/v*", "refs/heads/v1"))
        self.assertFalse(account.condition_matches("StringLike", "refs/tags/v[12]", "refs/tags/v1"))
        self.assertTrue(account.condition_matches("StringLike", "refs/tags/v?.0", "refs/tags/v2.0"))

    def test_a_missing_value_matches_only_negations(self):
        self.assertFalse(account.condition_matches("StringEquals", "a", None))
        self.assertTrue(account.condition_matches("StringNotEquals", "a", None))
        self.assertFalse(account.condition_matches("Bool", "false", None))

    def test_bool_and_unknown_operators(self):
        self.assertTrue(account.condition_matches("Bool", "false", "False"))
        self.assertFalse(account.condition_matches("Bool", "false", "true"))
        self.assertFalse(account.condition_matches("IpAddress", "10.0.0.0/8", "10.0.0.1"))

    def test_tls_only_bucket_policy_does_not_apply_over_tls(self):
        deny_insecure = {"Bool": {"aws:SecureTransport": "false"}}
        self.assertFalse(account.conditions_match(deny_insecure, dict(account.REQUEST_CONTEXT)))
        self.assertTrue(account.conditions_match(deny_insecure, {"aws:SecureTransport": "false"}))


class Trust(unittest.TestCase):
    def test_the_role_admits_its_ref(self):
        self.assertTrue(account.trust_admits(trust(), [PROVIDER], claims()))

    def test_another_sub_audience_or_provider_is_refused(self):
        self.assertFalse(account.trust_admits(trust(), [PROVIDER], claims(sub=SUB.replace("dev", "main"))))
        self.assertFalse(account.trust_admits(trust(), [PROVIDER], claims(aud="other")))
        self.assertFalse(account.trust_admits(trust(), [], claims()))
        self.assertFalse(account.trust_admits(trust(), [PROVIDER], claims(iss="https://issuer.example")))

    def test_tag_patterns_need_string_like(self):
        tags = "repo:example-org@900000000/civet-api@900000001:ref:refs/tags/v*"
        tag = claims(sub=tags.replace("v*", "v1.0.0"))
        self.assertTrue(account.trust_admits(trust("StringLike", tags), [PROVIDER], tag))
        self.assertFalse(account.trust_admits(trust("StringEquals", tags), [PROVIDER], tag))

    def test_an_explicit_deny_wins(self):
        policy = trust()
        policy["Statement"].append(dict(policy["Statement"][0], Effect="Deny"))
        self.assertFalse(account.trust_admits(policy, [PROVIDER], claims()))


class DriftTrust(unittest.TestCase):
    """The drift role's trust (modules/github_oidc): the default branch's sub and
    drift.yml's job_workflow_ref, on the claims the issuer mints for a run."""

    MAIN_SUB = "repo:example-org@900000000/civet-api@900000001:ref:refs/heads/main"
    DRIFT_REF = "example-org/civet-api/.github/workflows/drift.yml@refs/heads/main"

    def policy(self):
        return {"Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": PROVIDER},
            "Condition": {"StringEquals": {HOST + ":aud": "sts.amazonaws.com", HOST + ":sub": self.MAIN_SUB,
                                           HOST + ":job_workflow_ref": self.DRIFT_REF}}}]}

    def minted(self, ref, workflow, event):
        """The claims oidc_issuer.py mints for a job of WORKFLOW at REF started by EVENT."""
        job = {"ref": ref, "sha": "0" * 40, "repository": "example-org/civet-api", "repository_id": "900000001",
               "repository_owner_id": "900000000", "workflow_ref": "example-org/civet-api/%s@%s" % (workflow, ref),
               "job_workflow_ref": "example-org/civet-api/%s@%s" % (workflow, ref), "event_name": event,
               "run_id": "1"}
        return issuer.claims_for(job, "sts.amazonaws.com", int(time.time()))

    def test_drift_yml_on_the_default_branch_is_admitted_scheduled_or_dispatched(self):
        for event in ("schedule", "workflow_dispatch"):
            minted = self.minted("refs/heads/main", ".github/workflows/drift.yml", event)
            self.assertEqual((minted["sub"], minted["event_name"]), (self.MAIN_SUB, event))
            self.assertTrue(account.trust_admits(self.policy(), [PROVIDER], minted), event)

    def test_another_workflow_on_the_default_branch_or_drift_yml_elsewhere_is_refused(self):
        same_sub = self.minted("refs/heads/main", ".github/workflows/deploy-dev.yml", "push")
        self.assertEqual(same_sub["sub"], self.MAIN_SUB)  # only job_workflow_ref tells them apart
        self.assertFalse(account.trust_admits(self.policy(), [PROVIDER], same_sub))
        self.assertFalse(account.trust_admits(self.policy(), [PROVIDER],
                                              self.minted("refs/heads/dev", ".github/workflows/drift.yml", "schedule")))
        without = dict(self.minted("refs/heads/main", ".github/workflows/drift.yml", "schedule"))
        del without["job_workflow_ref"]
        self.assertFalse(account.trust_admits(self.policy(), [PROVIDER], without))


class Tokens(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        cls.key, cls.kid = issuer.load_key(cls.dir)
        cls.jwks = issuer.jwks(cls.key, cls.kid)
        cls.job = {"ref": "refs/heads/dev", "sha": "0" * 40, "repository": "example-org/civet-api",
                   "repository_id": "900000001", "repository_owner_id": "900000000",
                   "workflow_ref": "w", "job_workflow_ref": "j", "event_name": "push", "run_id": "1"}

    def token(self, **changes):
        body = issuer.claims_for(self.job, "sts.amazonaws.com", int(time.time()))
        body.update(changes)
        return issuer.sign(self.key, self.kid, body)

    def test_a_token_of_the_issuer_verifies_with_github_claims(self):
        verified = account.verify_jwt(self.token(), self.jwks)
        self.assertEqual(verified["sub"], SUB)
        self.assertEqual(verified["iss"], "https://" + HOST)
        self.assertEqual(verified["repository_owner"], "example-org")

    def test_legacy_subject(self):
        self.assertEqual(issuer.subject(dict(self.job, legacy_sub=True)),
                         "repo:example-org/civet-api:ref:refs/heads/dev")

    def test_the_issuer_mints_githubs_documented_subjects(self):
        """With the values of GitHub's documented example, the issuer's sub
        is the example itself, as GitHub publishes it (changelog 2026-04-23,
        corrected 2026-06-10; aws-actions/configure-aws-credentials#1889)."""
        octo = dict(self.job, repository="octo-org/octo-repo", repository_owner_id="123",
                    repository_id="456", ref="refs/heads/main")
        self.assertEqual(issuer.subject(octo), "repo:octo-org@123/octo-repo@456:ref:refs/heads/main")
        self.assertEqual(issuer.subject(dict(octo, legacy_sub=True)), "repo:octo-org/octo-repo:ref:refs/heads/main")
        documented = issuer.documented_subjects()
        self.assertEqual(issuer.subject(octo), documented["immutable"])
        self.assertEqual(issuer.subject(dict(octo, legacy_sub=True)), documented["legacy"])

    def test_values_are_put_in_place_once(self):
        """A value of the job that looks like one of the example's is not replaced again."""
        job = dict(self.job, repository="octo-repo/123", repository_owner_id="456",
                   repository_id="9", ref="refs/tags/octo-org")
        self.assertEqual(issuer.subject(job), "repo:octo-repo@456/123@9:ref:refs/tags/octo-org")

    def test_a_tampered_token_is_refused(self):
        head, body, signature = self.token().split(".")
        other = self.token(sub=SUB.replace("dev", "main")).split(".")[1]
        with self.assertRaisesRegex(account.WebIdentityRefused, "bad signature"):
            account.verify_jwt(".".join([head, other, signature]), self.jwks)

    def test_another_key_or_an_expired_token_is_refused(self):
        other = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        key, _ = issuer.load_key(other)
        with self.assertRaisesRegex(account.WebIdentityRefused, "bad signature"):
            account.verify_jwt(issuer.sign(key, self.kid, claims(exp=time.time() + 60)), self.jwks)
        with self.assertRaisesRegex(account.WebIdentityRefused, "expired"):
            account.verify_jwt(self.token(exp=int(time.time()) - 1), self.jwks)
        with self.assertRaises(account.WebIdentityRefused):
            account.verify_jwt("not-a-jwt", self.jwks)


ACCOUNT, REGION = "111111111111", "eu-west-1"
CLUSTER = "arn:aws:ecs:%s:%s:cluster/civet-api-dev" % (REGION, ACCOUNT)
SERVICE = "arn:aws:ecs:%s:%s:service/civet-api-dev/api" % (REGION, ACCOUNT)
TASKS = "arn:aws:ecs:%s:%s:task/civet-api-dev/*" % (REGION, ACCOUNT)


def allow(actions, resources, condition=None):
    statement = {"Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


# The audit statement modules/github_oidc wrote until issue 27: ListTasks
# scoped to task and container-instance ARNs, which AWS refuses.
AUDIT_SCOPED_TO_TASKS = allow(["ecs:DescribeTasks", "ecs:ListTasks"],
                              [TASKS, "arn:aws:ecs:%s:%s:container-instance/civet-api-dev/*" % (REGION, ACCOUNT)])
LIST_BY_CLUSTER = allow(["ecs:ListTasks"], "*", {"ArnEquals": {"ecs:cluster": CLUSTER}})


class EcsResources(unittest.TestCase):
    """ECS calls are authorized on the resources AWS names (iam_resources.ECS_ACTIONS)."""

    def refused(self, statements, action, body):
        """None when allowed, else the resource refused."""
        return iam_resources.check_ecs_call([{"Statement": statements}], action, body, ACCOUNT, REGION,
                                            dict(account.REQUEST_CONTEXT), account.conditions_match)

    def test_list_tasks_is_refused_when_scoped_to_task_arns(self):
        self.assertEqual(self.refused([AUDIT_SCOPED_TO_TASKS], "ecs:ListTasks",
                                      {"cluster": "civet-api-dev", "serviceName": "api"}), "*")

    def test_list_tasks_is_allowed_on_star_for_its_cluster_only(self):
        self.assertIsNone(self.refused([LIST_BY_CLUSTER], "ecs:ListTasks", {"cluster": "civet-api-dev"}))
        self.assertIsNone(self.refused([LIST_BY_CLUSTER], "ecs:ListTasks", {"cluster": CLUSTER}))
        self.assertEqual(self.refused([LIST_BY_CLUSTER], "ecs:ListTasks", {"cluster": "other"}), "*")
        self.assertEqual(self.refused([LIST_BY_CLUSTER], "ecs:ListTasks", {}), "*")  # the default cluster

    def test_describe_tasks_needs_every_task_of_the_cluster(self):
        ours = "arn:aws:ecs:%s:%s:task/civet-api-dev/abc" % (REGION, ACCOUNT)
        statement = allow(["ecs:DescribeTasks"], TASKS)
        self.assertIsNone(self.refused([statement], "ecs:DescribeTasks", {"cluster": "civet-api-dev", "tasks": [ours, "def"]}))
        self.assertEqual(self.refused([statement], "ecs:DescribeTasks", {"cluster": "other", "tasks": ["t1"]}),
                         "arn:aws:ecs:%s:%s:task/other/t1" % (REGION, ACCOUNT))

    def test_services_are_authorized_on_the_service_arn(self):
        statement = allow(["ecs:DescribeServices", "ecs:UpdateService"], SERVICE)
        body = {"cluster": CLUSTER, "service": "api"}
        self.assertIsNone(self.refused([statement], "ecs:UpdateService", body))
        self.assertIsNone(self.refused([statement], "ecs:DescribeServices", {"cluster": CLUSTER, "services": ["api"]}))
        self.assertEqual(self.refused([statement], "ecs:UpdateService", dict(body, service="other")),
                         SERVICE.replace("/api", "/other"))
        self.assertEqual(self.refused([allow(["ecs:UpdateService"], CLUSTER)], "ecs:UpdateService", body), SERVICE)

    def test_actions_without_resource_types_need_star(self):
        family = "arn:aws:ecs:%s:%s:task-definition/api:*" % (REGION, ACCOUNT)
        self.assertEqual(self.refused([allow(["ecs:RegisterTaskDefinition"], family)],
                                      "ecs:RegisterTaskDefinition", {"family": "api"}), "*")
        self.assertIsNone(self.refused([allow(["ecs:RegisterTaskDefinition"], "*")],
                                       "ecs:RegisterTaskDefinition", {"family": "api"}))

    def test_wildcards_explicit_deny_and_other_actions(self):
        self.assertIsNone(self.refused([allow("*", "*")], "ecs:UpdateService", {"service": "api"}))
        deny = dict(allow("ecs:*", "*"), Effect="Deny")
        self.assertEqual(self.refused([allow("*", "*"), deny], "ecs:ListTasks", {}), "*")
        self.assertIsNone(self.refused([], "ecs:CreateCluster", {}))  # not ours: moto's check decides

    def test_arn_conditions(self):
        self.assertTrue(account.condition_matches("ArnEquals", CLUSTER, CLUSTER))
        self.assertTrue(account.condition_matches("ArnLike", "arn:aws:ecs:*:*:cluster/civet-*", CLUSTER))
        self.assertFalse(account.condition_matches("ArnEquals", CLUSTER, CLUSTER + "-x"))
        self.assertFalse(account.condition_matches("ArnLike", "arn:aws:ecs:*", CLUSTER))  # six parts each
        self.assertTrue(account.condition_matches("ArnNotEquals", CLUSTER, None))


class SecondPlan(unittest.TestCase):
    allowed = {("aws_vpc_security_group_ingress_rule", "description")}

    def change(self, type_, actions, before=None, after=None):
        return {"address": "module.x.%s.this" % type_, "type": type_,
                "change": {"actions": actions, "before": before or {}, "after": after or {}}}

    def test_only_allow_listed_updates_pass(self):
        plan = {"resource_changes": [
            self.change("aws_vpc_security_group_ingress_rule", ["update"], {"description": None}, {"description": "x"}),
            self.change("aws_lb", ["no-op"]),
        ]}
        self.assertEqual(terraform.unexplained_changes(plan, self.allowed), [])

    def test_other_attributes_and_replacements_are_reported(self):
        plan = {"resource_changes": [
            self.change("aws_vpc_security_group_ingress_rule", ["update"], {"from_port": 80}, {"from_port": 8080}),
            self.change("aws_api_gateway_deployment", ["create", "delete"]),
        ]}
        self.assertEqual(terraform.unexplained_changes(plan, self.allowed), [
            "module.x.aws_vpc_security_group_ingress_rule.this: from_port",
            "module.x.aws_api_gateway_deployment.this: create/delete"])

    def test_the_committed_allowlist_names_a_reason_per_line(self):
        self.assertTrue(terraform.load_allowlist())


class Routes(unittest.TestCase):
    def matches(self, path, url):
        return re.fullmatch(gateway.route_regex(path), url) is not None

    def test_literal_greedy_and_single_segments(self):
        self.assertTrue(self.matches("/openapi.json", "/openapi.json"))
        self.assertFalse(self.matches("/openapi.json", "/openapiXjson"))
        self.assertTrue(self.matches("/docs/{proxy+}", "/docs/a/b.css"))
        self.assertFalse(self.matches("/docs/{proxy+}", "/docs/"))
        self.assertTrue(self.matches("/items/{id}", "/items/7"))
        self.assertFalse(self.matches("/items/{id}", "/items/7/x"))

    def test_literal_routes_come_before_greedy_ones(self):
        routes = [{"path": p} for p in ["/{proxy+}", "/docs/{proxy+}", "/health", "/docs"]]
        ordered = [r["path"] for r in sorted(routes, key=gateway.route_order)]
        self.assertEqual(ordered, ["/health", "/docs", "/docs/{proxy+}", "/{proxy+}"])


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
