"""Registry logins in the rehearsal: the emulated ECR issues them, the proxy
in front of the registries demands them.

- emulated_account.patch_ecr_authorization_token: GetAuthorizationToken
  (moto, in process) gives a new base64 "AWS:<password>" per call, expiring
  12 hours later, not moto's fixed "<registry>-auth-token" of 2015;
- aws_proxy.RegistryTokens: a registry request passes with a token the
  account's ECR issued and still valid, and with nothing else;
- aws_proxy's wire behaviour, through a real CONNECT and TLS with the
  proxy's own CA, against a stub upstream standing in for moto and a
  registry: ECR's 401 and Basic challenge without a login, the token learned
  from GetAuthorizationToken's answer on its way back, then accepted on that
  account's registry only.

Usage: registry_auth_test.py   (run by //tools/rehearsal:registry_auth_test)
"""

import base64
import datetime
import http.client
import http.server
import json
import os
import ssl
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aws_proxy as proxy  # noqa: E402
import emulated_account as account  # noqa: E402

DEV, PROD = "111111111111", "222222222222"
DEV_REGISTRY = DEV + ".dkr.ecr.eu-west-1.amazonaws.com"
PROD_REGISTRY = PROD + ".dkr.ecr.eu-west-1.amazonaws.com"


def basic(pair):
    return "Basic " + base64.b64encode(pair.encode()).decode()


def token_answer(pair, expires):
    """A GetAuthorizationToken answer as the AWS JSON protocol sends it."""
    return json.dumps({"authorizationData": [{
        "authorizationToken": base64.b64encode(pair.encode()).decode(),
        "expiresAt": expires, "proxyEndpoint": "https://" + DEV_REGISTRY}]}).encode()


