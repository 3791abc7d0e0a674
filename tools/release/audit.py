#!/usr/bin/python3
"""audit: is one image digest everywhere it should be?

Compares the digest recorded in git (infra/live/release.json) with what the
dev and prod registries serve and with the digests ECS reports for the tasks
running in both accounts (describe-tasks containers[].imageDigest). Prints a
table (or JSON with --json) and exits 1 naming every source that differs.

Every source is optional, so an auditor can check just the record and the
registries locally, or add either account's ECS service. With a registry's
signatures repository (--dev-signatures, --prod-signatures) and --key, each
registry row also says whether the digest's signature and its attestations
(validated in dev, SBOM, provenance) verify there (tools/release/verify.sh,
cosign), and a row that does not verify fails the audit. After a rollback
(tools/release/rollback) prod runs an earlier release than dev on purpose:
--prod-release TAG compares prod with the digest TAG's commit records and
says where it came from (the tag, its commit, the other release tags on that
commit, origin/dev's record) and whether that is a rollback. Registries are read
with skopeo (the digest is the sha256 of the manifest bytes served), ECS with
the aws CLI. Python standard library only; run with /usr/bin/python3.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

PROG = "audit"
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
REPO_RE = re.compile(
    r"^(localhost|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)"
    r"(:[0-9]{1,5})?/[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$"
)
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
NOT_FOUND_RE = re.compile(r"manifest unknown|name unknown", re.IGNORECASE)

# Row statuses. Only MATCH is good.
MATCH, DIFFERS, MISSING, ERROR = "match", "DIFFERS", "MISSING", "ERROR"


class AuditError(Exception):
    """A source could not be read (the row says ERROR, the audit fails)."""


def default_record():
    here = os.path.dirname(os.path.realpath(__file__))
    return os.path.join(here, "..", "..", "infra", "live", "release.json")


def shown_path(path):
    """path relative to the working directory when inside it, else absolute."""
    rel = os.path.relpath(path)
    return os.path.normpath(os.path.abspath(path)) if rel.startswith("..") else rel


def require(command, package):
    if shutil.which(command) is None:
        sys.exit(f"{PROG}: error: '{command}' not found: apt-get install {package} "
                 "(tools/bootstrap installs tools/deps/debian-packages-release.txt)")


def is_loopback(repo):
    host = repo.split("/", 1)[0].split(":", 1)[0]
    return host == "localhost" or re.match(r"^127\.\d+\.\d+\.\d+$", host) is not None


# ------------------------------------------------------------------ sources

def beside(*parts):
    """A file of the tools tree, relative to this one: beside it in a checkout
    or in Bazel's runfiles; else where the symlink `bazel run` starts leads
    (the checkout, as default_record). The first guess when neither exists."""
    candidates = [os.path.join(os.path.dirname(f(__file__)), *parts)
                  for f in (os.path.abspath, os.path.realpath)]
    return next((c for c in candidates if os.path.exists(c)), candidates[0])


def read_record(path):
    """The record's image_digest, read by tools/ci/record-digest.sh: the one
    reader of the release record outside Terraform."""
    reader = beside("..", "ci", "record-digest.sh")
    try:
        proc = subprocess.run([reader, "--record", path], capture_output=True,
                              check=False, text=True)
    except OSError as e:
        raise AuditError(f"cannot run {reader}: {e}") from e
    if proc.returncode != 0:
        err = proc.stderr.strip()
        raise AuditError(err.splitlines()[-1] if err else f"{reader} exited {proc.returncode}")
    return proc.stdout.strip()


def registry_digest(ref, insecure):
    """sha256 of the manifest bytes docker://ref serves; None if absent."""
    cmd = ["skopeo", "inspect", "--raw", "--retry-times", "2",
           f"--tls-verify={'false' if insecure else 'true'}", f"docker://{ref}"]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        if NOT_FOUND_RE.search(err):
            return None
        raise AuditError(err.splitlines()[-1] if err else f"skopeo exited {proc.returncode}")
    return "sha256:" + hashlib.sha256(proc.stdout).hexdigest()


