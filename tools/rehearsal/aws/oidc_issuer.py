"""A local stand-in for GitHub Actions' OIDC token service.

The rehearsal's emulated accounts (emulated_account.py) exchange tokens for
role credentials only when the token verifies against this issuer's JWKS and
the role's trust policy admits its claims, so the tokens carry what GitHub
sends: `iss` https://token.actions.githubusercontent.com, `aud` (the audience
asked for: sts.amazonaws.com), `sub` for the branch or tag, `ref`, `sha`,
`repository`, `repository_owner`, their ids, `job_workflow_ref`, `event_name`
(push, or schedule / workflow_dispatch for drift.yml, whose `sub` is the
branch's all the same), ...

  serve --port P --state-dir D
      Serves /.well-known/openid-configuration, /.well-known/jwks and, like
      the runner's ACTIONS_ID_TOKEN_REQUEST_URL, /token?job=ID&audience=A
      (Authorization: bearer <the job's request token>) answering
      {"value": "<JWT>"}. The RSA key is made once, in D.
  job --state-dir D --port P --ref R --sha S [--repository O/R] ...
      Registers one job's claims and prints the ACTIONS_ID_TOKEN_REQUEST_URL
      and ACTIONS_ID_TOKEN_REQUEST_TOKEN lines a job environment gets.

`sub` is one of GitHub's documented examples (github_oidc_subjects.json,
quoted from GitHub with its sources) with the job's owner, repository, ids
and ref put in the example's places: by default the immutable form of a
repository created today (repo:OWNER@<id>/REPO@<id>:ref:REF), with
--legacy-sub the form older repositories send (repo:OWNER/REPO:ref:REF).
It never comes from the Terraform it checks.
"""

import argparse
import base64
import http.server
import json
import os
import re
import secrets
import sys
import time
import urllib.parse

ISSUER = "https://token.actions.githubusercontent.com"
TOKEN_LIFETIME_S = 300
SUBJECTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "github_oidc_subjects.json")


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64url(number):
    return _b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))


def load_key(state_dir):
    """The issuer's RSA key, made on first use; (private key, kid)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = os.path.join(state_dir, "oidc-key.pem")
    if not os.path.exists(path):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(pem)
    with open(path, "rb") as source:
        key = serialization.load_pem_private_key(source.read(), password=None)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(key.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    return key, _b64url(digest.finalize()[:16])


def jwks(key, kid):
    numbers = key.public_key().public_numbers()
    return {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
                      "n": _int_b64url(numbers.n), "e": _int_b64url(numbers.e)}]}


def sign(key, kid, claims):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    head = _b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = key.sign(("%s.%s" % (head, body)).encode(), padding.PKCS1v15(), hashes.SHA256())
    return "%s.%s.%s" % (head, body, _b64url(signature))


def documented_subjects(path=SUBJECTS):
    """GitHub's documented sub examples: {"values": {...}, "legacy", "immutable"}."""
    with open(path) as source:
        return json.load(source)


def fill(example, values, mine):
    """`example` with each of the example's `values` replaced by the same
    field of `mine`, in one pass (a value of mine is never replaced again)."""
    literals = sorted((v for v in values.values() if v in example), key=len, reverse=True)
    by_literal = {values[field]: mine[field] for field in values}
    return re.sub("|".join(re.escape(v) for v in literals), lambda m: by_literal[m.group(0)], example)


def subject(job, subjects=None):
    """The sub GitHub sends for the job, in the documented shape."""
    subjects = subjects or documented_subjects()
    owner, repo = job["repository"].split("/", 1)
    mine = {"owner": owner, "repo": repo, "ref": job["ref"],
            "owner_id": job["repository_owner_id"], "repo_id": job["repository_id"]}
    return fill(subjects["legacy" if job.get("legacy_sub") else "immutable"], subjects["values"], mine)


def claims_for(job, audience, now):
    ref = job["ref"]
    return {
        "iss": ISSUER, "aud": audience, "sub": subject(job),
        "iat": now, "nbf": now, "exp": now + TOKEN_LIFETIME_S, "jti": secrets.token_hex(16),
        "ref": ref, "ref_type": "tag" if ref.startswith("refs/tags/") else "branch",
        "sha": job["sha"], "repository": job["repository"],
        "repository_id": job["repository_id"],
        "repository_owner": job["repository"].split("/", 1)[0],
        "repository_owner_id": job["repository_owner_id"],
        "workflow_ref": job["workflow_ref"], "job_workflow_ref": job["job_workflow_ref"],
        "event_name": job["event_name"], "run_id": job["run_id"], "run_attempt": "1",
        "actor": "rehearsal", "runner_environment": "github-hosted",
    }


