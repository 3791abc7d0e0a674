#!/usr/bin/env python3
"""attestation: the predicates a release signs, and the check of what it verified.

What deploy-dev attaches to the image digest in dev's registry, beside the
signature (tools/release/sign.sh), are in-toto statements whose predicates
this file writes:

  provenance  SLSA provenance v1 (https://slsa.dev/provenance/v1): the commit,
              the workflow and its run, the Bazel target, the builder, and that
              the build is reproducible (the built digest equals the one
              recorded in infra/live/release.json, which CI checks);
  validated   "validated in dev" (VALIDATED_TYPE): which deployment ran the
              digest, the smoke checks it passed, and when.

The SBOM is attested as it is built (SPDX 2.3 JSON, cosign's spdxjson type).

`check` reads what `cosign verify-attestation` printed (one DSSE envelope per
line, already verified against the key) and keeps only statements of the
wanted predicate type whose subject is the image's digest: cosign checks the
signature, not that an attestation copied from another image's digest is
about this one. For `validated` it also requires environment "dev" and the
same digest in the predicate.

The provenance reads GitHub's run context from the environment variables
Actions sets (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF,
GITHUB_WORKFLOW_REF, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, RUNNER_ENVIRONMENT);
options override each, so the local rehearsal writes the same predicate.

Exit: 0 ok, 1 failure (check: no matching attestation), 2 bad usage.
"""

import argparse
import base64
import datetime
import json
import os
import re
import sys

PROVENANCE_TYPE = "https://slsa.dev/provenance/v1"
VALIDATED_TYPE = "https://civet-api.github.io/attestations/validated-in-dev/v1"
SPDX_TYPE = "https://spdx.dev/Document"
BUILD_TYPE = "https://civet-api.github.io/build-types/bazel-oci-image/v1"
TYPES = {"provenance": PROVENANCE_TYPE, "validated": VALIDATED_TYPE, "sbom": SPDX_TYPE}
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")


class UsageError(Exception):
    """A bad command line or input: exit 2."""


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def need(value, what):
    if not value:
        raise UsageError("%s is required (option or GitHub environment variable)" % what)
    return value


def check_digest(digest):
    if not DIGEST_RE.match(digest or ""):
        raise UsageError("--digest %r is not sha256:<64 lowercase hex>" % digest)
    return digest


def provenance(digest, repository, commit, ref, workflow_ref, run_id, run_attempt, server_url,
               target, runner_environment, recorded_digest, started_on=None):
    """The SLSA v1 predicate for DIGEST built from COMMIT by WORKFLOW_REF's run."""
    check_digest(digest)
    source = "git+%s/%s@%s" % (need(server_url, "--server-url"), need(repository, "--repository"),
                               need(ref, "--ref"))
    workflow_path = need(workflow_ref, "--workflow-ref").split("@", 1)[0]
    if workflow_path.startswith(repository + "/"):
        workflow_path = workflow_path[len(repository) + 1:]
    return {
        "buildDefinition": {
            "buildType": BUILD_TYPE,
            "externalParameters": {
                "workflow": {"repository": "%s/%s" % (server_url, repository), "ref": ref,
                             "path": workflow_path},
                "target": need(target, "--target"),
            },
            "internalParameters": {
                "reproducible": recorded_digest == digest,
                "recorded_digest": recorded_digest,
                "record": "infra/live/release.json",
            },
            "resolvedDependencies": [{"uri": source, "digest": {"gitCommit": need(commit, "--commit")}}],
        },
        "runDetails": {
            "builder": {"id": "%s/%s" % (server_url, workflow_ref)},
            "metadata": {
                "invocationId": "%s/%s/actions/runs/%s/attempts/%s" % (
                    server_url, repository, need(run_id, "--run-id"), run_attempt or "1"),
                "startedOn": started_on or now(),
            },
            "byproducts": [{"name": "runner_environment", "content": base64.b64encode(
                (runner_environment or "unknown").encode()).decode()}],
        },
    }


def validated(digest, environment, cluster, service, task_definition, deployment, smoke, validated_on=None):
    """The "validated in dev" predicate: where DIGEST ran and which checks it passed."""
    check_digest(digest)
    checks = smoke.get("checks") or []
    failed = [c.get("name") for c in checks if not c.get("ok")]
    if not checks or failed:
        raise UsageError("the smoke report has %s" % (
            "no checks" if not checks else "failed checks: " + "; ".join(failed)))
    if smoke.get("image_digest") not in (None, digest):
        raise UsageError("the smoke report is for %s, not %s" % (smoke.get("image_digest"), digest))
    return {
        "digest": digest,
        "environment": need(environment, "--environment"),
        "deployment": {"cluster": need(cluster, "--cluster"), "service": need(service, "--service"),
                       "task_definition": need(task_definition, "--task-definition"),
                       "id": deployment or None},
        "smoke": {"base": smoke.get("base"), "checks": [c["name"] for c in checks],
                  "finished_at": smoke.get("finished_at")},
        "validated_on": validated_on or now(),
    }


