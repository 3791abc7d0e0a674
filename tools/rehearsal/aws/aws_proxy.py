#!/usr/bin/env python3
"""aws_proxy: the network path from a workflow step to the emulated accounts.

The committed workflows call `aws` and `skopeo` with no endpoint option: the
names they reach are AWS's own (sts.<region>.amazonaws.com, ecs..., the
ECR registry <account>.dkr.ecr.<region>.amazonaws.com). Debian's aws CLI
ignores AWS_ENDPOINT_URL, so the rehearsal changes the network instead of
the steps: act passes HTTPS_PROXY (this proxy), AWS_CA_BUNDLE and
SSL_CERT_FILE (this proxy's local CA) to every job, and each client does
what it does against AWS, TLS verification included.

For each CONNECT the proxy answers with a certificate for that host signed
by its CA (made on first use with openssl), then reads the HTTP requests
inside and forwards them, host name kept, over plain HTTP on loopback:
  - <account>.dkr.ecr.* -> that account's Distribution registry, with
    X-Forwarded-Proto: https so the upload URLs it hands out stay https,
    but only with the credentials ECR wants: `Authorization: Basic` with a
    token that account's ECR issued (GetAuthorizationToken, seen on its way
    back through here) and that has not expired. Anything else gets ECR's
    401 with its `WWW-Authenticate: Basic` challenge, so a tool that does
    not find the login (cosign reads docker's config, not skopeo's file)
    fails here as it would on ECR. Stricter than ECR in one way: a token
    works on the registry of the account that issued it only (ECR takes any
    principal the repository policy allows; the workflows log in per account);
  - sts.*: AssumeRoleWithWebIdentity is unsigned, so the role ARN in the
    body names the account (also for an AssumeRole signed with a key STS
    did not issue, such as an administrator's); the access key of each
    answer is remembered;
  - every other AWS host -> the account whose STS issued the request's
    access key (SigV4 Authorization: Credential=<key>/...).
Anything else is refused: a step that reaches for an unknown host fails.
The Distribution registries themselves take no credentials: the
rehearsal's own loopback access to them stays unauthenticated.
Two options of tools/dev pipeline --cold-runner, where a job is a runner
with full internet and nothing installed:
  - --provider-registry HOST=DIR answers HOST (the registry tofu assumes for
    hashicorp/aws, learnt from tofu at run time) with the Provider Registry
    Protocol, serving the locally built provider (provider_registry.py);
  - --pass-through tunnels every other host unchanged (no certificate of
    ours), so the package clients reach their registries as on GitHub.

Not a general proxy: no plain-HTTP forwarding (loopback is NO_PROXY), no
streaming (bodies are read whole; images here are a few MB).
"""

import argparse
import base64
import binascii
import http.client
import http.server
import json
import os
import re
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import provider_registry  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "proxy-authorization", "proxy-authenticate"}
REGISTRY_HOST = re.compile(r"^([0-9]{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$")
AWS_HOST = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com$")
ROLE_ACCOUNT = re.compile(r"arn(?:%3A|:)aws(?:%3A|:)iam(?:%3A|:)(?:%3A|:)([0-9]{12})(?:%3A|:)role")
ACCESS_KEY = re.compile(rb"<AccessKeyId>([A-Z0-9]+)</AccessKeyId>")
CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/")
ECR_TOKEN_TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"


class Certificates:
    """A local CA and, per host name, a certificate it signed (cached)."""

    def __init__(self, state_dir):
        self.dir = state_dir
        self.lock = threading.Lock()
        self.contexts = {}
        self.ca_key = os.path.join(state_dir, "ca.key")
        self.ca_cert = os.path.join(state_dir, "ca.pem")
        if not os.path.exists(self.ca_cert):
            self.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                         "-subj", "/CN=civet-api rehearsal CA", "-keyout", self.ca_key,
                         "-out", self.ca_cert, "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    def context(self, host):
        with self.lock:
            if host not in self.contexts:
                base = os.path.join(self.dir, host)
                self.openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + host,
                             "-keyout", base + ".key", "-out", base + ".csr")
                with open(base + ".ext", "w") as ext:
                    ext.write("subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n" % host)
                self.openssl("x509", "-req", "-in", base + ".csr", "-CA", self.ca_cert,
                             "-CAkey", self.ca_key, "-CAcreateserial", "-days", "2",
                             "-extfile", base + ".ext", "-out", base + ".pem")
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(base + ".pem", base + ".key")
                self.contexts[host] = context
            return self.contexts[host]


