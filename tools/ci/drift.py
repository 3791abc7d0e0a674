"""Drift in one account, from the JSON of two OpenTofu plans and the audit.

tools/ci/drift runs this in drift.yml, after tools/ci/drift-plans.sh wrote
`tofu show -json` of `plan -refresh-only` (what changed outside Terraform)
and of a normal plan (what an apply would change), and tools/ci/audit.sh
wrote the audit's JSON (the digest the tasks run against the record, and
whether it verifies).

  report --refresh-only F --plan F --audit F --allowlist F [--summary F]
      One line per address: DRIFT (counts), ALLOWED (the allow-list names
      that address and attribute, with why) or EXPECTED (the ECS service's
      task definition revision, which deploys change, while the running
      digest is the record's and verifies). Exit 0 no drift, 2 drift, 1 could
      not tell (a plan missing, unreadable or errored, the audit missing).
      The same as a Markdown table appended to --summary (default
      $GITHUB_STEP_SUMMARY when set).
  applied-version --state F
      The APP_VERSION Terraform last applied (`tofu show -json` of the
      state): the value the plans are made with, so that a plan's diff is
      drift and not a new version.

The allow-list: one entry per line, `ADDRESS ATTRIBUTE WHY...`, `#` starts a
comment. ADDRESS is one resource instance as the plan names it
(module.stack.module.nlb.aws_lb.this); no wildcard, no bare type: an entry
never hides a whole resource type. ATTRIBUTE is a top-level attribute or a
path in it (throttle_settings[0].rate_limit); it covers that path and
everything below it. WHY is required.

What it does not do: run tofu or the audit, or change anything.
"""

import argparse
import json
import os
import re
import sys

# tools/release/audit.py's one good row status (the others are DIFFERS,
# MISSING and ERROR, in capitals): compared exactly, as audit.py does.
AUDIT_MATCH = "match"

PROG = "drift"
SERVICE = "module.stack.module.ecs_service.aws_ecs_service.this"
# One resource instance: [module.NAME[KEY].]...TYPE.NAME[KEY]
ADDRESS = re.compile(r'^(module\.[A-Za-z_][A-Za-z0-9_-]*(\[[^\]*]+\])?\.)*'
                     r'(data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*(\[[^\]*]+\])?$')
ATTRIBUTE = re.compile(r"^[a-z_][a-z0-9_]*(\[[0-9]+\]|\.[A-Za-z0-9_-]+|\[\"[^\"]+\"\])*$")
DRIFT, ALLOWED, EXPECTED = "DRIFT", "ALLOWED", "EXPECTED"


class CannotTell(Exception):
    """The inputs do not say whether the account drifted."""


# ------------------------------------------------------------- allow-list

def parse_allowlist(text, where="allow-list"):
    """{(address, attribute): why}; raises CannotTell on a malformed entry."""
    entries = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            raise CannotTell("%s:%d: want ADDRESS ATTRIBUTE WHY, got %r" % (where, number, line))
        address, attribute, why = parts
        if "*" in address or not ADDRESS.match(address):
            raise CannotTell("%s:%d: %r is not one resource address (no wildcard, no bare type)"
                             % (where, number, address))
        if not ATTRIBUTE.match(attribute):
            raise CannotTell("%s:%d: %r is not an attribute path" % (where, number, attribute))
        entries[(address, attribute)] = why
    return entries


def allowed_by(entries, address, path):
    """The entry's why when (address, a prefix of path) is allow-listed."""
    for (entry_address, attribute), why in entries.items():
        if entry_address != address:
            continue
        if path == attribute or path.startswith(attribute + ".") or path.startswith(attribute + "["):
            return why
    return None


# ------------------------------------------------------------------ plans