def aws_json(aws_args, *args):
    cmd = ["aws", *aws_args, "--output", "json", *args]
    proc = subprocess.run(cmd, capture_output=True, check=False, text=True)
    if proc.returncode != 0:
        err = proc.stderr.strip()
        raise AuditError(err.splitlines()[-1] if err else f"aws exited {proc.returncode}")
    try:
        return json.loads(proc.stdout or "{}")
    except ValueError as e:
        raise AuditError(f"aws {' '.join(args[:2])}: not JSON: {e}") from e


def running_task_digests(aws_args, cluster, service, container):
    """[(task id, digest or None)] for the service's RUNNING tasks."""
    listed = aws_json(aws_args, "ecs", "list-tasks", "--cluster", cluster,
                      "--service-name", service, "--desired-status", "RUNNING")
    arns = listed.get("taskArns", [])
    rows = []
    for i in range(0, len(arns), 100):  # describe-tasks takes 100 at most
        described = aws_json(aws_args, "ecs", "describe-tasks", "--cluster", cluster,
                             "--tasks", *arns[i:i + 100])
        for task in described.get("tasks", []):
            task_id = task.get("taskArn", "?").rsplit("/", 1)[-1]
            digests = [c.get("imageDigest") for c in task.get("containers", [])
                       if container is None or c.get("name") == container]
            rows.append((task_id, digests[0] if len(digests) == 1 else None))
    return rows


def git(*args):
    """stdout of git ARGS in the working directory's repository."""
    if shutil.which("git") is None:
        raise AuditError("'git' not found: apt-get install git")
    proc = subprocess.run(["git", *args], capture_output=True, check=False, text=True)
    if proc.returncode != 0:
        err = proc.stderr.strip()
        raise AuditError(err.splitlines()[-1] if err else f"git {args[0]} exited {proc.returncode}")
    return proc.stdout


def record_at(rev):
    """The image digest infra/live/release.json records at git revision REV."""
    try:
        record = json.loads(git("show", f"{rev}:infra/live/release.json"))
    except ValueError as e:
        raise AuditError(f"{rev}:infra/live/release.json is not JSON: {e}") from e
    digest = record.get("image_digest") if isinstance(record, dict) else None
    if not isinstance(digest, str) or not DIGEST_RE.match(digest):
        raise AuditError(f"{rev}:infra/live/release.json: image_digest {digest!r} is not sha256:<64 hex>")
    return digest


def release_provenance(tag, dev_ref="origin/dev"):
    """Where prod's release TAG comes from, and whether it is a rollback.

    A rollback is a release whose digest differs from what dev records now
    (the tagged commit is an earlier commit of dev), or, when dev's record is
    not in this checkout, a tag on a commit an earlier release tag already
    names. Returns a dict; raises AuditError when TAG cannot be read."""
    try:
        commit = git("rev-parse", "--verify", f"refs/tags/{tag}^{{commit}}").strip()
    except AuditError as e:
        raise AuditError(f"no tag {tag} in this checkout ({e})") from e
    digest = record_at(commit)
    same = sorted(t for t in git("tag", "--points-at", commit, "--list", "v*").split() if t != tag)
    prov = {"tag": tag, "commit": commit, "digest": digest, "same_commit_as": same,
            "dev_ref": dev_ref, "dev_digest": None, "rollback": None}
    try:
        git("rev-parse", "--verify", f"refs/remotes/{dev_ref}^{{commit}}")
        has_dev = True
    except AuditError:
        has_dev = False
    if has_dev:
        prov["dev_digest"] = record_at(f"refs/remotes/{dev_ref}")
        if prov["dev_digest"] == digest:
            prov["rollback"] = False
            prov["summary"] = f"not a rollback: {dev_ref} records the same image"
        else:
            on_dev = subprocess.run(["git", "merge-base", "--is-ancestor", commit,
                                     f"refs/remotes/{dev_ref}"], capture_output=True,
                                    check=False).returncode == 0
            if on_dev:
                prov["rollback"] = True
                prov["summary"] = (f"rollback: {dev_ref} records {prov['dev_digest']}; prod runs "
                                   f"an earlier release of dev on purpose, dev is not changed")
            else:
                prov["summary"] = (f"not a release of dev: {dev_ref} records {prov['dev_digest']} "
                                   f"and {commit[:12]} is not on {dev_ref}")
    elif same:
        prov["rollback"] = True
        prov["summary"] = (f"rollback (or re-release): the commit of {', '.join(same)}; "
                           f"{dev_ref} is not in this checkout")
    else:
        prov["summary"] = f"rollback or not: unknown ({dev_ref} is not in this checkout)"
    return prov


