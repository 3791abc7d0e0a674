"""The emulated KMS's key-policy evaluation (kms_key_policy.py): on small
made-up policies, on the key policies of infra/modules/kms_key and
infra/modules/signing as the modules write them, and through moto itself.

The module cases read the policies from the HCL (hcl2) and check that every
call the AWS provider 5.46 makes on a key and its alias is allowed to the
administrator (the account delegates to IAM), and that only the signer role
may sign. They fail on key policies that lock Terraform out.

Usage: kms_key_policy_test.py [INFRA_DIR]   (run by //tools/rehearsal:aws_kms_key_policy_test)
"""

import json
import os
import re
import sys
import unittest
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "infra"))

import kms_key_policy as kp  # noqa: E402

ACCOUNT = "111111111111"
ROOT = "arn:aws:iam::%s:root" % ACCOUNT
KEY = "arn:aws:kms:eu-west-1:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab" % ACCOUNT
ADMIN = kp.caller("arn:aws:iam::%s:user/rehearsal-admin" % ACCOUNT)
SIGNER_ROLE = "arn:aws:iam::%s:role/civet-api-dev-release" % ACCOUNT
SIGNER = kp.caller("arn:aws:sts::%s:assumed-role/civet-api-dev-release/gha-1" % ACCOUNT)
READER = kp.caller("arn:aws:sts::%s:assumed-role/civet-api-dev-ecr-reader/gha-2" % ACCOUNT)
INFRA = Path("infra")

# Every call provider 5.46 makes on an existing key and its alias
# (internal/service/kms: key.go, alias.go, find.go, wait.go, tags_gen.go):
# read = DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags;
# create/update = PutKeyPolicy, TagResource, UntagResource, UpdateKeyDescription,
# EnableKey/DisableKey; delete = ScheduleKeyDeletion; the alias = CreateAlias,
# UpdateAlias, DeleteAlias (ListAliases and CreateKey are IAM's alone).
TERRAFORM_ACTIONS = [
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription",
    "kms:EnableKey", "kms:DisableKey", "kms:ScheduleKeyDeletion",
    "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
]

# modules/kms_key's account statement as it was before the alias actions
# were added (f48f181): what a real account refused CreateAlias under.
OLD_KMS_KEY_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "AccountAdministersAndGrants", "Effect": "Allow", "Resource": "*",
    "Principal": {"AWS": ROOT},
    "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey",
               "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
               "kms:CancelKeyDeletion", "kms:CreateGrant", "kms:DisableKey", "kms:DisableKeyRotation",
               "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
               "kms:ListGrants", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RetireGrant",
               "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
               "kms:UpdateKeyDescription"],
}]}


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal, action, **more):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"}
    statement.update(more)
    return statement


def decide(doc, action, who, iam="none", params=None):
    return kp.decide(doc, action, who, KEY, kp.request_context(who, params or {}), iam)


class Delegation(unittest.TestCase):
    def test_the_account_root_delegates_to_iam(self):
        doc = policy(allow({"AWS": ROOT}, "kms:DescribeKey"))
        self.assertIsNone(decide(doc, "kms:DescribeKey", ADMIN, iam="allow"))
        self.assertRegex(decide(doc, "kms:DescribeKey", ADMIN, iam="none"),
                         "^User: arn:aws:iam::111111111111:user/rehearsal-admin is not authorized to perform: "
                         "kms:DescribeKey on resource: arn:aws:kms:.* because no identity-based policy allows")

    def test_the_account_id_alone_is_the_root(self):
        self.assertIsNone(decide(policy(allow({"AWS": ACCOUNT}, "kms:Sign")), "kms:Sign", SIGNER, iam="allow"))

    def test_iam_cannot_grant_what_the_key_policy_does_not_delegate(self):
        doc = policy(allow({"AWS": ROOT}, "kms:DescribeKey"))
        self.assertRegex(decide(doc, "kms:CreateAlias", ADMIN, iam="allow"),
                         "because no resource-based policy allows the kms:CreateAlias action$")

    def test_another_accounts_root_delegates_nothing_here(self):
        doc = policy(allow({"AWS": "arn:aws:iam::222222222222:root"}, "kms:*"))
        self.assertIsNotNone(decide(doc, "kms:DescribeKey", ADMIN, iam="allow"))