class Routes:
    """Where a request goes: account ids to endpoints and registries."""

    def __init__(self, accounts):
        self.accounts = accounts  # account id -> {"endpoint": host:port, "registry": host:port}
        self.keys = {}  # access key id -> account id, learned from STS answers
        self.lock = threading.Lock()

    def learn(self, account, body):
        with self.lock:
            for key in ACCESS_KEY.findall(body):
                self.keys[key.decode()] = account

    def upstream(self, host, headers, body):
        """(account id, host:port, is_registry) or None."""
        match = REGISTRY_HOST.match(host)
        if match:
            account = self.accounts.get(match.group(1))
            return (match.group(1), account["registry"], True) if account else None
        if not AWS_HOST.match(host):
            return None
        account = None
        found = CREDENTIAL.search(headers.get("Authorization", ""))
        if found:
            with self.lock:
                account = self.keys.get(found.group(1))
        if account is None and host.startswith("sts."):
            role = ROLE_ACCOUNT.search(urllib.parse.unquote_plus(body.decode("latin-1")))
            account = role.group(1) if role else None
        if account not in self.accounts:
            return None
        return (account, self.accounts[account]["endpoint"], False)


class RegistryTokens:
    """The registry logins each account's ECR issued, until they expire.

    learn() reads a GetAuthorizationToken answer (authorizationData[]:
    authorizationToken, base64 "AWS:<password>"; expiresAt, epoch seconds);
    refusal() says why a request's Authorization header is not one of them,
    or None when it is. `clock` is time.time, or a test's."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.issued = {}  # "AWS:<password>" -> (account id, expires at)
        self.lock = threading.Lock()

    def learn(self, account, body):
        try:
            data = json.loads(body)
        except ValueError:
            return
        with self.lock:
            for item in data.get("authorizationData") or []:
                try:
                    pair = base64.b64decode(item["authorizationToken"], validate=True).decode()
                    self.issued[pair] = (account, float(item["expiresAt"]))
                except (KeyError, TypeError, ValueError, binascii.Error):
                    continue

    def refusal(self, account, authorization):
        scheme, _, value = (authorization or "").strip().partition(" ")
        if scheme.lower() != "basic" or not value.strip():
            return "no Basic credentials (log in with the token GetAuthorizationToken gave)"
        try:
            pair = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, ValueError):
            return "Basic credentials that are not base64 user:password"
        with self.lock:
            issued = self.issued.get(pair)
        if issued is None:
            return "a password no emulated ECR issued"
        if issued[0] != account:
            return "a token account %s issued, not %s" % (issued[0], account)
        if self.clock() >= issued[1]:
            return "an expired token"
        return None


def ecr_challenge(host):
    """ECR's answer to a registry request without valid credentials."""
    return 401, [("Docker-Distribution-Api-Version", "registry/2.0"),
                 ("WWW-Authenticate", 'Basic realm="https://%s/",service="ecr.amazonaws.com"' % host),
                 ("Content-Type", "text/plain; charset=utf-8")], b"Not Authorized\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    certificates = None
    routes = None
    tokens = None
    tunnel_host = None
    registry_host = None  # --provider-registry HOST=DIR
    registry_dir = None
    pass_through = False

    def log_message(self, fmt, *args):
        sys.stderr.write("aws-proxy: %s %s\n" % (self.tunnel_host or "-", fmt % args))

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        ours = port == "443" and (REGISTRY_HOST.match(host) or AWS_HOST.match(host) or host == self.registry_host)
        if not ours and self.pass_through:
            self.tunnel(host, int(port or 443))
            return
        if not ours:
            self.send_error(403, "the rehearsal's proxy only reaches AWS names")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        try:
            tls = self.certificates.context(host).wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError) as error:
            self.log_message("TLS handshake failed: %s", error)
            self.close_connection = True
            return
        self.connection = tls
        self.rfile = tls.makefile("rb")
        self.wfile = tls.makefile("wb")
        self.tunnel_host = host
        self.close_connection = False
        while not self.close_connection:
            self.handle_one_request()

    def tunnel(self, host, port):
        """The bytes of one CONNECT, both ways, to HOST:PORT itself."""
        try:
            upstream = socket.create_connection((host, port), timeout=30)
        except OSError as error:
            self.send_error(502, "cannot reach %s:%d: %s" % (host, port, error))
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 300)
                if not readable:
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)
        except OSError:
            return
        finally:
            upstream.close()

    def provider_registry(self):
        status, content_type, data = provider_registry.answer(self.path, self.tunnel_host, self.registry_dir)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def forward(self):
        if self.tunnel_host is None:
            self.send_error(405, "plain HTTP is not proxied (loopback is NO_PROXY)")
            return
        body = self.read_body()
        if self.tunnel_host == self.registry_host:
            self.provider_registry()
            return
        route = self.routes.upstream(self.tunnel_host, self.headers, body)
        if route is None:
            self.send_error(502, "no emulated account for this request (host %s)" % self.tunnel_host)
            return
        account, address, registry = route
        if registry:
            refused = self.tokens.refusal(account, self.headers.get("Authorization"))
            if refused:
                self.log_message("401 %s %s: %s", self.command, self.path, refused)
                self.answer(*ecr_challenge(self.tunnel_host))
                return
        # A list, not a dict: skopeo sends one Accept line per media type,
        # and Distribution answers 404 for an OCI manifest not accepted.
        headers = [(k, v) for k, v in self.headers.items()
                   if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        if registry:
            headers.append(("X-Forwarded-Proto", "https"))
        host, port = address.rsplit(":", 1)
        upstream = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for key, value in headers:
                upstream.putheader(key, value)
            upstream.endheaders(body)
            answer = upstream.getresponse()
            data = answer.read()
        except OSError as error:
            self.send_error(502, "account %s unreachable: %s" % (account, error))
            return
        finally:
            upstream.close()
        if self.tunnel_host.startswith("sts.") and answer.status == 200:
            self.routes.learn(account, data)
        if (self.tunnel_host.startswith("api.ecr.") and answer.status == 200
                and self.headers.get("X-Amz-Target") == ECR_TOKEN_TARGET):
            self.tokens.learn(account, data)
        self.answer(answer.status, [(k, v) for k, v in answer.getheaders()
                                    if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"],
                    data, answer.reason)

    def answer(self, status, headers, data, reason=None):
        self.send_response(status, reason)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = forward


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", required=True, help="CA, certificates (ca.pem is the bundle)")
    parser.add_argument("--account", action="append", default=[], required=True,
                        metavar="ID=ENDPOINT,REGISTRY",
                        help="an account: its id, its moto host:port and its registry host:port")
    parser.add_argument("--provider-registry", metavar="HOST=DIR",
                        help="answer HOST with the Provider Registry Protocol from DIR (provider_registry.py prepare)")
    parser.add_argument("--pass-through", action="store_true",
                        help="tunnel every host that is not stood in, unchanged (a runner with full internet)")
    args = parser.parse_args(argv)
    if args.provider_registry:
        host, _, directory = args.provider_registry.partition("=")
        if not host or not os.path.isfile(os.path.join(directory, "registry.json")):
            parser.error("--provider-registry %r: want HOST=DIR, DIR prepared by provider_registry.py" % args.provider_registry)
        Handler.registry_host, Handler.registry_dir = host, directory
    Handler.pass_through = args.pass_through
    accounts = {}
    for spec in args.account:
        account, _, addresses = spec.partition("=")
        endpoint, _, registry = addresses.partition(",")
        if not re.fullmatch(r"[0-9]{12}", account) or not endpoint or not registry:
            parser.error("--account %r: want ID=HOST:PORT,HOST:PORT" % spec)
        accounts[account] = {"endpoint": endpoint, "registry": registry}
    os.makedirs(args.state_dir, exist_ok=True)
    Handler.certificates = Certificates(args.state_dir)
    Handler.routes = Routes(accounts)
    Handler.tokens = RegistryTokens()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    with open(os.path.join(args.state_dir, "accounts.json"), "w") as out:
        json.dump(accounts, out)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