def provenance_lines(prov):
    also = f", same commit as {', '.join(prov['same_commit_as'])}" if prov["same_commit_as"] else ""
    return [f"prod runs {prov['digest']} from tag {prov['tag']} (commit {prov['commit'][:12]}{also})",
            prov["summary"]]


# ------------------------------------------------------------------- logic

def row(source, location, digest=None, status=None, detail=""):
    return {"source": source, "location": location, "digest": digest,
            "status": status, "detail": detail, "signature": None}


VERIFIED = "verified"


def verify_signatures(image, signatures, a):
    """VERIFIED, or "NOT VERIFIED: <checks that failed>" (tools/release/verify.sh)."""
    verifier = beside("verify.sh")
    if not os.path.exists(verifier):
        return "NOT VERIFIED: tools/release/verify.sh not found beside audit.py"
    cmd = [verifier, "--image", image, "--key", a.key, "--signatures", signatures, "--quiet"]
    for opt in ("profile", "endpoint_url", "region"):
        value = getattr(a, f"key_{opt}")
        if value:
            cmd += [f"--{opt.replace('_', '-')}", value]
    if a.insecure:
        cmd.append("--insecure")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode == 0:
        return VERIFIED
    failed = [line.split("FAIL  ", 1)[1].split(":", 1)[0] for line in proc.stderr.splitlines() if "FAIL  " in line]
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
    return "NOT VERIFIED: " + (", ".join(failed) if failed else last)


def judge(rows, expected, prod_expected=None):
    """Sets each row's status against `expected` (rows with a status keep it);
    with `prod_expected` (--prod-release), prod's rows against that."""
    for r in rows:
        if r["status"] is not None:
            continue
        want = prod_expected if prod_expected and r["source"].startswith("prod-") else expected
        if r["digest"] is None:
            r["status"] = MISSING
        elif r["digest"] == want:
            r["status"] = MATCH
        else:
            r["status"] = DIFFERS
    return rows


def row_ok(r):
    return r["status"] == MATCH and r.get("signature") in (None, VERIFIED)


def report(rows, expected, expected_from, prov=None):
    bad = [r for r in rows if not row_ok(r)]
    result = {
        "expected_digest": expected,
        "expected_from": expected_from,
        "ok": not bad and bool(rows),
        "sources": rows,
        "differing": sorted({r["source"] for r in bad}),
    }
    if prov is not None:
        result["prod_release"] = prov
    return result


def table(result):
    signed = any(r.get("signature") for r in result["sources"])
    headers = ("SOURCE", "LOCATION", "DIGEST") + (("SIGNATURE",) if signed else ()) + ("STATUS",)
    lines = [(r["source"], r["location"], r["digest"] or "-")
             + (((r.get("signature") or "-"),) if signed else ())
             + (r["status"] + (f" ({r['detail']})" if r["detail"] else ""),)
             for r in result["sources"]]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    out = [f"expected {result['expected_digest'] or '-'} (from {result['expected_from']})"]
    prov = result.get("prod_release")
    if prov:
        if prov.get("digest"):
            out.append(f"prod expected {prov['digest']} (from tag {prov['tag']})")
            out.extend(provenance_lines(prov))
        else:
            out.append(f"prod expected: unknown ({prov['error']})")
    fmt = "  ".join(f"{{:<{w}}}" for w in widths[:-1]) + "  {}"
    out.append(fmt.format(*headers))
    out.extend(fmt.format(*line) for line in lines)
    out.append(("OK: every source has the expected digest"
                + (", signed and attested as dev validated it" if signed else "")) if result["ok"]
               else "FAIL: differs: " + ", ".join(result["differing"]))
    return "\n".join(out)