def changed_paths(before, after, prefix=""):
    """Paths of the leaves that differ between two JSON values."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after)):
            path = "%s.%s" % (prefix, key) if prefix else key
            out += changed_paths(before.get(key), after.get(key), path)
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            out += changed_paths(b, a, "%s[%d]" % (prefix, i))
        return out
    if before == after or (before in (None, [], {}, "") and after in (None, [], {}, "")):
        return []
    return [prefix or "(whole value)"]


def load_plan(path, what):
    try:
        with open(path, encoding="utf-8") as source:
            plan = json.load(source)
    except OSError as error:
        raise CannotTell("%s plan %s: %s (did the plan run?)" % (what, path, error.strerror))
    except ValueError as error:
        raise CannotTell("%s plan %s is not JSON: %s" % (what, path, error))
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise CannotTell("%s plan %s is not `tofu show -json` of a plan" % (what, path))
    if plan.get("errored"):
        raise CannotTell("%s plan %s: the plan errored" % (what, path))
    return plan


def plan_findings(plan, kind):
    """(address, kind, [paths]) for each resource a plan says changed. kind
    drift: resource_drift (changed outside Terraform); plan: resource_changes
    an apply would make (it would change the account back)."""
    out = []
    key = "resource_drift" if kind == "drift" else "resource_changes"
    for change in plan.get(key) or []:
        actions = change.get("change", {}).get("actions", [])
        if actions in (["no-op"], ["read"]) or not actions:
            continue
        detail = change["change"]
        if actions == ["update"]:
            paths = changed_paths(detail.get("before"), detail.get("after"))
            unknown = detail.get("after_unknown") or {}
            paths += [p for p in changed_paths({}, unknown) if p not in paths]
        else:
            paths = ["(%s)" % "/".join(actions)]
        if paths:
            out.append((change["address"], kind, paths))
    return out


# ------------------------------------------------------------------ audit

def load_audit(path):
    try:
        with open(path, encoding="utf-8") as source:
            audit = json.load(source)
    except OSError as error:
        raise CannotTell("audit %s: %s (did the audit run?)" % (path, error.strerror))
    except ValueError as error:
        raise CannotTell("audit %s is not JSON: %s" % (path, error))
    if not isinstance(audit, dict) or "sources" not in audit or "ok" not in audit:
        raise CannotTell("audit %s is not tools/release/audit.py's JSON" % path)
    return audit


def image_verdict(audit):
    """(ok, what): ok when the tasks run the record's digest and it verifies."""
    sources = audit.get("sources") or []
    tasks = [s for s in sources if s.get("source", "").endswith("-tasks")]
    signed = [s for s in sources if s.get("signature") is not None]
    running = sorted({s.get("digest") or "none" for s in tasks})
    # A prod audit against a release tag (--release-tag) expects the tag's record.
    record = (audit.get("prod_release") or {}).get("digest") or audit.get("expected_digest") or "none"
    if not tasks:
        return False, "no running task in the audit"
    if not signed:
        return False, "the audit verified no signature"
    if audit.get("ok") and all(s.get("status") == AUDIT_MATCH for s in tasks):
        return True, "running %s = record, verified" % ", ".join(running)
    bad = [s for s in sources if s.get("status") != AUDIT_MATCH or s.get("signature") not in (None, "verified")]
    what = "; ".join("%s %s %s%s" % (s.get("source"), s.get("digest") or "-", s.get("status"),
                                      "" if s.get("signature") in (None, "verified") else ", " + s["signature"])
                     for s in bad)
    return False, "running %s, record %s (%s)" % (", ".join(running), record, what)


# ---------------------------------------------------------------- verdict

def judge(refresh_plan, plan, audit, allowlist, service=SERVICE):
    """Rows (status, address, kind, paths, note), drifted first."""
    image_ok, image_note = image_verdict(audit)
    rows = []
    for address, kind, paths in plan_findings(refresh_plan, "drift") + plan_findings(plan, "plan"):
        left, allowed = [], []
        for path in paths:
            why = allowed_by(allowlist, address, path)
            if why is None and address == service and path.split(".")[0].split("[")[0] == "task_definition" and image_ok:
                why = "deploys register revisions; " + image_note
                rows.append((EXPECTED, address, kind, [path], why))
                continue
            (allowed if why else left).append((path, why))
        if left:
            rows.append((DRIFT, address, kind, [p for p, _ in left], ""))
        for path, why in allowed:
            rows.append((ALLOWED, address, kind, [path], why))
    if not image_ok:
        rows.append((DRIFT, service, "image", ["image"], image_note))
    order = {DRIFT: 0, EXPECTED: 1, ALLOWED: 2}
    rows.sort(key=lambda r: (order[r[0]], r[1], r[2]))
    return rows


def lines(rows):
    return ["%-8s  %s  [%s] %s%s" % (status, address, kind, ", ".join(paths), " (%s)" % note if note else "")
            for status, address, kind, paths, note in rows]


