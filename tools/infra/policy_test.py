"""Policy tests on the parsed HCL of infra/: what must hold in both accounts.

Each test reads literals from the parsed configuration (hcl2) and says what
it checks in its docstring. Where a value is computed (a trust condition's
sub claim), the test checks the inputs the computation uses in both trees.

Usage: policy_test.py [INFRA_DIR]   (default: infra)
"""

import json
import re
import sys
import unittest
from pathlib import Path

import junit
import tfconfig
from tfconfig import first

ROOT = Path("infra")
ENVS = ("dev", "prod")
PUBLIC_ROUTES = {("GET", "/health"), ("GET", "/docs"), ("GET", "/docs/{proxy+}"), ("GET", "/openapi.json")}
KEYED_ROUTES = {("ANY", "/{proxy+}")}
# Key policies outside modules/kms_key, where "*" is the key itself.
KEY_POLICIES = {("modules/signing", "key")}
# Modules the stack calls that no tree ever called at its root (no moved block).
MODULES_SINCE_THE_STACK = {"signing"}
UNSCOPABLE_ACTIONS = {"ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecr:GetAuthorizationToken"}
# Actions that authorize on "*" narrowed by a condition key (AWS's Service
# Authorization Reference for ECS): {action: (operator, key)}.
CONDITION_SCOPED_ACTIONS = {"ecs:ListTasks": ("ArnEquals", "ecs:cluster")}
# Reads AWS authorizes on no resource type (Service Authorization Reference:
# no resource listed for them), which a plan's refresh makes: the drift role's.
NO_RESOURCE_READS = {
    "ec2:DescribeFlowLogs", "ec2:DescribeNetworkAcls", "ec2:DescribePrefixLists", "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
    "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs",
    "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetGroups",
    "kms:ListAliases",
}
# What a read looks like: the verbs of AWS's read-only actions, and API
# Gateway's GET. Anything else in the drift role's policy is a write.
READ_ACTION = re.compile(r"^[a-z0-9-]+:(Describe|Get|List|BatchGet|BatchCheck)[A-Za-z]*$|^apigateway:GET$")
# The data (not configuration) the drift role may read, and where.
DRIFT_DATA_READS = {"s3:GetObject", "dynamodb:GetItem", "kms:Decrypt"}
# GitHub's documented sub examples (sources in the file), never our format.
GITHUB_SUBJECTS = Path("tools/rehearsal/aws/github_oidc_subjects.json")
# The placeholders of subject_format and the example's field each stands for.
SUBJECT_PLACEHOLDERS = (("{org}", "owner"), ("{repo}", "repo"), ("{owner_id}", "owner_id"),
                        ("{repo_id}", "repo_id"), ("{ref}", "ref"))
_CACHE = {}


def load(rel):
    """The model of infra/<rel>, parsed once."""
    if rel not in _CACHE:
        _CACHE[rel] = tfconfig.load_dir(ROOT / rel)
    return _CACHE[rel]


def tfvars(rel):
    """The parsed terraform.tfvars of infra/<rel>."""
    return hcl_values(ROOT / rel / "terraform.tfvars")


def hcl_values(path):
    """{name: value} of an attributes-only HCL file (tfvars, tfbackend)."""
    parsed = tfconfig.parse_text(Path(path).read_text(encoding="utf-8"))
    return {k: first(v) for k, v in parsed.items()}


def resources(m, rtype):
    """{name: body} of the resources of one type in a model."""
    return {name: body for (t, name), body in m["resources"].items() if t == rtype}


def all_models():
    """(rel, model) of every directory with .tf files."""
    for d in tfconfig.module_dirs(ROOT):
        rel = str(d.relative_to(ROOT))
        yield rel, load(rel)


def statements(doc_body):
    """Statement blocks of an aws_iam_policy_document, dynamic ones included."""
    out = list(doc_body.get("statement", []))
    for dyn in doc_body.get("dynamic", []):
        for content in dyn.get("statement", {}).get("content", []):
            out.append(content)
    return out


def resolved_strings(value, m):
    """Strings of a value, with each referenced local's strings added."""
    found = list(tfconfig.strings(value))
    for kind, name, _ in tfconfig.references(value):
        if kind == "local" and name in m["locals"]:
            found.extend(tfconfig.strings(m["locals"][name]))
    return found


def resolved(m, value):
    """A literal, or the literal of the local it names ("${local.x}")."""
    match = re.fullmatch(r"\$\{local\.(\w+)\}", value) if isinstance(value, str) else None
    return first(m["locals"][match.group(1)]) if match else value


def filled_subject(subject_format, values):
    """A subject_format with its placeholders replaced, as modules/github_oidc's
    subject_base and trust conditions do."""
    for placeholder, field in SUBJECT_PLACEHOLDERS:
        subject_format = subject_format.replace(placeholder, values[field])
    return subject_format