class Handler(http.server.BaseHTTPRequestHandler):
    state_dir = ""
    base_url = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("oidc-issuer: %s\n" % (fmt % args))

    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        key, kid = load_key(self.state_dir)
        if url.path == "/.well-known/jwks":
            return self.answer(200, jwks(key, kid))
        if url.path == "/.well-known/openid-configuration":
            return self.answer(200, {"issuer": ISSUER, "jwks_uri": self.base_url + "/.well-known/jwks",
                                     "id_token_signing_alg_values_supported": ["RS256"]})
        if url.path != "/token":
            return self.answer(404, {"message": "not found"})
        job = load_job(self.state_dir, query.get("job", ""))
        bearer = self.headers.get("Authorization", "")
        if job is None or not secrets.compare_digest(bearer.lower().replace("bearer ", "", 1),
                                                     job["request_token"].lower()):
            return self.answer(401, {"message": "no such job or wrong bearer token"})
        claims = claims_for(job, query.get("audience") or "sts.amazonaws.com", int(time.time()))
        return self.answer(200, {"value": sign(key, kid, claims)})


def job_path(state_dir, job_id):
    if not job_id.isalnum():
        return None
    return os.path.join(state_dir, "jobs", job_id + ".json")


def load_job(state_dir, job_id):
    path = job_path(state_dir, job_id)
    if path is None or not os.path.exists(path):
        return None
    with open(path) as source:
        return json.load(source)


def cmd_serve(args):
    os.makedirs(os.path.join(args.state_dir, "jobs"), exist_ok=True)
    load_key(args.state_dir)
    Handler.state_dir = args.state_dir
    Handler.base_url = "http://127.0.0.1:%d" % args.port
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.serve_forever()


def cmd_job(args):
    if not args.ref.startswith(("refs/heads/", "refs/tags/")):
        raise SystemExit("oidc_issuer: --ref must be refs/heads/NAME or refs/tags/NAME")
    if args.event_name != "push" and not args.ref.startswith("refs/heads/"):
        raise SystemExit("oidc_issuer: a %s run is for a branch (the default branch)" % args.event_name)
    if "/" not in args.repository:
        raise SystemExit("oidc_issuer: --repository must be OWNER/REPO")
    os.makedirs(os.path.join(args.state_dir, "jobs"), exist_ok=True)
    job_id = secrets.token_hex(8)
    workflow = "%s/%s@%s" % (args.repository, args.workflow, args.ref)
    job = {
        "ref": args.ref, "sha": args.sha, "repository": args.repository,
        "repository_id": args.repository_id, "repository_owner_id": args.owner_id,
        "legacy_sub": args.legacy_sub, "workflow_ref": workflow,
        "job_workflow_ref": "%s/%s@%s" % (args.repository, args.job_workflow or args.workflow, args.ref),
        "event_name": args.event_name, "run_id": str(int(time.time())),
        "request_token": secrets.token_hex(16),
    }
    with open(job_path(args.state_dir, job_id), "w") as out:
        json.dump(job, out)
    print("ACTIONS_ID_TOKEN_REQUEST_URL=http://127.0.0.1:%d/token?job=%s" % (args.port, job_id))
    print("ACTIONS_ID_TOKEN_REQUEST_TOKEN=%s" % job["request_token"])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the issuer and the token endpoint")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--state-dir", required=True)
    serve.set_defaults(run=cmd_serve)
    job = commands.add_parser("job", help="register a job, print its token request variables")
    job.add_argument("--state-dir", required=True)
    job.add_argument("--port", type=int, required=True, help="the issuer's port")
    job.add_argument("--ref", required=True, help="refs/heads/dev, refs/tags/v1.2.3, ...")
    job.add_argument("--sha", required=True, help="the commit")
    job.add_argument("--repository", default="example-org/civet-api", help="OWNER/REPO")
    job.add_argument("--repository-id", default="900000001", help="GitHub's id of the repository")
    job.add_argument("--owner-id", default="900000000", help="GitHub's id of the owner")
    job.add_argument("--workflow", default=".github/workflows/deploy-dev.yml")
    job.add_argument("--job-workflow", default="", help="the reusable workflow, if any")
    job.add_argument("--event-name", default="push", choices=["push", "schedule", "workflow_dispatch"],
                     help="the event that started the run (GitHub's event_name claim)")
    job.add_argument("--legacy-sub", action="store_true",
                     help="sub without ids, as repositories created before 2026-07-15 send")
    job.set_defaults(run=cmd_job)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