class IssuedByTheEmulatedEcr(unittest.TestCase):
    """moto's GetAuthorizationToken, patched as the emulated accounts run it."""

    @classmethod
    def setUpClass(cls):
        os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                          AWS_DEFAULT_REGION="eu-west-1")
        import boto3
        from moto import mock_aws
        account.patch_ecr_authorization_token()
        cls.mock = mock_aws()
        cls.mock.start()
        cls.ecr = boto3.client("ecr", region_name="eu-west-1")

    @classmethod
    def tearDownClass(cls):
        cls.mock.stop()

    def test_a_new_password_per_call_valid_for_12_hours(self):
        first = self.ecr.get_authorization_token()["authorizationData"][0]
        second = self.ecr.get_authorization_token()["authorizationData"][0]
        user, _, password = base64.b64decode(first["authorizationToken"]).decode().partition(":")
        self.assertEqual(user, "AWS")
        self.assertGreaterEqual(len(password), 32)
        self.assertNotIn("auth-token", password)
        self.assertNotEqual(first["authorizationToken"], second["authorizationToken"])
        left = first["expiresAt"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertGreater(left, datetime.timedelta(hours=11, minutes=59))
        self.assertLessEqual(left, datetime.timedelta(hours=12))


class Tokens(unittest.TestCase):
    """RegistryTokens.refusal: None lets the request through."""

    def setUp(self):
        self.now = 1_000_000.0
        self.tokens = proxy.RegistryTokens(clock=lambda: self.now)
        self.tokens.learn(DEV, token_answer("AWS:issued-password", self.now + 3600))

    def test_the_issued_token_passes_until_it_expires(self):
        self.assertIsNone(self.tokens.refusal(DEV, basic("AWS:issued-password")))
        self.now += 3599
        self.assertIsNone(self.tokens.refusal(DEV, basic("AWS:issued-password")))
        self.now += 1
        self.assertEqual(self.tokens.refusal(DEV, basic("AWS:issued-password")), "an expired token")

    def test_no_login_is_refused(self):
        for header in (None, "", "Basic", "Basic ", "Bearer abc"):
            self.assertIn("no Basic credentials", self.tokens.refusal(DEV, header), header)

    def test_a_password_nobody_issued_is_refused(self):
        # moto's own fixed password, which anyone can write down.
        self.assertEqual(self.tokens.refusal(DEV, basic("AWS:%s-auth-token" % DEV)),
                         "a password no emulated ECR issued")
        self.assertEqual(self.tokens.refusal(DEV, basic("AWS:issued-passwordX")),
                         "a password no emulated ECR issued")
        self.assertIn("not base64", self.tokens.refusal(DEV, "Basic %%%"))

    def test_another_accounts_token_is_refused(self):
        self.assertEqual(self.tokens.refusal(PROD, basic("AWS:issued-password")),
                         "a token account %s issued, not %s" % (DEV, PROD))

    def test_answers_without_tokens_teach_nothing(self):
        tokens = proxy.RegistryTokens(clock=lambda: self.now)
        for body in (b"not json", b"{}", b'{"authorizationData": [{"expiresAt": 5}]}',
                     b'{"authorizationData": [{"authorizationToken": "%%%", "expiresAt": 5}]}'):
            tokens.learn(DEV, body)
        self.assertEqual(tokens.issued, {})

    def test_ecr_challenge(self):
        status, headers, body = proxy.ecr_challenge(DEV_REGISTRY)
        self.assertEqual(status, 401)
        self.assertIn(("WWW-Authenticate",
                       'Basic realm="https://%s/",service="ecr.amazonaws.com"' % DEV_REGISTRY), headers)
        self.assertEqual(body, b"Not Authorized\n")


class Upstream(http.server.BaseHTTPRequestHandler):
    """Stands in for moto (STS, ECR) and for a Distribution registry."""

    protocol_version = "HTTP/1.1"
    seen = []  # (host, method, path, Authorization) of every request

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Upstream.seen.append((self.headers["Host"], "GET", self.path, self.headers.get("Authorization")))
        self.reply(200, b"{}")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Upstream.seen.append((self.headers["Host"], "POST", self.path, self.headers.get("Authorization")))
        if self.headers["Host"].startswith("sts."):
            self.reply(200, b"<AssumeRoleResponse><AccessKeyId>ASIADEVKEY</AccessKeyId></AssumeRoleResponse>",
                       "text/xml")
        elif self.headers.get("X-Amz-Target") == proxy.ECR_TOKEN_TARGET:
            self.reply(200, token_answer("AWS:fresh-password", time.time() + 3600))
        else:
            self.reply(400, b'{"message": "unexpected %s"}' % body[:40])


class ThroughTheProxy(unittest.TestCase):
    """A client's view: CONNECT to an AWS name, TLS with the proxy's CA."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
        address = "127.0.0.1:%d" % cls.upstream.server_address[1]
        state = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        proxy.Handler.certificates = proxy.Certificates(state)
        proxy.Handler.routes = proxy.Routes({DEV: {"endpoint": address, "registry": address},
                                             PROD: {"endpoint": address, "registry": address}})
        proxy.Handler.tokens = proxy.RegistryTokens()
        proxy.Handler.log_message = lambda *args: None
        cls.proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), proxy.Handler)
        for server in (cls.upstream, cls.proxy):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        cls.tls = ssl.create_default_context(cafile=os.path.join(state, "ca.pem"))

    @classmethod
    def tearDownClass(cls):
        for server in (cls.proxy, cls.upstream):
            server.shutdown()
            server.server_close()

    def request(self, host, method, path, headers=None, body=None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.proxy.server_address[1],
                                                 context=self.tls, timeout=30)
        connection.set_tunnel(host, 443)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read()
        finally:
            connection.close()

    def login(self):
        """AssumeRole through STS (names the key), then GetAuthorizationToken."""
        self.request("sts.eu-west-1.amazonaws.com", "POST", "/",
                     {"Content-Type": "application/x-www-form-urlencoded"},
                     b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A" + DEV.encode() + b"%3Arole%2Fx")
        status, _, body = self.request(
            "api.ecr.eu-west-1.amazonaws.com", "POST", "/",
            {"X-Amz-Target": proxy.ECR_TOKEN_TARGET, "Content-Type": "application/x-amz-json-1.1",
             "Authorization": "AWS4-HMAC-SHA256 Credential=ASIADEVKEY/20261204/eu-west-1/ecr/aws4_request"},
            b"{}")
        self.assertEqual(status, 200, body)
        return json.loads(body)["authorizationData"][0]["authorizationToken"]

    def test_without_a_login_ecr_challenges_and_nothing_reaches_the_registry(self):
        Upstream.seen.clear()
        status, headers, body = self.request(DEV_REGISTRY, "GET", "/v2/")
        self.assertEqual(status, 401)
        self.assertEqual(headers.get("WWW-Authenticate"),
                         'Basic realm="https://%s/",service="ecr.amazonaws.com"' % DEV_REGISTRY)
        self.assertEqual(body, b"Not Authorized\n")
        status, _, _ = self.request(DEV_REGISTRY, "GET", "/v2/api/manifests/latest",
                                    {"Authorization": basic("AWS:%s-auth-token" % DEV)})
        self.assertEqual(status, 401)
        self.assertEqual(Upstream.seen, [])

    def test_the_token_ecr_gave_opens_that_accounts_registry_only(self):
        token = self.login()
        status, _, _ = self.request(DEV_REGISTRY, "GET", "/v2/", {"Authorization": "Basic " + token})
        self.assertEqual(status, 200)
        self.assertIn((DEV_REGISTRY, "GET", "/v2/", "Basic " + token), Upstream.seen)
        status, _, _ = self.request(PROD_REGISTRY, "GET", "/v2/", {"Authorization": "Basic " + token})
        self.assertEqual(status, 401)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
