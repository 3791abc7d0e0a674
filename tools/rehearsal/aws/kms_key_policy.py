"""KMS key policies for the emulated accounts: the key's own policy decides.

Gap closed: moto authorizes a KMS call on the caller's IAM policies alone and
never reads the key policy. In AWS a KMS key's policy is the primary control
(KMS developer guide, "Key policies in AWS KMS" and "Determining access to
KMS keys"): a call on a key is allowed only if

- no statement of the key policy or of the caller's IAM policies denies it,
  and
- a key-policy statement allows the caller directly (its IAM user or role,
  or "*"), or a key-policy statement allows the account
  (arn:aws:iam::<account>:root or <account>) and then the caller's IAM
  policies allow it too (the key policy delegates to IAM).

Otherwise AccessDeniedException, worded as AWS words it. CreateAlias,
UpdateAlias and DeleteAlias need the IAM policy on the alias and the key
policy on the key (UpdateAlias: on both the old and the new key). CreateKey
and PutKeyPolicy run AWS's lockout safety check: unless
BypassPolicyLockoutSafetyCheck is set, the new policy must let the caller
call PutKeyPolicy later (else MalformedPolicyDocumentException).

What is evaluated, and no more: Effect Allow/Deny; Principal "*" or
{"AWS": ARN or [ARNs]} (account root, 12-digit account, IAM user, IAM role,
assumed-role session; "Service" and "Federated" principals never match a
caller here, since moto's services never call KMS on anyone's behalf); Action
with * and ? wildcards, case-insensitive; Resource "*" or the key's ARN.
Conditions honoured: the operators of emulated_account.condition_matches
(StringEquals/NotEquals, StringLike/NotLike, Bool) over the keys in
CONTEXT_KEYS. A statement this module cannot evaluate (another operator or
key, IfExists, NotPrincipal, NotAction, NotResource, any other Resource) is
read conservatively: an Allow does not apply, a Deny does.

Not covered: moto's S3, ECR, DynamoDB and CloudWatch Logs never call KMS, so
SSE-KMS on the state bucket, the repositories' and the table's encryption
and the log groups' keys are not exercised through KMS here; grants are not
evaluated; Decrypt without a KeyId and ReEncrypt are checked by IAM alone.

Usage: install() once at start-up, before moto serves (emulated_account.py).
"""

import json
import re

from emulated_account import condition_matches, like

# Actions authorized on one key named by the request's KeyId (id, ARN, alias
# name or alias ARN): the key policy is consulted.
KEY_ACTIONS = frozenset("""
    CancelKeyDeletion CreateGrant Decrypt DeleteImportedKeyMaterial DescribeKey
    DisableKey DisableKeyRotation EnableKey EnableKeyRotation Encrypt
    GenerateDataKey GenerateDataKeyPair GenerateDataKeyPairWithoutPlaintext
    GenerateDataKeyWithoutPlaintext GenerateMac GetKeyPolicy GetKeyRotationStatus
    GetParametersForImport GetPublicKey ImportKeyMaterial ListGrants
    ListKeyPolicies ListKeyRotations ListResourceTags PutKeyPolicy ReplicateKey
    RetireGrant RevokeGrant RotateKeyOnDemand ScheduleKeyDeletion Sign
    TagResource UntagResource UpdateKeyDescription UpdatePrimaryRegion Verify
    VerifyMac
""".split())
ALIAS_ACTIONS = frozenset(["CreateAlias", "UpdateAlias", "DeleteAlias"])
LOCKOUT_CHECKED = frozenset(["CreateKey", "PutKeyPolicy"])