def envelopes(text):
    """The DSSE envelopes in cosign verify-attestation's output (one JSON per line)."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            envelope = json.loads(line)
        except ValueError:
            continue
        if "payload" in envelope:
            found.append(envelope)
    return found


def statement(envelope):
    try:
        return json.loads(base64.b64decode(envelope["payload"]))
    except (ValueError, TypeError, KeyError):
        return None


def subject_digests(stmt):
    return {"sha256:" + s.get("digest", {}).get("sha256", "") for s in stmt.get("subject") or []}


def matching(text, digest, predicate_type):
    """(statements about DIGEST of PREDICATE_TYPE, reasons the others were refused)."""
    kept, refused = [], []
    for envelope in envelopes(text):
        stmt = statement(envelope)
        if stmt is None:
            refused.append("an envelope whose payload is not an in-toto statement")
            continue
        if stmt.get("predicateType") != predicate_type:
            continue
        if digest not in subject_digests(stmt):
            refused.append("a %s attestation about %s, not %s" % (
                predicate_type, ", ".join(sorted(subject_digests(stmt))) or "no subject", digest))
            continue
        predicate = stmt.get("predicate") or {}
        if predicate_type == VALIDATED_TYPE and (predicate.get("environment") != "dev"
                                                 or predicate.get("digest") != digest):
            refused.append("a validated attestation for environment %r and digest %r" % (
                predicate.get("environment"), predicate.get("digest")))
            continue
        kept.append(stmt)
    return kept, refused


def summary(stmt):
    p = stmt.get("predicate") or {}
    kind = stmt.get("predicateType")
    if kind == VALIDATED_TYPE:
        return "validated in %s on %s: %s, %d smoke checks" % (
            p.get("environment"), p.get("validated_on"),
            (p.get("deployment") or {}).get("task_definition"), len((p.get("smoke") or {}).get("checks") or []))
    if kind == PROVENANCE_TYPE:
        dep = ((p.get("buildDefinition") or {}).get("resolvedDependencies") or [{}])[0]
        return "built from %s (%s) by %s, reproducible: %s" % (
            dep.get("uri"), (dep.get("digest") or {}).get("gitCommit"),
            ((p.get("runDetails") or {}).get("builder") or {}).get("id"),
            ((p.get("buildDefinition") or {}).get("internalParameters") or {}).get("reproducible"))
    if kind == SPDX_TYPE:
        return "SPDX SBOM %s, %d packages" % (p.get("name"), len(p.get("packages") or []))
    return kind


def write(path, data):
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w") as out:
            out.write(text)


def parse(argv):
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="attestation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("provenance", help="write the SLSA v1 provenance predicate")
    p.add_argument("--digest", required=True, help="the image digest, sha256:<hex>")
    p.add_argument("--recorded-digest", required=True, help="release.json's digest (reproducible when equal)")
    p.add_argument("--target", default="//services/api:image", help="the Bazel target that built it")
    p.add_argument("--repository", default=env("GITHUB_REPOSITORY"), help="owner/name")
    p.add_argument("--commit", default=env("GITHUB_SHA"))
    p.add_argument("--ref", default=env("GITHUB_REF"))
    p.add_argument("--workflow-ref", default=env("GITHUB_WORKFLOW_REF"),
                   help="owner/name/.github/workflows/F.yml@REF")
    p.add_argument("--run-id", default=env("GITHUB_RUN_ID"))
    p.add_argument("--run-attempt", default=env("GITHUB_RUN_ATTEMPT"))
    p.add_argument("--server-url", default=env("GITHUB_SERVER_URL", "https://github.com"))
    p.add_argument("--runner-environment", default=env("RUNNER_ENVIRONMENT"))
    p.add_argument("--out", required=True, help="file to write, or -")

    v = sub.add_parser("validated", help='write the "validated in dev" predicate')
    v.add_argument("--digest", required=True)
    v.add_argument("--environment", default="dev")
    v.add_argument("--cluster", required=True)
    v.add_argument("--service", required=True)
    v.add_argument("--task-definition", required=True, help="ARN of the revision that ran the digest")
    v.add_argument("--deployment", default="", help="the ECS deployment id, when known")
    v.add_argument("--smoke-report", required=True, help="JSON written by smoke.sh --report")
    v.add_argument("--out", required=True)

    c = sub.add_parser("check", help="keep the verified attestations about DIGEST of TYPE")
    c.add_argument("--digest", required=True)
    c.add_argument("--type", required=True, choices=sorted(TYPES))
    c.add_argument("input", nargs="?", default="-", help="cosign verify-attestation's output (default stdin)")

    t = sub.add_parser("type", help="print the predicate type URI of a kind")
    t.add_argument("kind", choices=sorted(TYPES))
    return parser.parse_args(argv)


def main(argv):
    args = parse(argv)
    try:
        if args.command == "type":
            print(TYPES[args.kind])
        elif args.command == "provenance":
            write(args.out, provenance(args.digest, args.repository, args.commit, args.ref, args.workflow_ref,
                                       args.run_id, args.run_attempt, args.server_url, args.target,
                                       args.runner_environment, args.recorded_digest))
        elif args.command == "validated":
            try:
                with open(args.smoke_report) as f:
                    smoke = json.load(f)
            except (OSError, ValueError) as e:
                raise UsageError("cannot read the smoke report %s: %s" % (args.smoke_report, e))
            write(args.out, validated(args.digest, args.environment, args.cluster, args.service,
                                      args.task_definition, args.deployment, smoke))
        else:
            check_digest(args.digest)
            text = sys.stdin.read() if args.input == "-" else open(args.input).read()
            kept, refused = matching(text, args.digest, TYPES[args.type])
            for reason in refused:
                print("attestation: refused %s" % reason, file=sys.stderr)
            if not kept:
                print("attestation: no verified %s attestation about %s" % (args.type, args.digest),
                      file=sys.stderr)
                return 1
            for stmt in kept:
                print(summary(stmt))
    except UsageError as e:
        print("attestation: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