# -------------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Compare the recorded image digest with both registries and the "
                    "tasks running in both accounts. Every source is optional.",
        epilog="Exit: 0 every source has the expected digest, 1 a source differs, is "
               "missing or cannot be read (each named), 2 bad usage.")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument("--json-out", metavar="FILE", help="also write the JSON to FILE")
    p.add_argument("--record", metavar="FILE",
                   help="release record (default: infra/live/release.json of this checkout)")
    p.add_argument("--no-record", action="store_true", help="do not read the release record")
    p.add_argument("--expect-digest", metavar="D",
                   help="the digest to expect when there is no record (else the record's)")
    p.add_argument("--insecure", action="store_true",
                   help="plain HTTP to the registries (loopback registries only)")
    p.add_argument("--tag", metavar="TAG",
                   help="check the digest REPO:TAG points to (the git SHA) rather than "
                        "that REPO@<expected digest> exists")
    p.add_argument("--prod-release", metavar="TAG",
                   help="prod runs the release TAG (after a rollback, an earlier one than "
                        "dev): compare prod's registry and tasks with the digest TAG's "
                        "commit records (git, working directory) and say whether TAG is a "
                        "rollback (its digest differs from origin/dev's record)")
    p.add_argument("--container", default="api", metavar="NAME",
                   help="container whose imageDigest counts (default api)")
    for env in ("dev", "prod"):
        p.add_argument(f"--{env}-repo", metavar="REPO", help=f"{env} registry repository, host[:port]/name")
        p.add_argument(f"--{env}-cluster", metavar="C", help=f"{env} ECS cluster")
        p.add_argument(f"--{env}-service", metavar="S", help=f"{env} ECS service")
        p.add_argument(f"--{env}-profile", metavar="P", help=f"aws --profile for {env}")
        p.add_argument(f"--{env}-endpoint-url", metavar="URL", help=f"aws --endpoint-url for {env}")
        p.add_argument(f"--{env}-region", metavar="R", help=f"aws --region for {env}")
        p.add_argument(f"--{env}-signatures", metavar="REPO",
                       help=f"{env}'s signatures repository: verify the digest's signature and attestations there")
    p.add_argument("--key", metavar="KEY",
                   help="the key releases are signed with (dev's): awskms:///... or a PEM public key file")
    p.add_argument("--key-profile", metavar="P", help="AWS profile that may read the key's public half")
    p.add_argument("--key-endpoint-url", metavar="URL", help="KMS endpoint (the rehearsal)")
    p.add_argument("--key-region", metavar="R", help="region of the key")
    a = p.parse_args(argv)

    def bad(msg):
        p.error(msg)

    if a.record and a.no_record:
        bad("--record and --no-record exclude each other")
    if a.expect_digest and not DIGEST_RE.match(a.expect_digest):
        bad(f"--expect-digest {a.expect_digest!r} is not sha256:<64 hex>")
    if a.tag and not TAG_RE.match(a.tag):
        bad(f"--tag {a.tag!r} is not a valid tag")
    if a.prod_release and not re.match(r"^v[0-9A-Za-z._-]+$", a.prod_release):
        bad(f"--prod-release {a.prod_release!r} is not a v* tag")
    if a.prod_release and a.tag:
        bad("--prod-release and --tag exclude each other")
    for env in ("dev", "prod"):
        repo = getattr(a, f"{env}_repo")
        if repo and not REPO_RE.match(repo):
            bad(f"--{env}-repo {repo!r} is not host[:port]/name (no tag, no digest, no scheme)")
        if repo and a.insecure and not is_loopback(repo):
            bad(f"--insecure is for loopback registries only, not {repo!r}")
        cluster, service = getattr(a, f"{env}_cluster"), getattr(a, f"{env}_service")
        if bool(cluster) != bool(service):
            bad(f"--{env}-cluster and --{env}-service go together")
        sigs = getattr(a, f"{env}_signatures")
        if sigs and not repo:
            bad(f"--{env}-signatures needs --{env}-repo")
        if sigs and not a.key:
            bad(f"--{env}-signatures needs --key")
        if sigs and not REPO_RE.match(sigs):
            bad(f"--{env}-signatures {sigs!r} is not host[:port]/name")
    return a