class Principals(unittest.TestCase):
    def test_a_named_role_needs_no_iam_policy(self):
        doc = policy(allow({"AWS": [SIGNER_ROLE]}, ["kms:Sign"]))
        self.assertIsNone(decide(doc, "kms:Sign", SIGNER, iam="none"))
        self.assertIsNotNone(decide(doc, "kms:Sign", READER, iam="allow"))
        self.assertIsNotNone(decide(doc, "kms:Sign", ADMIN, iam="allow"))

    def test_a_role_with_a_path_is_the_same_role(self):
        doc = policy(allow({"AWS": "arn:aws:iam::%s:role/ci/civet-api-dev-release" % ACCOUNT}, "kms:Sign"))
        self.assertIsNone(decide(doc, "kms:Sign", SIGNER))

    def test_star_and_service_principals(self):
        self.assertIsNone(decide(policy(allow("*", "kms:Verify")), "kms:Verify", READER))
        self.assertIsNone(decide(policy(allow({"AWS": "*"}, "kms:Verify")), "kms:Verify", READER))
        services = policy(allow({"Service": "logs.eu-west-1.amazonaws.com"}, "kms:*"))
        self.assertIsNotNone(decide(services, "kms:Decrypt", ADMIN, iam="allow"))

    def test_a_session_is_read_as_its_role(self):
        self.assertEqual(SIGNER["principal_arn"], SIGNER_ROLE)
        self.assertEqual(ADMIN["principal_arn"], ADMIN["arn"])
        with self.assertRaises(ValueError):
            kp.caller("AKIAEXAMPLE")


class Actions(unittest.TestCase):
    def test_wildcards_and_case(self):
        doc = policy(allow({"AWS": ROOT}, ["kms:Get*", "KMS:describekey"]))
        for action in ("kms:GetKeyPolicy", "kms:GetPublicKey", "kms:DescribeKey"):
            self.assertIsNone(decide(doc, action, ADMIN, iam="allow"), action)
        self.assertIsNotNone(decide(doc, "kms:PutKeyPolicy", ADMIN, iam="allow"))
        self.assertIsNone(decide(policy(allow({"AWS": ROOT}, "kms:*")), "kms:Sign", ADMIN, iam="allow"))


class Denies(unittest.TestCase):
    def test_a_key_policy_deny_wins_over_a_direct_allow(self):
        doc = policy(allow({"AWS": SIGNER_ROLE}, "kms:Sign"), dict(allow("*", "kms:Sign"), Effect="Deny"))
        self.assertRegex(decide(doc, "kms:Sign", SIGNER), "explicit deny in a resource-based policy$")

    def test_an_iam_deny_wins_over_a_direct_allow(self):
        doc = policy(allow({"AWS": SIGNER_ROLE}, "kms:Sign"))
        self.assertRegex(decide(doc, "kms:Sign", SIGNER, iam="deny"), "explicit deny in an identity-based policy$")


class Conditions(unittest.TestCase):
    def test_honoured_keys(self):
        only_dev = {"StringEquals": {"aws:PrincipalArn": SIGNER_ROLE}}
        doc = policy(allow("*", "kms:Sign", Condition=only_dev))
        self.assertIsNone(decide(doc, "kms:Sign", SIGNER))
        self.assertIsNotNone(decide(doc, "kms:Sign", READER))
        digest = {"StringEquals": {"kms:MessageType": "DIGEST"}}
        doc = policy(allow("*", "kms:Sign", Condition=digest))
        self.assertIsNone(decide(doc, "kms:Sign", SIGNER, params={"MessageType": "DIGEST"}))
        self.assertIsNotNone(decide(doc, "kms:Sign", SIGNER, params={"MessageType": "RAW"}))

    def test_what_cannot_be_evaluated_never_allows_and_always_denies(self):
        unknown_operator = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}
        unknown_key = {"StringNotEquals": {"kms:EncryptionContext:team": "x"}}
        for condition in (unknown_operator, unknown_key):
            self.assertIsNotNone(decide(policy(allow("*", "kms:Sign", Condition=condition)), "kms:Sign", SIGNER))
            doc = policy(allow({"AWS": SIGNER_ROLE}, "kms:Sign"),
                         dict(allow("*", "kms:Sign", Condition=condition), Effect="Deny"))
            self.assertRegex(decide(doc, "kms:Sign", SIGNER), "explicit deny")
        not_principal = {"Effect": "Allow", "NotPrincipal": {"AWS": ROOT}, "Action": "kms:Sign", "Resource": "*"}
        self.assertIsNotNone(decide(policy(not_principal), "kms:Sign", SIGNER))

    def test_a_resource_other_than_the_key_does_not_apply(self):
        doc = policy(allow({"AWS": SIGNER_ROLE}, "kms:Sign", Resource="arn:aws:kms:eu-west-1:%s:key/other" % ACCOUNT))
        self.assertIsNotNone(decide(doc, "kms:Sign", SIGNER))
        doc = policy(allow({"AWS": SIGNER_ROLE}, "kms:Sign", Resource=[KEY]))
        self.assertIsNone(decide(doc, "kms:Sign", SIGNER))