def markdown(rows, account, code):
    verdict = {0: "no drift", 2: "DRIFT", 1: "could not tell"}[code]
    out = ["### Drift (%s): %s" % (account or "account", verdict), ""]
    if not rows:
        return "\n".join(out + ["Nothing differs from Terraform's state and configuration.", ""])
    out += ["| status | address | found by | attributes | note |", "|---|---|---|---|---|"]
    for status, address, kind, paths, note in rows:
        cell = lambda s: s.replace("|", "\\|")  # noqa: E731
        out.append("| %s | `%s` | %s | %s | %s |" % (status, address, kind, cell(", ".join(paths)), cell(note)))
    return "\n".join(out + [""])


def applied_version(state):
    """APP_VERSION of the task definition in `tofu show -json` of the state."""
    def modules(module):
        yield module
        for child in module.get("child_modules") or []:
            yield from modules(child)

    root = (state.get("values") or {}).get("root_module") or {}
    found = set()
    for module in modules(root):
        for resource in module.get("resources") or []:
            if resource.get("type") != "aws_ecs_task_definition" or resource.get("mode") != "managed":
                continue
            containers = json.loads(resource["values"].get("container_definitions") or "[]")
            for container in containers:
                for pair in container.get("environment") or []:
                    if pair.get("name") == "APP_VERSION":
                        found.add(pair.get("value"))
    if len(found) != 1:
        raise CannotTell("the state holds %d APP_VERSION values (%s), want one"
                         % (len(found), ", ".join(sorted(map(str, found))) or "none"))
    return found.pop()


# ------------------------------------------------------------------- main

def cmd_report(a):
    code, rows, problem = 0, [], None
    try:
        allowlist = {}
        if a.allowlist:
            try:
                with open(a.allowlist, encoding="utf-8") as source:
                    allowlist = parse_allowlist(source.read(), a.allowlist)
            except OSError as error:
                raise CannotTell("allow-list %s: %s" % (a.allowlist, error.strerror))
        rows = judge(load_plan(a.refresh_only, "refresh-only"), load_plan(a.plan, "normal"),
                     load_audit(a.audit), allowlist, a.service)
        code = 2 if any(r[0] == DRIFT for r in rows) else 0
    except CannotTell as error:
        code, problem = 1, str(error)
    for line in lines(rows):
        print(line)
    if problem:
        print("%s: could not tell: %s" % (PROG, problem), file=sys.stderr)
    drifted = sorted({r[1] for r in rows if r[0] == DRIFT})
    print({0: "no drift", 2: "drift: %s" % ", ".join(drifted), 1: "could not tell"}[code])
    summary = a.summary if a.summary is not None else os.environ.get("GITHUB_STEP_SUMMARY", "")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(markdown(rows, a.account, code))
            if problem:
                out.write("\n%s\n" % problem)
    return code


def cmd_applied_version(a):
    try:
        with open(a.state, encoding="utf-8") as source:
            print(applied_version(json.load(source)))
    except (OSError, ValueError, CannotTell) as error:
        print("%s: could not tell the applied APP_VERSION from %s: %s" % (PROG, a.state, error), file=sys.stderr)
        return 1
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="tools/ci/drift", description=__doc__.split("\n\n")[0],
                                     epilog="Exit: 0 no drift, 2 drift, 1 could not tell (report; "
                                            "a usage error too, which never looks like drift).",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="judge the plans and the audit; one line per address")
    report.add_argument("--refresh-only", required=True, metavar="FILE", help="tofu show -json of plan -refresh-only")
    report.add_argument("--plan", required=True, metavar="FILE", help="tofu show -json of the normal plan")
    report.add_argument("--audit", required=True, metavar="FILE", help="tools/ci/audit.sh --json-out")
    report.add_argument("--allowlist", metavar="FILE", help="ADDRESS ATTRIBUTE WHY per line")
    report.add_argument("--service", default=SERVICE, help="the ECS service's address (default %(default)s)")
    report.add_argument("--account", default="", help="dev or prod, for the summary's heading")
    report.add_argument("--summary", metavar="FILE", help="append the table (default $GITHUB_STEP_SUMMARY)")
    report.set_defaults(run=cmd_report)
    version = commands.add_parser("applied-version", help="the APP_VERSION of the state's task definition")
    version.add_argument("--state", required=True, metavar="FILE", help="tofu show -json of the state")
    version.set_defaults(run=cmd_applied_version)
    for p in (parser, report, version):
        p.error = usage_error
    return parser.parse_args(argv)


def usage_error(message):
    """argparse's usage errors exit 2, which here means drift: 1 instead."""
    print("%s: usage: %s (see --help)" % (PROG, message), file=sys.stderr)
    sys.exit(1)


def main(argv):
    a = parse_args(argv)
    return a.run(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