def route_table(m):
    """{(method, path): (api_key_required, authorization)} of an API module."""
    res = resources(m, "aws_api_gateway_resource")

    def path_of(ref):
        match = re.fullmatch(r"\$\{aws_api_gateway_resource\.(\w+)\.id\}", ref)
        if not match:
            return ""
        body = res[match.group(1)]
        return path_of(first(body["parent_id"])) + "/" + first(body["path_part"])

    routes = {}
    for body in resources(m, "aws_api_gateway_method").values():
        key = (first(body["http_method"]), path_of(first(body["resource_id"])))
        routes[key] = (first(body.get("api_key_required", [False])), first(body["authorization"]))
    return routes


class CheckItself(unittest.TestCase):
    """route_table resolves nested paths and api keys on a made-up API."""

    def test_route_table(self):
        m = tfconfig.model({"main.tf": tfconfig.parse_text("""
resource "aws_api_gateway_resource" "a" {
  parent_id = aws_api_gateway_rest_api.this.root_resource_id
  path_part = "docs"
}
resource "aws_api_gateway_resource" "b" {
  parent_id = aws_api_gateway_resource.a.id
  path_part = "{proxy+}"
}
resource "aws_api_gateway_method" "m" {
  resource_id      = aws_api_gateway_resource.b.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}
""")})
        self.assertEqual(route_table(m), {("GET", "/docs/{proxy+}"): (True, "NONE")})