class TheOldPolicies(unittest.TestCase):
    def test_the_old_kms_key_policy_locks_terraform_out_of_its_alias(self):
        refused = decide(OLD_KMS_KEY_POLICY, "kms:CreateAlias", ADMIN, iam="allow")
        self.assertRegex(refused, "not authorized to perform: kms:CreateAlias on resource: %s because "
                         "no resource-based policy allows the kms:CreateAlias action" % re.escape(KEY))


# ------------------------------------------------- the modules' key policies

def _statements(body):
    out = list(body.get("statement", []))
    for dyn in body.get("dynamic", []):
        out.extend(dyn.get("statement", {}).get("content", []))
    return out


def module_policy(rel, name, signers=()):
    """The key policy a module writes, rendered from its HCL for ACCOUNT:
    actions with the locals they name, the account root and signer_role_arns
    substituted, conditions as written."""
    import tfconfig
    from tfconfig import first

    m = tfconfig.load_dir(INFRA / rel)

    def strings_with_locals(value):
        found = list(tfconfig.strings(value))
        for kind, local, _ in tfconfig.references(value):
            if kind == "local":
                found.extend(tfconfig.strings(m["locals"][local]))
        return found

    def identifiers(value):
        out = []
        for s in tfconfig.strings(value):
            local = re.fullmatch(r"\$\{local\.(\w+)\}", s)
            s = first(m["locals"][local.group(1)]) if local else s
            if s == "${var.signer_role_arns}":
                out.extend(signers)
            else:
                out.append(ROOT if s.endswith(":root") else s)
        return out

    statements = []
    for body in _statements(m["data"][("aws_iam_policy_document", name)]):
        actions = sorted(set(re.findall(r"kms:[A-Za-z*]+", " ".join(strings_with_locals(body["actions"])))))
        principal = {}
        for block in body.get("principals", []):
            principal.setdefault(first(block["type"]), []).extend(identifiers(block["identifiers"]))
        condition = {}
        for block in body.get("condition", []):
            condition.setdefault(first(block["test"]), {})[first(block["variable"])] = first(block["values"])
        statement = {"Effect": first(body.get("effect", "Allow")), "Action": actions, "Principal": principal,
                     "Resource": first(body["resources"])}
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
    return policy(*statements)


class TheModules(unittest.TestCase):
    def test_terraform_manages_the_kms_key_and_its_alias(self):
        doc = module_policy("modules/kms_key", "this")
        for action in TERRAFORM_ACTIONS + ["kms:EnableKeyRotation"]:
            with self.subTest(action=action):
                self.assertIsNone(decide(doc, action, ADMIN, iam="allow"))

    def test_terraform_manages_the_signing_key_and_its_alias(self):
        doc = module_policy("modules/signing", "key", [SIGNER_ROLE])
        for action in TERRAFORM_ACTIONS:
            with self.subTest(action=action):
                self.assertIsNone(decide(doc, action, ADMIN, iam="allow"))

    def test_only_the_signer_role_signs(self):
        doc = module_policy("modules/signing", "key", [SIGNER_ROLE])
        self.assertIsNone(decide(doc, "kms:Sign", SIGNER, iam="none"))
        self.assertRegex(decide(doc, "kms:Sign", ADMIN, iam="allow"), "no resource-based policy allows the kms:Sign")
        self.assertIsNotNone(decide(doc, "kms:Sign", READER, iam="allow"))
        for action in ("kms:GetPublicKey", "kms:Verify", "kms:DescribeKey"):
            self.assertIsNone(decide(doc, action, READER, iam="allow"), action)
            self.assertIsNotNone(decide(doc, action, READER, iam="none"), action)


# ------------------------------------------------------------ through moto