def collect(a):
    """(rows, expected, expected_from, prov) from every source the flags name."""
    rows, expected, expected_from = [], a.expect_digest, "--expect-digest"
    prov = prod_expected = None
    if a.prod_release:
        try:
            prov = release_provenance(a.prod_release)
            prod_expected = prov["digest"]
            rows.append(row("prod-release", f"{a.prod_release}:infra/live/release.json", prod_expected))
        except AuditError as e:
            prov = {"tag": a.prod_release, "digest": None, "error": str(e)}
            rows.append(row("prod-release", f"{a.prod_release}:infra/live/release.json", None, ERROR, str(e)))
    if not a.no_record:
        path = a.record or default_record()
        try:
            digest = read_record(path)
            rows.append(row("record", a.record or shown_path(path), digest))
            if expected is None:
                expected, expected_from = digest, "record"
        except AuditError as e:
            rows.append(row("record", a.record or path, None, ERROR, str(e)))

    registries = [(env, getattr(a, f"{env}_repo")) for env in ("dev", "prod")]
    for env, repo in registries:
        if not repo:
            continue
        require("skopeo", "skopeo")
        want = prod_expected if env == "prod" and a.prod_release else expected
        ref = f"{repo}:{a.tag}" if a.tag else (f"{repo}@{want}" if want else None)
        if ref is None:
            rows.append(row(f"{env}-registry", repo, None, ERROR,
                            "nothing to look up: give --tag, a record or --expect-digest"))
            continue
        try:
            r = row(f"{env}-registry", ref, registry_digest(ref, a.insecure))
        except AuditError as e:
            r = row(f"{env}-registry", ref, None, ERROR, str(e))
        sigs = getattr(a, f"{env}_signatures")
        if sigs:
            r["signature"] = (verify_signatures(f"{repo}@{r['digest']}", sigs, a) if r["digest"]
                              else "NOT VERIFIED: no digest to verify")
        rows.append(r)

    for env in ("dev", "prod"):
        cluster, service = getattr(a, f"{env}_cluster"), getattr(a, f"{env}_service")
        if not cluster:
            continue
        require("aws", "awscli")
        aws_args = []
        for opt in ("profile", "endpoint_url", "region"):
            value = getattr(a, f"{env}_{opt}")
            if value:
                aws_args += [f"--{opt.replace('_', '-')}", value]
        where = f"{cluster}/{service}"
        try:
            tasks = running_task_digests(aws_args, cluster, service, a.container)
        except AuditError as e:
            rows.append(row(f"{env}-tasks", where, None, ERROR, str(e)))
            continue
        if not tasks:
            rows.append(row(f"{env}-tasks", where, None, MISSING, "no RUNNING task"))
        for task_id, digest in tasks:
            rows.append(row(f"{env}-tasks", f"{where} task {task_id}", digest, None,
                            "" if digest else "no imageDigest reported"))

    if expected is None:  # no record, no --expect-digest: the first digest seen
        first = next((r for r in rows if r["digest"] and not r["source"].startswith("prod-")), None)
        first = first or next((r for r in rows if r["digest"]), None)
        if first:
            expected, expected_from = first["digest"], first["source"]
    if a.prod_release and prod_expected is None:
        prod_expected = "unknown"  # every prod row differs: TAG could not be read
    return judge(rows, expected, prod_expected), expected, expected_from, prov


def main(argv):
    a = parse_args(argv)
    rows, expected, expected_from, prov = collect(a)
    if not rows:
        print(f"{PROG}: nothing to audit: name a record, a registry or an ECS service (see --help)",
              file=sys.stderr)
        return 2
    result = report(rows, expected, expected_from, prov)
    text = json.dumps(result, indent=2)
    if a.json_out:
        with open(a.json_out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text if a.json else table(result))
    if not result["ok"]:
        print(f"{PROG}: error: differs from {expected or 'any digest'} ({expected_from}): "
              + ", ".join(f"{r['source']} {r['location']} [{r['status']}"
                          + (f", signature {r['signature']}" if r.get("signature") not in (None, VERIFIED) else "")
                          + "]" for r in rows if not row_ok(r)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
