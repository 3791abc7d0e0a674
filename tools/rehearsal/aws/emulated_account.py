"""One emulated AWS account for the local rehearsal: moto's server, patched.

`tools/dev up` starts two of these (dev and prod), each with its own account
id, so the Terraform, the release tools and the OIDC roles meet two isolated
accounts the way they would meet AWS. moto is the pinned one of
tools/deps/python-release.txt; where it differs from AWS in a way our code
meets, a patch below makes it behave like AWS, each one naming the gap. What
cannot be patched cheaply is allow-listed in tools/rehearsal/aws/plan_allowlist.txt
instead, never here.

Before serving, the account gets one administrator (an IAM user with
AdministratorAccess, as the human who applies Terraform), whose key is
written to STATE_DIR/admin.credentials. IAM authorization is on from the
first request (INITIAL_NO_AUTH_ACTION_COUNT=0): every call's action is
checked against the caller's policies, so a role that lacks a permission
fails as it would in AWS. Resource scopes are checked for the ECS actions
the roles use (iam_resources.py), not elsewhere; signatures are not checked
(see patch_policy_conditions and patch_signature_check).

sts:AssumeRoleWithWebIdentity is AWS's, not moto's: the token must be an
RS256 JWT signed by a key of the issuer's JWKS (--oidc-jwks-url), issued by
the OIDC provider the role trusts, not expired, and the role's trust policy
(read back from this account's IAM) must admit its claims.

KMS keys' own policies decide, as in AWS (kms_key_policy.py): the account's
IAM policies grant only what a key policy delegates to the account.

ECS runs what it is asked to (ecs_standin.py): tasks of a service's
deployment are started from this account's registry (--registry) by
--task-runner, on the --slot-ports.

Usage: emulated_account.py --account-id ID --port PORT --state-dir DIR
                           [--oidc-jwks-url URL] [--registry HOST:PORT
                           --slot-ports P1,P2,... --task-runner PATH]
"""

import argparse
import base64
import datetime
import json
import os
import re
import secrets
import sys
import time
import urllib.request

import iam_resources

ADMIN_USER = "rehearsal-admin"
ECR_TOKEN_LIFETIME = datetime.timedelta(hours=12)  # GetAuthorizationToken's, in ECR


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--account-id", required=True, help="12-digit account id")
    parser.add_argument("--port", required=True, type=int, help="port on 127.0.0.1")
    parser.add_argument("--state-dir", required=True, help="where admin.credentials goes")
    parser.add_argument("--region", default="eu-west-1", help="the profile's region")
    parser.add_argument("--oidc-jwks-url", default="",
                        help="JWKS of the local OIDC issuer; without it no web identity is accepted")
    parser.add_argument("--registry", default="", help="host:port standing in for this account's ECR")
    parser.add_argument("--slot-ports", default="", help="ports the ECS stand-in runs tasks on")
    parser.add_argument("--task-runner", default="", help="tools/rehearsal/task")
    args = parser.parse_args(argv)
    if args.registry and not (args.slot_ports and args.task_runner):
        parser.error("--registry needs --slot-ports and --task-runner")
    if not (len(args.account_id) == 12 and args.account_id.isdigit()):
        parser.error("--account-id must be 12 digits")
    return args


# --------------------------------------------------------------- conditions

def _values(value):
    return value if isinstance(value, list) else [value]


def like(pattern, value):
    """IAM's StringLike: * is any run of characters, ? one; nothing else is special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def condition_matches(operator, expected, actual):
    """One IAM condition operator over one key. `actual` is None when the
    request has no value for the key: then only the negated operators match,
    as in AWS. An operator we do not implement never matches (fail closed)."""
    expected = [str(v) for v in _values(expected)]
    if operator in ("StringEquals", "StringNotEquals"):
        hit = actual is not None and actual in expected
        return hit if operator == "StringEquals" else not hit
    if operator in ("StringLike", "StringNotLike"):
        hit = actual is not None and any(like(e, actual) for e in expected)
        return hit if operator == "StringLike" else not hit
    if operator == "Bool":
        return actual is not None and actual.lower() in [e.lower() for e in expected]
    if operator in ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"):
        hit = actual is not None and any(iam_resources.arn_like(e, actual) for e in expected)
        return hit if operator in ("ArnEquals", "ArnLike") else not hit
    return False


def conditions_match(conditions, context):
    """Every operator and every key of a statement's Condition must match."""
    for operator, keys in (conditions or {}).items():
        for key, expected in keys.items():
            if not condition_matches(operator, expected, context.get(key)):
                return False
    return True