CONTEXT_KEYS = frozenset([
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:SecureTransport",
    "kms:CallerAccount", "kms:ViaService", "kms:SigningAlgorithm", "kms:MessageType",
])
HONOURED_OPERATORS = frozenset(["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "Bool"])

# A statement's verdict for one caller and action.
DENY, DIRECT, DELEGATED, UNDECIDABLE = "deny", "direct", "delegated", "undecidable"


# ------------------------------------------------------------ the caller

def caller(arn):
    """{arn, account, principal_arn} of a caller given its IAM user ARN or
    assumed-role session ARN. principal_arn is what aws:PrincipalArn holds
    (the role's ARN for a session; moto keeps no role path)."""
    match = re.fullmatch(r"arn:([\w-]+):sts::(\d{12}):assumed-role/([^/]+)/.+", arn)
    if match:
        partition, account, role = match.groups()
        return {"arn": arn, "account": account, "principal_arn": "arn:%s:iam::%s:role/%s" % (partition, account, role)}
    match = re.fullmatch(r"arn:[\w-]+:iam::(\d{12}):.+", arn)
    if not match:
        raise ValueError("not a caller ARN: %r" % arn)
    return {"arn": arn, "account": match.group(1), "principal_arn": arn}


def request_context(who, params):
    """The condition keys of a direct KMS call (no service in between)."""
    context = {"aws:PrincipalArn": who["principal_arn"], "aws:PrincipalAccount": who["account"],
               "kms:CallerAccount": who["account"], "aws:SecureTransport": "true"}
    for key, param in (("kms:SigningAlgorithm", "SigningAlgorithm"), ("kms:MessageType", "MessageType")):
        if params.get(param):
            context[key] = str(params[param])
    return context


# ---------------------------------------------------- one key-policy statement

def _values(value):
    return value if isinstance(value, list) else [value]


def principal_match(entry, who, key_account):
    """DIRECT if a Principal AWS entry names the caller, DELEGATED if it names
    the key's account (and the caller is in it), None if neither."""
    if entry == "*":
        return DIRECT
    if entry == key_account or re.fullmatch(r"arn:[\w-]+:iam::%s:root" % key_account, entry):
        return DELEGATED if who["account"] == key_account else None
    if entry in (who["arn"], who["principal_arn"]):
        return DIRECT
    role = re.fullmatch(r"arn:[\w-]+:iam::(\d{12}):role/(?:.*/)?([^/]+)", entry)
    mine = re.fullmatch(r"arn:[\w-]+:iam::(\d{12}):role/([^/]+)", who["principal_arn"])
    if role and mine and role.groups() == mine.groups():
        return DIRECT  # moto drops the role's path; the name and account decide
    return None


def principal_verdict(principal, who, key_account):
    """The strongest match of a statement's Principal, or UNDECIDABLE."""
    if principal == "*":
        return DIRECT
    if not isinstance(principal, dict):
        return UNDECIDABLE
    found = None
    for entry in _values(principal.get("AWS", [])):
        match = principal_match(str(entry), who, key_account)
        if match == DIRECT:
            return DIRECT
        found = found or match
    return found


def action_matches(patterns, action):
    return any(like(str(p).lower(), action.lower()) for p in _values(patterns))


def conditions_decidable(conditions):
    return all(op in HONOURED_OPERATORS and all(key in CONTEXT_KEYS for key in keys)
               for op, keys in (conditions or {}).items())


def conditions_hold(conditions, context):
    return all(condition_matches(op, expected, context.get(key))
               for op, keys in (conditions or {}).items() for key, expected in keys.items())


def statement_verdict(statement, action, who, key_arn, context):
    """DENY, DIRECT, DELEGATED or None (does not apply) for one statement.
    What cannot be evaluated makes an Allow not apply and a Deny apply."""
    deny = statement.get("Effect") == "Deny"
    if any(k in statement for k in ("NotPrincipal", "NotAction", "NotResource")):
        return DENY if deny else None
    if not action_matches(statement.get("Action", []), action):
        return None
    resources = [str(r) for r in _values(statement.get("Resource", []))]
    principal = principal_verdict(statement.get("Principal"), who, key_arn.split(":")[4])
    decidable = (principal != UNDECIDABLE and conditions_decidable(statement.get("Condition"))
                 and any(r in ("*", key_arn) for r in resources))
    if not decidable:
        return DENY if deny else None
    if principal is None or not conditions_hold(statement.get("Condition"), context):
        return None
    return DENY if deny else principal


def key_policy_verdict(policy, action, who, key_arn, context):
    """DENY, DIRECT, DELEGATED or None over a whole key policy."""
    found = None
    for statement in _values(policy.get("Statement", [])):
        verdict = statement_verdict(statement, action, who, key_arn, context)
        if verdict == DENY:
            return DENY
        if verdict == DIRECT or (verdict == DELEGATED and found is None):
            found = verdict
    return found


def decide(policy, action, who, key_arn, context, iam):
    """None if the call is allowed, else AWS's AccessDenied message. `iam` is
    the caller's IAM policies' result on the key: "deny", "allow" or "none"."""
    denied = "User: %s is not authorized to perform: %s on resource: %s" % (who["arn"], action, key_arn)
    verdict = key_policy_verdict(policy, action, who, key_arn, context)
    if verdict == DENY:
        return denied + " with an explicit deny in a resource-based policy"
    if iam == "deny":
        return denied + " with an explicit deny in an identity-based policy"
    if verdict == DIRECT or (verdict == DELEGATED and iam == "allow"):
        return None
    if verdict == DELEGATED:
        return denied + " because no identity-based policy allows the %s action" % action
    return denied + " because no resource-based policy allows the %s action" % action


# ------------------------------------------------------------- moto, patched

def _iam_result(access_key, action, resource):
    """"deny", "allow" or "none": the caller's IAM policies on one resource."""
    from moto.iam import access_control as ac

    result = "none"
    for policy in access_key.collect_policies():
        permission = ac.IAMPolicy(policy).is_action_permitted(action, resource)
        if permission == ac.PermissionResult.DENIED:
            return "deny"
        if permission == ac.PermissionResult.PERMITTED:
            result = "allow"
    return result


def _keys_of(backend, action, params):
    """The moto keys an action is authorized on; [] when one is unknown (moto
    then answers NotFound itself)."""
    def key(any_id):
        try:
            return backend.keys.get(backend.any_id_to_key_id(str(any_id)))
        except Exception:  # an unknown alias
            return None

    if action in ALIAS_ACTIONS:
        names = [backend.get_alias_name(str(params.get("AliasName", "")))]
        ids = [] if action == "CreateAlias" else [backend.get_key_id_from_alias(names[0])]
        if action != "DeleteAlias":
            ids.append(params.get("TargetKeyId"))
        found = [key(i) for i in ids if i]
    elif params.get("KeyId"):
        found = [key(params["KeyId"])]
    else:
        return []
    return found if all(found) else []


def install():
    """Patches moto's KMS authorization with key-policy evaluation."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import JsonRESTError
    from moto.iam.access_control import IAMRequest
    from moto.kms import responses
    from moto.utilities.utils import get_partition

    class AccessDeniedException(JsonRESTError):
        code = 400

        def __init__(self, message):
            super().__init__("AccessDeniedException", message)

    class MalformedPolicyDocumentException(JsonRESTError):
        code = 400

        def __init__(self, message):
            super().__init__("MalformedPolicyDocumentException", message)

    original = responses.KmsResponse._authenticate_and_authorize_normal_action

    def check_key(request, who, action, key, params, policy=None):
        kms_action = "kms:" + action
        context = request_context(who, params)
        return decide(json.loads(policy or key.policy), kms_action, who, key.arn, context,
                      _iam_result(request._access_key, kms_action, key.arn))

    def authorize(self, resource="*"):
        action = self._get_action()
        if (action not in KEY_ACTIONS | ALIAS_ACTIONS | LOCKOUT_CHECKED
                or ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT):
            return original(self, resource)  # not on a key, or still in moto's free calls
        params = json.loads(self.body or "{}")
        keys = _keys_of(self.kms_backend, action, params)
        if action != "CreateKey" and not keys:
            return original(self, resource)  # unknown key or no KeyId: IAM alone
        request = IAMRequest(account_id=self.current_account, method=self.method, path=self.raw_path,
                             data=self.data, body=self.raw_body, headers=self.headers, action=action)
        who = caller(request._access_key.arn)
        if action == "CreateKey":
            original(self, resource)  # IAM alone: there is no key yet
        elif action in ALIAS_ACTIONS:  # IAM on the alias, the key policy on the key(s)
            original(self, "arn:%s:kms:%s:%s:%s" % (get_partition(self.region), self.region, self.current_account,
                                                    self.kms_backend.get_alias_name(params.get("AliasName", ""))))
        for key in keys:
            refused = check_key(request, who, action, key, params)
            if refused:
                raise AccessDeniedException(refused)
        if action in LOCKOUT_CHECKED and params.get("Policy") and not params.get("BypassPolicyLockoutSafetyCheck"):
            if action == "CreateKey":
                key = _Placeholder("arn:%s:kms:%s:%s:key/new" % (get_partition(self.region), self.region,
                                                                 self.current_account))
            else:
                key = keys[0]
            if check_key(request, who, "PutKeyPolicy", key, params, params["Policy"]):
                raise MalformedPolicyDocumentException(
                    "The new key policy will not allow you to update the key policy in the future.")
        return None

    responses.KmsResponse._authenticate_and_authorize_normal_action = authorize


class _Placeholder:
    """A key that does not exist yet, for CreateKey's lockout check."""

    def __init__(self, arn):
        self.arn = arn
        self.policy = "{}"