class LiveTrees(unittest.TestCase):
    """infra/live/{dev,prod}: one call of modules/stack each, digest from release.json."""

    def test_backend_block_is_empty_s3(self):
        """backend "s3" {} with no attribute: <env>.s3.tfbackend fills it in."""
        for env in ENVS:
            backends = [b for t in load("live/" + env)["terraform"] for b in t.get("backend", [])]
            self.assertEqual(len(backends), 1, env)
            self.assertEqual(list(backends[0]), ["s3"], env)
            self.assertEqual(tfconfig.strip_meta(backends[0]["s3"]), {}, env)

    def test_tfbackend_files(self):
        """<env>.s3.tfbackend sets bucket, key, region, dynamodb_table and use_lockfile = true."""
        for env in ENVS:
            values = hcl_values(ROOT / "live" / env / (env + ".s3.tfbackend"))
            for key in ("bucket", "key", "region", "dynamodb_table"):
                self.assertTrue(values.get(key), "%s.s3.tfbackend: %s" % (env, key))
            # The drift role reads exactly this state (modules/github_oidc).
            call = load("live/" + env)["modules"]["stack"]
            for arg, key in (("state_bucket", "bucket"), ("state_key", "key"), ("state_lock_table", "dynamodb_table")):
                self.assertEqual(first(call[arg]), values[key], "%s: %s" % (env, arg))
            self.assertIs(values.get("use_lockfile"), True, env)
            boot = tfvars("live/%s/bootstrap" % env)
            self.assertEqual(values["bucket"], boot["bucket_name"], env)
            self.assertEqual(values["dynamodb_table"], boot["lock_table_name"], env)
            self.assertEqual(values["region"], boot["region"], env)
            self.assertEqual(values["region"], resolved(load("live/" + env), "${local.region}"), env)

    def test_bootstrap_trees_keep_local_state(self):
        """The state backend is applied with local state: no backend block there."""
        for env in ENVS:
            for t in load("live/%s/bootstrap" % env)["terraform"]:
                self.assertNotIn("backend", t)

    def test_bootstrap_trees_differ_only_in_values(self):
        """The bootstrap trees are still copies: byte-identical .tf files, only terraform.tfvars differs."""
        dev = sorted(p.name for p in (ROOT / "live/dev/bootstrap").glob("*.tf"))
        prod = sorted(p.name for p in (ROOT / "live/prod/bootstrap").glob("*.tf"))
        self.assertEqual(dev, prod)
        for name in dev:
            self.assertEqual((ROOT / "live/dev/bootstrap" / name).read_bytes(),
                             (ROOT / "live/prod/bootstrap" / name).read_bytes(), name)

    def test_each_tree_is_one_call_of_the_stack(self):
        """A live tree calls modules/stack once, for its own environment; dev and prod set the same arguments and outputs."""
        shapes = {}
        for env in ENVS:
            m = load("live/" + env)
            self.assertEqual(set(m["modules"]), {"stack"}, env)
            call = m["modules"]["stack"]
            self.assertEqual(first(call["source"]), "../../modules/stack", env)
            self.assertEqual(resolved(m, first(call["environment"])), env)
            shapes[env] = (sorted(tfconfig.strip_meta(call)), sorted(m["outputs"]), sorted(m["variables"]))
        self.assertEqual(shapes["dev"], shapes["prod"])

    def test_trees_call_modules_only(self):
        """No resource or data block in a live tree or in the stack; every module is one of infra/modules."""
        for rel in ("live/dev", "live/prod", "live/dev/bootstrap", "live/prod/bootstrap", "modules/stack"):
            m = load(rel)
            self.assertEqual(m["resources"], {}, rel)
            self.assertEqual(m["data"], {}, rel)
            for name, body in m["modules"].items():
                self.assertRegex(first(body["source"]), r"^(\.\./)+(modules/)?\w+$", name)
                self.assertTrue((ROOT / rel / first(body["source"]) / "main.tf").is_file(), name)

    def test_provider_pins_the_account(self):
        """provider "aws" has allowed_account_ids = [var.account_id]; no module configures a provider."""
        for rel in ("live/dev", "live/prod", "live/dev/bootstrap", "live/prod/bootstrap"):
            providers = load(rel)["providers"]
            self.assertEqual(len(providers), 1, rel)
            self.assertEqual(first(providers[0]["aws"]["allowed_account_ids"]), ["${var.account_id}"], rel)
        for rel, m in all_models():
            if rel.startswith("modules/"):
                self.assertEqual(m["providers"], [], "%s: a module's provider would not be the pinned one" % rel)

    def test_digest_comes_from_release_json(self):
        """One jsondecode(file(release.json)) per tree, passed to the stack, which passes it to ecs_service only."""
        release = json.loads((ROOT / "live/release.json").read_text())
        self.assertEqual(set(release), {"service", "image_digest", "sbom_sha256", "toolchain"})
        # The toolchain the digest was built with (//infra/live:release_record_test
        # checks it against the pins): package -> exact Debian version.
        self.assertIsInstance(release["toolchain"], dict)
        self.assertIn("libc6-dev", release["toolchain"])
        for package, version in release["toolchain"].items():
            self.assertRegex(version, r"^[0-9][A-Za-z0-9.+~:-]*$", package)
        self.assertRegex(release["image_digest"], r"^sha256:[0-9a-f]{64}$")
        for env in ENVS:
            m = load("live/" + env)
            self.assertEqual(first(m["locals"]["release"]), '${jsondecode(file("${path.module}/../release.json"))}')
            text = "".join(p.read_text() for p in (ROOT / "live" / env).glob("*.tf"))
            self.assertEqual(text.count('release.json")'), 1, env)
            self.assertEqual(first(m["modules"]["stack"]["image_digest"]), "${local.release.image_digest}", env)
            for name in m["variables"]:
                self.assertNotIn("digest", name, "%s: a variable must not carry the digest" % env)
                self.assertNotIn("image", name, "%s: a variable must not carry the image" % env)
        stack = load("modules/stack")
        self.assertNotIn("default", stack["variables"]["image_digest"])
        self.assertIn("^sha256:[0-9a-f]{64}$", first(stack["variables"]["image_digest"]["validation"][0]["condition"]))
        self.assertEqual(first(stack["modules"]["ecs_service"]["image_digest"]), "${var.image_digest}")
        self.assertNotIn("file(", "".join(p.read_text() for p in (ROOT / "modules/stack").glob("*.tf")))

    def test_app_version_is_passed_by_ci(self):
        """APP_VERSION comes from var.app_version, which has no default in the tree nor in the stack."""
        for env in ENVS:
            m = load("live/" + env)
            self.assertNotIn("default", m["variables"]["app_version"])
            self.assertEqual(first(m["modules"]["stack"]["app_version"]), "${var.app_version}")
            self.assertFalse((ROOT / "live" / env / "terraform.tfvars").exists(), env)
        stack = load("modules/stack")
        self.assertNotIn("default", stack["variables"]["app_version"])
        self.assertEqual(first(stack["modules"]["ecs_service"]["app_version"]), "${var.app_version}")

    def test_moved_blocks_keep_existing_deployments(self):
        """Every module the stack calls has moved { from = module.X, to = module.stack.module.X } in each tree.

        Before the stack module the trees called these modules themselves; without
        the block, an existing deployment would plan to destroy and recreate them.
        Drop this test with the blocks, once every state has been applied with them."""
        for env in ENVS:
            moved = set(load("live/" + env)["moved"])
            for name in set(load("modules/stack")["modules"]) - MODULES_SINCE_THE_STACK:
                self.assertIn(("${module.%s}" % name, "${module.stack.module.%s}" % name), moved, env)

    def test_outputs_are_the_documented_ones(self):
        """Each tree outputs exactly the names of infra/README.md's outputs table, each the stack's output of that name."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        table = readme.split("## Outputs", 1)[1].split("\n## ", 1)[0]
        documented = set()
        for line in table.splitlines():
            if line.startswith("| `"):
                documented.update(re.findall(r"`(\w+)`", line.split("|")[1]))
        for name in ("api_invoke_url", "api_key_id", "ecr_repository_url", "ecs_cluster_name", "ecs_service_name",
                     "task_definition_family", "deploy_role_arn", "ecr_reader_role_arn"):
            self.assertIn(name, documented, "tools/rehearsal/aws/gateway.py reads it")
        for env in ENVS:
            outputs = load("live/" + env)["outputs"]
            self.assertEqual(set(outputs), documented, env)
            for name, body in outputs.items():
                self.assertEqual(first(body["value"]), "${module.stack.%s}" % name, "%s: %s" % (env, name))


class Compute(unittest.TestCase):
    """ECS and the NLB: image by digest, hardened container, nothing public."""

    def test_image_by_digest_never_a_tag(self):
        """The container image is repository_url@image_digest; the digest is validated as sha256."""
        m = load("modules/ecs_service")
        self.assertEqual(first(m["locals"]["image"]), "${var.repository_url}@${var.image_digest}")
        containers = first(resources(m, "aws_ecs_task_definition")["this"]["container_definitions"])
        self.assertIn("'image': '${local.image}'", containers)
        validation = first(m["variables"]["image_digest"]["validation"][0]["condition"])
        self.assertIn("^sha256:[0-9a-f]{64}$", validation)

    def test_container_hardening_and_environment(self):
        """Non-root, read-only root fs, the binary's health check, awslogs, stop timeout, injected env."""
        m = load("modules/ecs_service")
        containers = first(resources(m, "aws_ecs_task_definition")["this"]["container_definitions"])
        for needle in ("'user': '65532:65532'", "'readonlyRootFilesystem': True",
                       "'command': ['CMD', '/app/api', '--healthcheck']", "'logDriver': 'awslogs'",
                       "'stopTimeout': '${var.stop_timeout}'", "'privileged': False"):
            self.assertIn(needle, containers)
        for env in ("API_STAGE", "APP_ENV", "APP_VERSION", "IMAGE_DIGEST"):
            self.assertIn("'name': '%s'" % env, containers)
        log_group = resources(m, "aws_cloudwatch_log_group")["this"]
        self.assertIn("retention_in_days", log_group)
        self.assertIn("kms_key_id", log_group)

    def test_no_public_ip_anywhere(self):
        """Services in private subnets with assign_public_ip = false; no IGW, NAT, EIP, public subnet."""
        for rel, m in all_models():
            for (rtype, name), body in m["resources"].items():
                self.assertNotIn(rtype, ("aws_internet_gateway", "aws_nat_gateway", "aws_eip",
                                         "aws_egress_only_internet_gateway"), rel)
                if rtype == "aws_ecs_service":
                    self.assertIs(first(first(body["network_configuration"])["assign_public_ip"]), False)
                if rtype == "aws_subnet":
                    self.assertIs(first(body["map_public_ip_on_launch"]), False)

    def test_service_deployment_safety(self):
        """Circuit breaker with rollback; grace period >= 120 s by default and by validation; insights on."""
        m = load("modules/ecs_service")
        svc = resources(m, "aws_ecs_service")["this"]
        cb = first(svc["deployment_circuit_breaker"])
        self.assertIs(first(cb["enable"]), True)
        self.assertIs(first(cb["rollback"]), True)
        grace = m["variables"]["health_check_grace_period_seconds"]
        self.assertGreaterEqual(first(grace["default"]), 120)
        self.assertIn(">= 120", first(grace["validation"][0]["condition"]))
        cluster = resources(m, "aws_ecs_cluster")["this"]
        self.assertEqual(tfconfig.strip_meta(first(cluster["setting"])), {"name": ["containerInsights"], "value": ["enabled"]})

    def test_tasks_admit_only_the_nlb(self):
        """The tasks' only ingress rule names the NLB's security group, no CIDR."""
        m = load("modules/ecs_service")
        rules = resources(m, "aws_vpc_security_group_ingress_rule")
        self.assertEqual(len(rules), 1)
        rule = list(rules.values())[0]
        self.assertEqual(first(rule["referenced_security_group_id"]), "${var.nlb_security_group_id}")
        self.assertFalse({"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule))
        self.assertEqual(resources(m, "aws_security_group_rule"), {})

    def test_nlb_internal_ip_targets_http_health(self):
        """Internal NLB with deletion protection and access logs; ip targets; HTTP /health; short drain."""
        m = load("modules/nlb")
        lb = resources(m, "aws_lb")["this"]
        self.assertIs(first(lb["internal"]), True)
        self.assertEqual(first(lb["load_balancer_type"]), "network")
        self.assertIs(first(lb["enable_deletion_protection"]), True)
        self.assertIs(first(first(lb["access_logs"])["enabled"]), True)
        tg = resources(m, "aws_lb_target_group")["this"]
        self.assertEqual(first(tg["target_type"]), "ip")
        hc = first(tg["health_check"])
        self.assertEqual(first(hc["protocol"]), "HTTP")
        self.assertEqual(first(m["variables"]["health_check_path"]["default"]), "/health")
        self.assertLessEqual(first(m["variables"]["deregistration_delay"]["default"]), 30)


class ApiGateway(unittest.TestCase):
    """Routes, keys, the deployment trigger and logs of the REST API."""

    def test_public_routes_are_exactly_four(self):
        """Without an API key: GET /health, /docs, /docs/{proxy+}, /openapi.json, nothing else."""
        routes = route_table(load("modules/api_gateway"))
        self.assertEqual({r for r, (key, _) in routes.items() if key is not True}, PUBLIC_ROUTES)

    def test_api_key_required_on_proxy_only(self):
        """api_key_required = true on ANY /{proxy+} and on no other method."""
        routes = route_table(load("modules/api_gateway"))
        self.assertEqual({r for r, (key, _) in routes.items() if key is True}, KEYED_ROUTES)

    def test_integrations_proxy_through_the_vpc_link(self):
        """Each method has an HTTP_PROXY integration over the VPC Link sending X-Request-Id."""
        m = load("modules/api_gateway")
        methods = resources(m, "aws_api_gateway_method")
        integrations = resources(m, "aws_api_gateway_integration")
        self.assertEqual(set(integrations), set(methods))
        header = m["locals"]["request_id_header"]
        self.assertEqual(first(header), {"integration.request.header.X-Request-Id": "context.requestId"})
        self.assertIn("local.request_id_header", first(m["locals"]["proxy_parameters"]))
        for name, body in integrations.items():
            self.assertEqual(first(body["type"]), "HTTP_PROXY", name)
            self.assertEqual(first(body["connection_type"]), "VPC_LINK", name)
            self.assertEqual(first(body["http_method"]), "${aws_api_gateway_method.%s.http_method}" % name)
            self.assertIn(first(body["request_parameters"]), ("${local.request_id_header}", "${local.proxy_parameters}"), name)

    def test_deployment_triggers_cover_every_route(self):
        """The triggers hash names every resource, method and integration; create_before_destroy."""
        m = load("modules/api_gateway")
        dep = resources(m, "aws_api_gateway_deployment")["this"]
        trigger = first(first(dep["triggers"])["redeployment"])
        for rtype in ("aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration"):
            for name in resources(m, rtype):
                self.assertRegex(trigger, r"\$\{%s\.%s\}" % (rtype, name))
        self.assertIs(first(first(dep["lifecycle"])["create_before_destroy"]), True)

    def test_stage_logs_and_usage_plan(self):
        """JSON access logs with both request ids, execution logs, CloudWatch role, usage plan with rate, burst, daily quota."""
        m = load("modules/api_gateway")
        fmt = first(m["locals"]["access_log_format"])
        self.assertIn("$context.requestId", fmt)
        self.assertIn("$context.extendedRequestId", fmt)
        stage = resources(m, "aws_api_gateway_stage")["this"]
        self.assertEqual(first(first(stage["access_log_settings"])["format"]), "${local.access_log_format}")
        settings = first(resources(m, "aws_api_gateway_method_settings")["all"]["settings"])
        self.assertEqual(first(settings["logging_level"]), "${var.execution_logging_level}")
        self.assertIn("cloudwatch_role_arn", resources(m, "aws_api_gateway_account")["this"])
        plan = resources(m, "aws_api_gateway_usage_plan")["this"]
        self.assertEqual(set(tfconfig.strip_meta(first(plan["throttle_settings"]))), {"rate_limit", "burst_limit"})
        self.assertEqual(first(first(plan["quota_settings"])["period"]), "DAY")
        self.assertIn("this", resources(m, "aws_api_gateway_usage_plan_key"))


class Iam(unittest.TestCase):
    """Trust of the GitHub roles and least privilege everywhere."""

    def test_trust_conditions(self):
        """aud pinned to sts.amazonaws.com; sub from the format and the one ref each role trusts."""
        m = load("modules/github_oidc")
        self.assertEqual(first(m["locals"]["audience"]), "sts.amazonaws.com")
        self.assertEqual(first(m["locals"]["issuer"]), "token.actions.githubusercontent.com")
        for doc, ref in (("deploy_trust", "deploy_ref"), ("ecr_reader_trust", "ecr_reader_ref")):
            (stmt,) = statements(m["data"][("aws_iam_policy_document", doc)])
            self.assertEqual(first(stmt["actions"]), ["sts:AssumeRoleWithWebIdentity"])
            self.assertEqual(first(first(stmt["principals"])["type"]), "Federated")
            conds = {first(c["variable"]): c for c in stmt["condition"]}
            self.assertEqual(set(conds), {"${local.issuer}:aud", "${local.issuer}:sub"})
            aud = conds["${local.issuer}:aud"]
            self.assertEqual((first(aud["test"]), first(aud["values"])), ("StringEquals", ["${local.audience}"]))
            sub = conds["${local.issuer}:sub"]
            self.assertIn("var.%s" % ref, first(sub["values"])[0])
            self.assertIn('strcontains(var.%s,"*") ? "StringLike" : "StringEquals"' % ref, first(sub["test"]))

    def test_each_account_trusts_its_refs_only(self):
        """dev deploys from refs/heads/dev, prod from refs/tags/v*; only dev has the tag-trusting ECR reader."""
        dev, prod = (load("live/" + env)["modules"]["stack"] for env in ENVS)
        self.assertEqual(first(dev["deploy_ref"]), "refs/heads/dev")
        self.assertEqual(first(prod["deploy_ref"]), "refs/tags/v*")
        self.assertEqual(first(dev["ecr_reader_ref"]), "refs/tags/v*")
        self.assertIsNone(first(prod.get("ecr_reader_ref")))
        stack = load("modules/stack")
        self.assertNotIn("default", stack["variables"]["deploy_ref"])
        self.assertIsNone(first(stack["variables"]["ecr_reader_ref"]["default"]))
        oidc = stack["modules"]["github_oidc"]
        self.assertEqual(first(oidc["deploy_ref"]), "${var.deploy_ref}")
        self.assertEqual(first(oidc["ecr_reader_ref"]), "${var.ecr_reader_ref}")
        m = load("modules/github_oidc")
        self.assertEqual(first(m["variables"]["subject_format"]["default"]), "repo:{org}/{repo}:ref:{ref}")

    def test_default_subjects_are_githubs_documented_ones(self):
        """With the values of GitHub's documented example, the live trees' default sub (the
        stack's) is GitHub's immutable example and the module's default its legacy one."""
        documented = json.loads(GITHUB_SUBJECTS.read_text(encoding="utf-8"))
        values = documented["values"]
        stack = first(load("modules/stack")["variables"]["github_subject_format"]["default"])
        module = first(load("modules/github_oidc")["variables"]["subject_format"]["default"])
        self.assertEqual(filled_subject(stack, values), "repo:octo-org@123/octo-repo@456:ref:refs/heads/main")
        self.assertEqual(filled_subject(stack, values), documented["immutable"])
        self.assertEqual(filled_subject(module, values), documented["legacy"])
        base = "".join(tfconfig.strings(load("modules/github_oidc")["locals"]["subject_base"]))
        for placeholder, _ in SUBJECT_PLACEHOLDERS[:-1]:
            self.assertIn(placeholder, base)
        for env in ENVS:
            self.assertNotIn("github_subject_format", load("live/" + env)["modules"]["stack"])

    def test_an_existing_oidc_provider_can_be_trusted(self):
        """create_oidc_provider (default true) and oidc_provider_arn go from both live trees through
        the stack to github_oidc; false creates no provider (a second one is EntityAlreadyExists) and
        the roles trust the given ARN; the plan fails unless the ARN is set exactly when it is false."""
        m = load("modules/github_oidc")
        self.assertIs(first(m["variables"]["create_oidc_provider"]["default"]), True)
        self.assertIsNone(first(m["variables"]["oidc_provider_arn"]["default"]))
        self.assertIn("validation", m["variables"]["oidc_provider_arn"])
        provider = m["resources"][("aws_iam_openid_connect_provider", "github")]
        self.assertEqual(first(provider["count"]), "${var.create_oidc_provider ? 1 : 0}")
        arn = first(m["locals"]["provider_arn"])
        self.assertRegex(arn, r"^\$\{var\.create_oidc_provider \? .*aws_iam_openid_connect_provider\.github.* : var\.oidc_provider_arn\}$")
        for doc in ("deploy_trust", "ecr_reader_trust", "drift_trust"):
            (stmt,) = statements(m["data"][("aws_iam_policy_document", doc)])
            self.assertEqual(first(first(stmt["principals"])["identifiers"]), ["${local.provider_arn}"])
        (check,) = [first(p["condition"]) for lc in m["data"][("aws_iam_policy_document", "deploy_trust")]["lifecycle"]
                    for p in lc["precondition"]]
        self.assertRegex(check, r"^\$\{var\.create_oidc_provider \? var\.oidc_provider_arn == (null|None) : var\.oidc_provider_arn != (null|None)\}$")
        callers = [("modules/stack", load("modules/stack")["modules"]["github_oidc"])]
        callers += [("live/" + env, load("live/" + env)["modules"]["stack"]) for env in ENVS]
        for rel, call in callers:
            variables = load(rel)["variables"]
            self.assertIs(first(variables["create_oidc_provider"]["default"]), True, rel)
            self.assertIsNone(first(variables["oidc_provider_arn"]["default"]), rel)
            self.assertIn("validation", variables["oidc_provider_arn"], rel)
            self.assertEqual(first(call["create_oidc_provider"]), "${var.create_oidc_provider}", rel)
            self.assertEqual(first(call["oidc_provider_arn"]), "${var.oidc_provider_arn}", rel)

    def test_drift_trust_is_the_default_branchs_drift_workflow(self):
        """The drift role trusts aud, sub of drift_ref and job_workflow_ref of drift_workflow at
        drift_ref, each StringEquals (no pattern); both live trees set drift_ref to the default branch."""
        m = load("modules/github_oidc")
        (stmt,) = statements(m["data"][("aws_iam_policy_document", "drift_trust")])
        self.assertEqual(first(stmt["actions"]), ["sts:AssumeRoleWithWebIdentity"])
        conds = {first(c["variable"]): c for c in stmt["condition"]}
        self.assertEqual(set(conds), {"${local.issuer}:aud", "${local.issuer}:sub", "${local.issuer}:job_workflow_ref"})
        for cond in conds.values():
            self.assertEqual(first(cond["test"]), "StringEquals")
        self.assertIn("var.drift_ref", first(conds["${local.issuer}:sub"]["values"])[0])
        self.assertEqual(first(conds["${local.issuer}:job_workflow_ref"]["values"]), ["${local.drift_workflow_ref}"])
        ref = "".join(tfconfig.strings(m["locals"]["drift_workflow_ref"]))
        for part in ("var.github_org", "var.github_repo", "var.drift_workflow", "var.drift_ref"):
            self.assertIn(part, ref)
        self.assertEqual(first(m["variables"]["drift_workflow"]["default"]), ".github/workflows/drift.yml")
        self.assertIn("refs/heads/", first(m["variables"]["drift_ref"]["validation"][0]["condition"]))
        for env in ENVS:
            self.assertEqual(first(load("live/" + env)["modules"]["stack"]["drift_ref"]), "refs/heads/main", env)
        self.assertEqual(first(load("modules/stack")["modules"]["github_oidc"]["drift_ref"]), "${var.drift_ref}")

    def test_drift_role_only_reads(self):
        """Every action of the drift role's policy is a read (Describe/Get/List/BatchGet/BatchCheck,
        apigateway:GET); the data it reads is the state object (s3:GetObject on state_key only), its
        digest (dynamodb:GetItem on the lock table only) and kms:Decrypt through S3 and DynamoDB only."""
        m = load("modules/github_oidc")
        seen = set()
        for stmt in statements(m["data"][("aws_iam_policy_document", "drift")]):
            self.assertEqual(first(stmt.get("effect", ["Allow"])), "Allow")
            actions = set(first(stmt["actions"]) if isinstance(first(stmt["actions"]), list)
                          else resolved_strings(stmt["actions"], m))
            for action in resolved_strings(stmt["actions"], m):
                for piece in re.findall(r"[a-z0-9-]+:[A-Za-z0-9]+", action):
                    seen.add(piece)
                    self.assertTrue(READ_ACTION.match(piece) or piece in DRIFT_DATA_READS,
                                    "the drift role must only read: %s" % piece)
            data = actions & DRIFT_DATA_READS
            if not data:
                continue
            self.assertEqual(len(actions), 1, "%s shares a statement" % data)
            resources = "".join(tfconfig.strings(stmt["resources"]))
            if data == {"s3:GetObject"}:
                self.assertRegex(resources, r"^\$\{local\.state_bucket_arn\}/\$\{coalesce\(var\.state_key")
            elif data == {"dynamodb:GetItem"}:
                self.assertRegex(resources, r":table/\$\{coalesce\(var\.state_lock_table")
            else:
                (cond,) = stmt["condition"]
                self.assertEqual((first(cond["test"]), first(cond["variable"])), ("StringEquals", "kms:ViaService"))
        for needed in ("s3:GetObject", "dynamodb:GetItem", "ec2:DescribeSecurityGroupRules", "apigateway:GET",
                       "ecs:DescribeServices", "ecs:DescribeTasks"):
            self.assertIn(needed, seen)

    def test_no_wildcard_action_anywhere(self):
        """No IAM or key policy action contains *, and no NotAction is used."""
        pattern = re.compile(r"^\*$|^[a-z0-9-]+:[A-Za-z0-9]*\*")
        for rel, m in all_models():
            for (dtype, name), body in m["data"].items():
                if dtype != "aws_iam_policy_document":
                    continue
                for stmt in statements(body):
                    self.assertNotIn("not_actions", stmt, "%s %s" % (rel, name))
                    for action in resolved_strings(stmt.get("actions"), m):
                        for piece in re.findall(r"[\w*:-]+", action):
                            self.assertIsNone(pattern.match(piece), "%s %s: %s" % (rel, name, action))
            for filename, doc in m["files"].items():
                for s in tfconfig.strings(doc):
                    self.assertNotRegex(s, r"""['"](Action|NotAction)['"]""", "%s/%s: a policy outside aws_iam_policy_document" % (rel, filename))

    def test_only_the_signers_sign(self):
        """The signing key's policy grants kms:Sign to var.signer_role_arns alone, never to the account."""
        m = load("modules/signing")
        granted = []
        for stmt in statements(m["data"][("aws_iam_policy_document", "key")]):
            actions = set(first(stmt["actions"]))
            self.assertFalse(any("*" in a for a in actions), actions)
            principals = [p for block in stmt.get("principals", []) for p in tfconfig.strings(block.get("identifiers"))]
            if "kms:Sign" in actions:
                granted.append(principals)
        self.assertEqual(granted, [["${var.signer_role_arns}"]])
        key = m["resources"][("aws_kms_key", "this")]
        self.assertEqual(first(key["customer_master_key_spec"]), "ECC_NIST_P256")
        self.assertEqual(first(key["key_usage"]), "SIGN_VERIFY")

    def test_star_resource_only_for_unscopable_actions(self):
        """Outside key policies, resources = ["*"] only for the actions AWS cannot scope (UNSCOPABLE_ACTIONS)."""
        for rel, m in all_models():
            if rel == "modules/kms_key":
                continue  # in a key policy "*" is the key itself
            for (dtype, name), body in m["data"].items():
                if dtype != "aws_iam_policy_document" or (rel, name) in KEY_POLICIES:
                    continue
                for stmt in statements(body):
                    if "*" in (first(stmt.get("resources")) or []):
                        self.assertEqual(first(stmt.get("effect", ["Allow"])), "Allow")
                        actions = set(first(stmt["actions"]))
                        if actions <= set(CONDITION_SCOPED_ACTIONS):
                            self.assertTrue(stmt.get("condition"), "%s %s: %s on * without a condition" % (rel, name, actions))
                            continue
                        self.assertTrue(actions <= UNSCOPABLE_ACTIONS | NO_RESOURCE_READS, "%s %s: %s on *" % (rel, name, actions))

    def test_ecs_actions_name_the_resources_they_authorize_on(self):
        """ListTasks on "*" with ArnEquals ecs:cluster = the cluster (it authorizes on no task
        ARN); DescribeTasks on the cluster's tasks; DescribeServices/UpdateService on the service."""
        m = load("modules/github_oidc")
        by_action = {}
        for stmt in statements(m["data"][("aws_iam_policy_document", "deploy")]):
            for action in first(stmt["actions"]):
                by_action.setdefault(action, []).append(stmt)
        (listing,) = by_action["ecs:ListTasks"]
        self.assertEqual(first(listing["actions"]), ["ecs:ListTasks"])
        self.assertEqual(first(listing["resources"]), ["*"])
        (cond,) = listing["condition"]
        operator, key = CONDITION_SCOPED_ACTIONS["ecs:ListTasks"]
        self.assertEqual((first(cond["test"]), first(cond["variable"]), first(cond["values"])),
                         (operator, key, ["${var.ecs_cluster_arn}"]))
        (describing,) = by_action["ecs:DescribeTasks"]
        self.assertEqual(first(describing["resources"]), ["${local.task_arns}"])
        self.assertIn(":task/", "".join(tfconfig.strings(m["locals"]["task_arns"])))
        for action in ("ecs:DescribeServices", "ecs:UpdateService"):
            (stmt,) = by_action[action]
            self.assertEqual(first(stmt["resources"]), ["${var.ecs_service_arn}"])

    def test_pass_role_only_task_roles_to_ecs_tasks(self):
        """iam:PassRole only on the task and execution roles, only to ecs-tasks.amazonaws.com."""
        m = load("modules/github_oidc")
        passing = [s for s in statements(m["data"][("aws_iam_policy_document", "deploy")])
                   if "iam:PassRole" in first(s["actions"])]
        self.assertEqual(len(passing), 1)
        stmt = passing[0]
        self.assertEqual(first(stmt["actions"]), ["iam:PassRole"])
        self.assertEqual(first(stmt["resources"]), "${var.passable_role_arns}")
        cond = first(stmt["condition"])
        self.assertEqual((first(cond["test"]), first(cond["variable"]), first(cond["values"])),
                         ("StringEquals", "iam:PassedToService", ["ecs-tasks.amazonaws.com"]))
        call = load("modules/stack")["modules"]["github_oidc"]
        self.assertEqual(first(call["passable_role_arns"]),
                         ["${module.ecs_service.task_role_arn}", "${module.ecs_service.execution_role_arn}"])


class Storage(unittest.TestCase):
    """ECR, the network and the state backend."""

    def test_ecr_repository(self):
        """IMMUTABLE tags, scan on push, KMS; the lifecycle policy only expires untagged images."""
        m = load("modules/ecr")
        repo = resources(m, "aws_ecr_repository")["this"]
        self.assertEqual(first(repo["image_tag_mutability"]), "IMMUTABLE")
        self.assertIs(first(first(repo["image_scanning_configuration"])["scan_on_push"]), True)
        self.assertEqual(first(first(repo["encryption_configuration"])["encryption_type"]), "KMS")
        policy = first(resources(m, "aws_ecr_lifecycle_policy")["this"]["policy"])
        self.assertEqual(re.findall(r"'tagStatus': '(\w+)'", policy), ["untagged"])

    def test_network(self):
        """Default SG closed; ECR api/dkr and logs interface endpoints, S3 gateway; flow logs; >= 2 AZs."""
        m = load("modules/network")
        default_sg = resources(m, "aws_default_security_group")["this"]
        self.assertFalse({"ingress", "egress"} & set(default_sg))
        self.assertEqual(first(m["locals"]["interface_endpoints"]), "${toset(['ecr.api', 'ecr.dkr', 'logs'])}")
        s3 = resources(m, "aws_vpc_endpoint")["s3"]
        self.assertEqual(first(s3["vpc_endpoint_type"]), "Gateway")
        self.assertIn("this", resources(m, "aws_flow_log"))
        self.assertIn("length(var.azs) >= 2", first(m["variables"]["azs"]["validation"][0]["condition"]))

    def test_state_backend(self):
        """Versioned, KMS-encrypted, private, TLS-only bucket; lock table with PITR and encryption."""
        m = load("modules/state_backend")
        self.assertEqual(first(first(resources(m, "aws_s3_bucket_versioning")["state"]["versioning_configuration"])["status"]), "Enabled")
        sse = first(first(resources(m, "aws_s3_bucket_server_side_encryption_configuration")["state"]["rule"])["apply_server_side_encryption_by_default"])
        self.assertEqual(first(sse["sse_algorithm"]), "aws:kms")
        pab = resources(m, "aws_s3_bucket_public_access_block")["state"]
        for key in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
            self.assertIs(first(pab[key]), True, key)
        (deny,) = statements(m["data"][("aws_iam_policy_document", "state")])
        self.assertEqual(first(deny["effect"]), "Deny")
        cond = first(deny["condition"])
        self.assertEqual((first(cond["variable"]), first(cond["values"])), ("aws:SecureTransport", ["false"]))
        table = resources(m, "aws_dynamodb_table")["lock"]
        self.assertIs(first(first(table["point_in_time_recovery"])["enabled"]), True)
        self.assertIs(first(first(table["server_side_encryption"])["enabled"]), True)
        self.assertEqual(first(table["hash_key"]), "LockID")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        ROOT = Path(sys.argv[1])
    sys.exit(junit.main(__name__))