# What every request to this emulated account carries as global condition
# keys. aws:SecureTransport: moto serves plain HTTP on loopback where AWS
# serves only TLS, so a TLS-only bucket policy (DenyInsecureTransport) must
# see "true", as the S3 backend in AWS would.
REQUEST_CONTEXT = {"aws:SecureTransport": "true"}


def patch_policy_conditions():
    """Gap: moto evaluates only StringEquals, ignores every other operator,
    and turns a statement whose condition does not match into an explicit
    deny (so the state bucket's DenyInsecureTransport denied the S3 backend's
    own lock file). AWS: a statement whose condition does not match does not
    apply (neither allow nor deny). Second gap, not closed: moto knows the
    resource of S3 calls only, so elsewhere a statement's Resource is not
    checked (a role scoped to one service's ARN may act on another's)."""
    from moto.iam import access_control as ac

    def is_action_permitted(self, action, resource="*", principal=None,
                            incoming_condition_values=None):
        statement = self._statement
        if "NotAction" in statement:
            concerned = not self._check_element_matches("NotAction", action)
        else:
            concerned = self._check_element_matches("Action", action)
        if not concerned:
            return ac.PermissionResult.NEUTRAL
        if self.is_unknown_principal(statement.get("Principal")):
            return ac.PermissionResult.NEUTRAL
        if principal and not self._check_principal(principal):
            return ac.PermissionResult.DENIED
        context = dict(REQUEST_CONTEXT)
        context.update(incoming_condition_values or {})
        if not conditions_match(statement.get("Condition"), context):
            return ac.PermissionResult.NEUTRAL
        # moto names the resource of S3 calls only; for the rest it passes
        # "*". Then the action decides and the statement's Resource is not
        # checked: the emulated accounts enforce actions, not resource scopes.
        if (statement.get("Resource") and resource != "*"
                and not self._check_element_matches("Resource", resource)):
            return ac.PermissionResult.NEUTRAL
        if statement.get("Effect") == "Allow":
            return ac.PermissionResult.PERMITTED
        return ac.PermissionResult.DENIED

    ac.IAMPolicyStatement.is_action_permitted = is_action_permitted


def patch_api_gateway_actions():
    """Gap: moto names an API Gateway call by its operation
    (apigateway:GetRestApi, apigateway:UpdateUsagePlan); AWS authorizes API
    Gateway's management API by the request's HTTP method on the resource's
    path (apigateway:GET, apigateway:PATCH on
    arn:aws:apigateway:<region>::/usageplans/<id>), which is what policies
    name. Here the action is the method; the path is not checked (moto
    passes "*" as the resource)."""
    from moto.iam import access_control as ac

    original = ac.IAMRequestBase.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self._service == "apigateway":
            self._action = "apigateway:" + self._method.upper()

    ac.IAMRequestBase.__init__ = __init__


def patch_s3_head_bucket_action():
    """Gap: moto authorizes HeadBucket as s3:HeadBucket, an action IAM does
    not have; AWS authorizes it as s3:ListBucket (the AWS provider's read of
    every bucket starts with HeadBucket). Second gap, not closed: moto
    authorizes a bucket's configuration reads it has no name for
    (?encryption, ?ownershipControls, ?publicAccessBlock, ?object-lock,
    ?replication, ?requestPayment) as s3:ListBucket, where AWS names each."""
    from moto.s3 import responses

    responses.ACTION_MAP["BUCKET"]["HEAD"]["DEFAULT"] = "ListBucket"


def patch_signature_check():
    """Gap: moto recomputes the SigV4 signature of some correct requests
    wrongly (API Gateway's GET /restapis/{id} from the AWS CLI and the
    provider answered SignatureDoesNotMatch). The access key id still names
    the caller and authorization is still checked against its policies;
    only the signature itself is not verified, on loopback."""
    from moto.iam import access_control as ac

    ac.IAMRequestBase.check_signature = lambda self: None


# ---------------------------------------------------------- web identities

def _b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class WebIdentityRefused(Exception):
    pass