class ThroughMoto(unittest.TestCase):
    """kms_key_policy.install() in moto, in-process, with IAM authorization
    on: the errors reach the client as AWS sends them."""

    @classmethod
    def setUpClass(cls):
        os.environ.update({"MOTO_ACCOUNT_ID": ACCOUNT, "AWS_DEFAULT_REGION": "eu-west-1",
                           "AWS_ACCESS_KEY_ID": "unused", "AWS_SECRET_ACCESS_KEY": "unused"})
        from moto import mock_aws, settings

        kp.install()
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0  # every call authorized, as in emulated_account.py
        cls.mock = mock_aws()
        cls.mock.start()

    @classmethod
    def tearDownClass(cls):
        cls.mock.stop()

    def client(self, service, key_id, secret, token=None):
        import boto3

        return boto3.client(service, region_name="eu-west-1", aws_access_key_id=key_id,
                            aws_secret_access_key=secret, aws_session_token=token)

    def setUp(self):
        from moto.iam.models import iam_backends

        iam = iam_backends[ACCOUNT]["aws"]
        name = "admin-%s" % self._testMethodName[-20:]
        iam.create_user("eu-west-1", name, path="/", tags=[])
        iam.put_user_policy(name, "all", json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(name)
        self.admin_arn = "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)
        self.kms = self.client("kms", key.access_key_id, key.secret_access_key)
        self.sts = self.client("sts", key.access_key_id, key.secret_access_key)
        self.iam = iam

    def refused(self, code, call, **args):
        from botocore.exceptions import ClientError

        with self.assertRaises(ClientError) as caught:
            call(**args)
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        return caught.exception.response["Error"]["Message"]

    def test_the_old_kms_key_policy_refuses_create_alias_and_the_module_policy_allows_it(self):
        old = self.kms.create_key(Policy=json.dumps(OLD_KMS_KEY_POLICY))["KeyMetadata"]["Arn"]
        message = self.refused("AccessDeniedException", self.kms.create_alias, AliasName="alias/old", TargetKeyId=old)
        self.assertIn("is not authorized to perform: kms:CreateAlias on resource: %s" % old, message)
        new = self.kms.create_key(Policy=json.dumps(module_policy("modules/kms_key", "this")))["KeyMetadata"]["Arn"]
        self.kms.create_alias(AliasName="alias/new", TargetKeyId=new)
        self.kms.get_key_rotation_status(KeyId=new)
        other = self.kms.create_key(Policy=json.dumps(module_policy("modules/kms_key", "this")))["KeyMetadata"]["Arn"]
        self.kms.update_alias(AliasName="alias/new", TargetKeyId=other)
        self.refused("AccessDeniedException", self.kms.update_alias, AliasName="alias/new", TargetKeyId=old)
        self.kms.delete_alias(AliasName="alias/new")

    def test_only_the_signer_role_signs_with_the_signing_key(self):
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                          "Principal": {"AWS": self.admin_arn}}]}
        role = self.iam.create_role("civet-api-dev-release", json.dumps(trust), "/", None, "", [], None, None)
        doc = module_policy("modules/signing", "key", [role.arn])
        key = self.kms.create_key(Policy=json.dumps(doc), KeyUsage="SIGN_VERIFY",
                                  KeySpec="ECC_NIST_P256")["KeyMetadata"]["Arn"]
        self.kms.create_alias(AliasName="alias/civet-api-dev/signing", TargetKeyId=key)
        sign = {"KeyId": "alias/civet-api-dev/signing", "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}
        message = self.refused("AccessDeniedException", self.kms.sign, **sign)
        self.assertIn("%s is not authorized to perform: kms:Sign" % self.admin_arn, message)
        session = self.sts.assume_role(RoleArn=role.arn, RoleSessionName="gha")["Credentials"]
        signer = self.client("kms", session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
        self.assertTrue(signer.sign(**sign)["Signature"])  # the role has no IAM policy at all
        self.kms.get_public_key(KeyId=key)

    def test_a_key_policy_that_locks_its_creator_out_is_refused(self):
        locked = policy(allow({"AWS": ROOT}, ["kms:DescribeKey"]))
        self.refused("MalformedPolicyDocumentException", self.kms.create_key, Policy=json.dumps(locked))
        self.kms.create_key(Policy=json.dumps(locked), BypassPolicyLockoutSafetyCheck=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        INFRA = Path(sys.argv.pop(1))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