def verify_jwt(token, jwks):
    """The claims of an RS256 JWT signed by a key of `jwks`, else raises."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        head_b64, body_b64, sig_b64 = token.split(".")
        head = json.loads(_b64url(head_b64))
        claims = json.loads(_b64url(body_b64))
        signature = _b64url(sig_b64)
    except ValueError as error:
        raise WebIdentityRefused("not a JWT: %s" % error)
    if head.get("alg") != "RS256":
        raise WebIdentityRefused("alg %r, want RS256" % head.get("alg"))
    keys = [k for k in jwks.get("keys", []) if k.get("kid") == head.get("kid")]
    if not keys:
        raise WebIdentityRefused("no key %r in the issuer's JWKS" % head.get("kid"))
    numbers = rsa.RSAPublicNumbers(int.from_bytes(_b64url(keys[0]["e"]), "big"),
                                   int.from_bytes(_b64url(keys[0]["n"]), "big"))
    try:
        numbers.public_key().verify(signature, ("%s.%s" % (head_b64, body_b64)).encode(),
                                    padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        raise WebIdentityRefused("bad signature")
    now = time.time()
    if not (claims.get("nbf", 0) - 60 <= now < claims.get("exp", 0)):
        raise WebIdentityRefused("expired or not yet valid")
    return claims


def trust_admits(trust_policy, provider_arns, claims):
    """Whether a role's trust policy lets these claims assume it through one
    of the account's OIDC providers. Keys are `<issuer host/path>:<claim>`,
    as AWS builds them for a federated principal."""
    issuer = claims.get("iss", "")
    host = issuer.split("://", 1)[-1].rstrip("/")
    context = {"%s:%s" % (host, name): str(value) for name, value in claims.items()
               if isinstance(value, (str, int))}
    allowed = False
    for statement in _values(trust_policy.get("Statement", [])):
        if "sts:AssumeRoleWithWebIdentity" not in _values(statement.get("Action", [])):
            continue
        federated = _values((statement.get("Principal") or {}).get("Federated", []))
        if not any(p in provider_arns and p.endswith("oidc-provider/" + host) for p in federated):
            continue
        if not conditions_match(statement.get("Condition"), context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed


def patch_assume_role_with_web_identity(account_id, jwks_url):
    """Gap: moto hands out credentials for any token and any role. AWS checks
    the token's signature against its issuer and the role's trust policy
    (audience, subject, ...), and needs no signed request for this call."""
    from moto.iam.models import iam_backends
    from moto.sts import responses
    from moto.sts.exceptions import STSClientError

    original = responses.TokenResponse.assume_role_with_web_identity

    class AccessDenied(STSClientError):
        code = "AccessDenied"

    def check(self):
        role_arn = self._get_param("RoleArn") or ""
        refused = "Not authorized to perform sts:AssumeRoleWithWebIdentity on %s" % role_arn
        if not jwks_url:
            raise AccessDenied(refused + " (no OIDC issuer configured)")
        iam = iam_backends[account_id]["aws"]
        try:
            role = iam.get_role_by_arn(role_arn)
            with urllib.request.urlopen(jwks_url, timeout=5) as answer:
                jwks = json.load(answer)
            claims = verify_jwt(self._get_param("WebIdentityToken") or "", jwks)
        except WebIdentityRefused as error:
            raise AccessDenied("%s: %s" % (refused, error))
        except Exception as error:  # unknown role, issuer down
            raise AccessDenied("%s: %s" % (refused, error))
        providers = list(iam.open_id_providers)
        if not trust_admits(json.loads(role.assume_role_policy_document), providers, claims):
            raise AccessDenied(refused + ": the trust policy does not admit sub=%r aud=%r" % (
                claims.get("sub"), claims.get("aud")))

    def assume_role_with_web_identity(self):
        check(self)
        return original(self)

    def authenticate(self, resource="*"):
        if self._get_action() == "AssumeRoleWithWebIdentity":
            return None  # unsigned in AWS; the token and the trust policy decide
        return original_auth(self, resource)

    original_auth = responses.TokenResponse._authenticate_and_authorize_normal_action
    responses.TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity
    responses.TokenResponse._authenticate_and_authorize_normal_action = authenticate


# -------------------------------------------------------------- services

def patch_network_load_balancer_arns():
    """Gap: moto names every load balancer loadbalancer/app/...; AWS names a
    network load balancer loadbalancer/net/... (our api_gateway module's
    nlb_arn validation and the VPC link rely on it)."""
    from moto.elbv2 import models

    original = models.ELBv2Backend.create_load_balancer

    def create_load_balancer(self, *args, **kwargs):
        balancer = original(self, *args, **kwargs)
        if balancer.type == "network" and "/app/" in balancer.arn:
            old = balancer.arn
            balancer.arn = old.replace(":loadbalancer/app/", ":loadbalancer/net/")
            self.load_balancers[balancer.arn] = self.load_balancers.pop(old)
            tags = self.tagging_service.list_tags_for_resource(old).get("Tags", [])
            self.tagging_service.delete_all_tags_for_resource(old)
            self.tagging_service.tag_resource(balancer.arn, tags)
        return balancer

    models.ELBv2Backend.create_load_balancer = create_load_balancer

    from moto.elbv2 import responses

    original_set = responses.ELBV2Response.set_security_groups

    def set_security_groups(self):
        """Gap: the NLB's EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic
        is dropped, so it never settles in a plan."""
        result = original_set(self)
        value = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        if value:
            balancer = self.elbv2_backend.load_balancers.get(self._get_param("LoadBalancerArn"))
            balancer.enforce_security_group_inbound_rules_on_private_link_traffic = value
            result.result["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] = value
        return result

    responses.ELBV2Response.set_security_groups = set_security_groups


def patch_api_gateway_integrations():
    """Gaps: UpdateIntegration is not implemented (HTTP 500, which the
    provider retries for minutes), and integrations lose connectionId (the
    VPC link), so every plan wants to set it again."""
    from moto.apigateway import models, responses

    original_to_json = models.Integration.to_json

    def to_json(self):
        data = original_to_json(self)
        data["connectionId"] = getattr(self, "connection_id", None)
        return data

    original_put = responses.APIGatewayResponse.put_integration

    def put_integration(self):
        status, headers, body = original_put(self)
        parts = self.path.split("/")
        integration = self.backend.get_integration(parts[2], parts[4], parts[6])
        integration.connection_id = self._get_param("connectionId")
        return status, headers, json.dumps(integration.to_json())

    def update_integration(self):
        parts = self.path.split("/")
        integration = self.backend.get_integration(parts[2], parts[4], parts[6])
        fields = {"/uri": "uri", "/connectionId": "connection_id",
                  "/connectionType": "connection_type", "/httpMethod": "http_method",
                  "/timeoutInMillis": "timeout_in_millis", "/contentHandling": "content_handling",
                  "/passthroughBehavior": "passthrough_behaviour", "/credentials": "credentials"}
        for operation in self._get_param("patchOperations") or []:
            path, value, op = operation.get("path", ""), operation.get("value"), operation.get("op")
            if path in fields:
                setattr(integration, fields[path], None if op == "remove" else value)
            elif path.startswith("/requestParameters/"):
                params = integration.request_parameters or {}
                key = path[len("/requestParameters/"):].replace("~1", "/")
                if op == "remove":
                    params.pop(key, None)
                else:
                    params[key] = value
                integration.request_parameters = params
        return 200, {}, json.dumps(integration.to_json())

    models.Integration.to_json = to_json
    responses.APIGatewayResponse.put_integration = put_integration
    responses.APIGatewayResponse.update_integration = update_integration


def patch_ecs_service_settings():
    """Gap: CreateService/UpdateService drop enableECSManagedTags and
    healthCheckGracePeriodSeconds, so they show as diffs after every apply."""
    from moto.ecs import responses

    kept = {"enableECSManagedTags": "enable_ecs_managed_tags",
            "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
            "enableExecuteCommand": "enable_execute_command"}

    def keeping(original):
        def handler(self):
            result = original(self)
            service = result.result["service"]
            for param, attribute in kept.items():
                value = self._get_param(param)
                if value is not None:
                    setattr(service, attribute, value)
            return result
        return handler

    responses.EC2ContainerServiceResponse.create_service = keeping(
        responses.EC2ContainerServiceResponse.create_service)
    responses.EC2ContainerServiceResponse.update_service = keeping(
        responses.EC2ContainerServiceResponse.update_service)


def patch_kms_sign_digest():
    """Gap: Sign and Verify ignore MessageType=DIGEST and hash the 32-byte
    digest again, so every signature cosign makes through KMS (it always
    sends a digest) fails to verify against the public key. AWS signs the
    digest as given (pre-hashed)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    from cryptography.exceptions import InvalidSignature
    from moto.kms import responses
    from moto.kms.exceptions import ValidationException

    hashes_by_algorithm = {"ECDSA_SHA_256": hashes.SHA256(), "ECDSA_SHA_384": hashes.SHA384(),
                           "ECDSA_SHA_512": hashes.SHA512()}

    def digest_key(self):
        """(key, its ECC private key, the raw digest, the algorithm) of a
        DIGEST request, or None for a RAW one (moto's own handling)."""
        if self._get_param("MessageType") != "DIGEST":
            return None
        key = self.kms_backend.describe_key(self.kms_backend.get_key_id(self._get_param("KeyId")))
        algorithm = self._get_param("SigningAlgorithm")
        private = getattr(key.private_key, "private_key", None)
        if algorithm not in hashes_by_algorithm or not isinstance(private, ec.EllipticCurvePrivateKey):
            raise ValidationException("the rehearsal signs DIGEST messages with ECC keys and ECDSA only")
        message = self._get_param("Message")  # moto's parameter parser decoded it
        if isinstance(message, str):
            message = base64.b64decode(message)
        if len(message) != hashes_by_algorithm[algorithm].digest_size:
            raise ValidationException("Digest is invalid length for algorithm %s." % algorithm)
        return key, private, message, algorithm

    def sign(original):
        def handler(self):
            found = digest_key(self)
            if found is None:
                return original(self)
            key, private, message, algorithm = found
            signature = private.sign(message, ec.ECDSA(utils.Prehashed(hashes_by_algorithm[algorithm])))
            return json.dumps({"KeyId": key.arn, "Signature": base64.b64encode(signature).decode(),
                               "SigningAlgorithm": algorithm})
        return handler

    def verify(original):
        def handler(self):
            found = digest_key(self)
            if found is None:
                return original(self)
            key, private, message, algorithm = found
            try:
                signature = self._get_param("Signature")
                if isinstance(signature, str):
                    signature = base64.b64decode(signature)
                private.public_key().verify(signature, message,
                                            ec.ECDSA(utils.Prehashed(hashes_by_algorithm[algorithm])))
                valid = True
            except InvalidSignature:
                valid = False
            return json.dumps({"KeyId": key.arn, "SignatureValid": valid, "SigningAlgorithm": algorithm})
        return handler

    responses.KmsResponse.sign = sign(responses.KmsResponse.sign)
    responses.KmsResponse.verify = verify(responses.KmsResponse.verify)


def patch_ecr_authorization_token():
    """Gap: GetAuthorizationToken answers every caller the same password
    ("<registry id>-auth-token"), expired since 2015. ECR issues a password
    per call, valid 12 hours (authorizationToken is base64 "AWS:<password>").
    aws_proxy.py lets a request to a registry through only with a token the
    account issued and still valid, so these must be unguessable and dated."""
    from moto.ecr import responses

    original = responses.ECRResponse.get_authorization_token

    def get_authorization_token(self):
        result = original(self)
        expires = datetime.datetime.now(datetime.timezone.utc) + ECR_TOKEN_LIFETIME
        for item in result.result["authorizationData"]:
            password = secrets.token_urlsafe(48)
            item["authorizationToken"] = base64.b64encode(("AWS:" + password).encode()).decode()
            item["expiresAt"] = expires
        return result

    responses.ECRResponse.get_authorization_token = get_authorization_token


# ------------------------------------------------------------ the account

def create_admin(account_id, state_dir, region):
    """The human with admin credentials who applies Terraform, as an IAM
    user: created in-process before the server answers anything."""
    from moto.iam.models import iam_backends

    iam = iam_backends[account_id]["aws"]
    iam.create_user(region, ADMIN_USER, path="/", tags=[])
    iam.attach_user_policy("arn:aws:iam::aws:policy/AdministratorAccess", ADMIN_USER)
    key = iam.create_access_key(ADMIN_USER)
    path = os.path.join(state_dir, "admin.credentials")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = %s\n"
                  % (key.access_key_id, key.secret_access_key, region))


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.state_dir, exist_ok=True)
    # Read by moto's settings at import time.
    os.environ["MOTO_ACCOUNT_ID"] = args.account_id
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # AdministratorAccess & co.
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"
    patch_policy_conditions()
    iam_resources.patch_ecs_authorization(conditions_match, REQUEST_CONTEXT)
    patch_signature_check()
    patch_api_gateway_actions()
    patch_s3_head_bucket_action()
    patch_assume_role_with_web_identity(args.account_id, args.oidc_jwks_url)
    patch_network_load_balancer_arns()
    patch_api_gateway_integrations()
    patch_ecs_service_settings()
    patch_kms_sign_digest()
    patch_ecr_authorization_token()
    import kms_key_policy
    kms_key_policy.install()
    create_admin(args.account_id, args.state_dir, args.region)
    if args.registry:
        from ecs_standin import EcsStandIn
        standin = EcsStandIn(args.account_id, args.region, args.task_runner, args.registry,
                             [int(p) for p in args.slot_ports.split(",")],
                             lambda line: print(line, file=sys.stderr, flush=True))
        standin.install()
        standin.start()
    from moto.server import main as moto_main
    moto_main(["-H", "127.0.0.1", "-p", str(args.port)])


if __name__ == "__main__":
    main(sys.argv[1:])
