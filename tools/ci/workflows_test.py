"""Checks the delivery invariants of .github/workflows on the parsed YAML.

What it is for: actionlint checks that the workflows are valid and zizmor that
they are not exploitable; neither knows this repository's rules, which are
(docs/delivery.md, "Workflows"):
  - release.yml (and the reusable workflow it calls) never builds;
  - no `environment:` anywhere (it changes the OIDC sub and queues forever on
    a free private repository);
  - every `uses:` is a local workflow or pinned to a 40-hex commit SHA with the
    version in a trailing comment;
  - top-level `permissions: {}`; every job sets its own; `id-token: write` only
    in jobs that assume a role;
  - a concurrency group per account, never cancelling a run in progress;
  - one reusable (`workflow_call`) workflow, called by deploy-dev and release;
  - secrets namespaced DEV_*/PROD_*, deploy-dev using DEV_* only;
  - every `run:` is one line, and every script it names exists;
  - caches as docs/delivery.md says ("Caches"): restore + save, never the
    combined actions/cache (it saves on every event); saves only from
    trusted refs (never a pull request); every job that builds restores the
    tool builds and Bazel's caches first and checks them against their seal;
    every job that installs the release tools restores cosign first; keys
    hash the pins they depend on; every restore or save of one cache (by
    the start of its key) lists the same paths, since GitHub's cache version
    hashes them and a different list never restores what another job saved;
  - deploy-dev's gate is `tools/dev test --gate`: it never reruns the whole
    suite (the rehearsal, the pipeline), which ci.yml runs on the same push.
  - every `container:` image is pinned by digest to a dated tag
    (`debian:bookworm-YYYYMMDD@sha256:<64 hex>`): the toolchain inside it
    goes into the recorded digest, so a floating tag is a floating digest.
  - a step that needs a tool (Go, cosign, skopeo, aws, tofu) comes after the
    step of the same job that provides it (each job is a fresh container: a
    warm host, as under act, hides a missing one).
  - drift.yml runs on a schedule and by hand only (the drift role's trust
    pins the workflow, not the event), one job per account in that
    account's deploy concurrency group, with the drift roles only, and never
    applies or touches the state: it plans with -lock=false and judges.
Each rule is a function over parsed documents, tested on the real workflows
and on a broken example, so a rule that silently passes everything fails.

What it does not do: validate GitHub's schema (actionlint) or look for
injection (zizmor).

Usage: workflows_test.py WORKFLOW.yml... (Bazel passes .github/workflows/*.yml).
The scripts a `run:` names are looked up in the source tree the workflow files
come from (their real path, through Bazel's runfiles links), since tools/
bootstrap and .ci/run belong to no Bazel package.
"""

import os
import re
import sys
import time
import unittest
import xml.etree.ElementTree as ET

import yaml

WORKFLOWS = []
ROOT = None

SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\s*$")
BUILD_WORDS = re.compile(
    r"\bbazel\s+(build|run|test)\b|tools/dev\b|tools/bootstrap\b|\.ci/run\b|"
    r"docker\s+build|buildah|\bpush\.sh\b|\brecord\.sh\b")
ROLE_STEP = "tools/ci/assume-role.sh"
# A dated tag (what a reader recognises) and the digest (what is pulled).
IMAGE_PIN = re.compile(r"^[a-z0-9./_-]+:[A-Za-z0-9._-]*-\d{8}(-[a-z]+)?@sha256:[0-9a-f]{64}$")
SCRIPT = re.compile(r"(?:^|[\s\"'(])((?:tools|\.ci)/[A-Za-z0-9_./-]+)")


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return {"path": path, "name": os.path.basename(path), "text": text, "doc": yaml.safe_load(text)}


def triggers(doc):
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {k: None for k in on}
    return on or {}


def jobs(doc):
    return (doc.get("jobs") or {}).items()


def steps(job):
    return job.get("steps") or []


def runs(wf):
    for _, job in jobs(wf["doc"]):
        for step in steps(job):
            if "run" in step:
                yield step["run"]


def find_key(node, key, where=""):
    """Every path at which `key` is a mapping key, anywhere in node."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append(where + "/" + str(k))
            found += find_key(v, key, where + "/" + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += find_key(v, key, "%s[%d]" % (where, i))
    return found


def reusable_calls(wf):
    """Local workflows called by jobs of wf (file names)."""
    out = []
    for _, job in jobs(wf["doc"]):
        uses = job.get("uses")
        if uses:
            out.append(uses)
    return out


# ---------------------------------------------------------------- the rules
# Each returns a list of problems (strings); empty means the rule holds.


def rule_no_environment(wfs):
    return ["%s: `environment:` at %s" % (wf["name"], p)
            for wf in wfs for p in find_key(wf["doc"], "environment")]


def rule_uses_pinned(wfs):
    problems = []
    for wf in wfs:
        for line in wf["text"].splitlines():
            m = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
            if not m:
                continue
            ref, rest = m.group(1), m.group(2)
            if ref.startswith("./.github/workflows/"):
                continue
            if not SHA_PIN.match(ref):
                problems.append("%s: `uses: %s` is not pinned to a 40-hex commit SHA" % (wf["name"], ref))
            elif not VERSION_COMMENT.search(rest):
                problems.append("%s: `uses: %s` has no trailing `# vX.Y.Z` comment" % (wf["name"], ref))
    return problems


def rule_permissions(wfs):
    problems = []
    for wf in wfs:
        doc = wf["doc"]
        if doc.get("permissions") != {}:
            problems.append("%s: top-level permissions must be {} (is %r)" % (wf["name"], doc.get("permissions")))
        for name, job in jobs(doc):
            perms = job.get("permissions")
            if not isinstance(perms, dict):
                problems.append("%s: job %s sets no permissions of its own" % (wf["name"], name))
                continue
            for scope, level in perms.items():
                if level == "write" and scope != "id-token":
                    problems.append("%s: job %s has %s: write" % (wf["name"], name, scope))
            assumes = any(ROLE_STEP in step.get("run", "") for step in steps(job))
            calls = bool(job.get("uses"))
            wants_token = perms.get("id-token") == "write"
            if wants_token and not (assumes or calls):
                problems.append("%s: job %s has id-token: write but assumes no role" % (wf["name"], name))
            if assumes and not wants_token:
                problems.append("%s: job %s assumes a role without id-token: write" % (wf["name"], name))
    return problems


def rule_no_build_in_release(wfs):
    by_name = {wf["name"]: wf for wf in wfs}
    problems = []
    release = by_name.get("release.yml")
    if release is None:
        return ["release.yml is missing"]
    checked = [release] + [by_name[os.path.basename(c)] for c in reusable_calls(release)
                           if os.path.basename(c) in by_name]
    for wf in checked:
        for run in runs(wf):
            if BUILD_WORDS.search(run):
                problems.append("%s (release path) builds or pushes a build: %s" % (wf["name"], run))
        for _, job in jobs(wf["doc"]):
            for step in steps(job):
                if "docker/build-push-action" in str(step.get("uses", "")):
                    problems.append("%s (release path) uses a build action" % wf["name"])
    return problems


def rule_concurrency(wfs):
    problems = []
    groups = {}
    for account, file in (("dev", "deploy-dev.yml"), ("prod", "release.yml")):
        wf = next((w for w in wfs if w["name"] == file), None)
        if wf is None:
            problems.append("%s is missing" % file)
            continue
        conc = wf["doc"].get("concurrency")
        if not isinstance(conc, dict):
            problems.append("%s: no workflow-level concurrency group" % file)
            continue
        group = str(conc.get("group", ""))
        if account not in group or "${{" in group:
            problems.append("%s: concurrency group %r is not a fixed group for %s" % (file, group, account))
        if conc.get("cancel-in-progress") is not False:
            problems.append("%s: cancel-in-progress must be false" % file)
        groups[account] = group
    if len(set(groups.values())) != len(groups):
        problems.append("dev and prod share a concurrency group: %r" % groups)
    # A job-level group inside the reusable workflow would wait for its caller.
    for wf in wfs:
        if "workflow_call" in triggers(wf["doc"]):
            for name, job in jobs(wf["doc"]):
                if "concurrency" in job:
                    problems.append("%s: job %s has a concurrency group (deadlocks with the caller's)" % (wf["name"], name))
    return problems


def rule_one_reusable(wfs):
    reusable = [wf["name"] for wf in wfs if "workflow_call" in triggers(wf["doc"])]
    if len(reusable) != 1:
        return ["want exactly one workflow_call workflow, found %r" % reusable]
    problems = []
    for caller in ("deploy-dev.yml", "release.yml"):
        wf = next((w for w in wfs if w["name"] == caller), None)
        if wf is None or "./.github/workflows/" + reusable[0] not in reusable_calls(wf):
            problems.append("%s does not call %s" % (caller, reusable[0]))
    return problems


def rule_triggers(wfs):
    want = {
        "ci.yml": lambda t: set(t) == {"push", "pull_request"},
        "deploy-dev.yml": lambda t: set(t) == {"push"} and (t["push"] or {}).get("branches") == ["dev"],
        "release.yml": lambda t: set(t) == {"push"} and (t["push"] or {}).get("tags") == ["v*"]
                                 and not (t["push"] or {}).get("branches"),
    }
    problems = []
    by_name = {wf["name"]: wf for wf in wfs}
    for name, ok in want.items():
        if name not in by_name:
            problems.append("%s is missing" % name)
        elif not ok(triggers(by_name[name]["doc"])):
            problems.append("%s: unexpected triggers %r" % (name, triggers(by_name[name]["doc"])))
    return problems


def rule_secrets(wfs):
    problems = []
    for wf in wfs:
        if re.search(r"secrets:\s*inherit", wf["text"]):
            problems.append("%s: `secrets: inherit` (pass each secret by name)" % wf["name"])
        used = set(re.findall(r"secrets\.([A-Za-z0-9_]+)", wf["text"]))
        reusable = "workflow_call" in triggers(wf["doc"])
        for s in used:
            if s == "GITHUB_TOKEN" or reusable:
                continue
            if not re.match(r"^(DEV|PROD)_[A-Z0-9_]+$", s):
                problems.append("%s: secret %s is not namespaced DEV_* or PROD_*" % (wf["name"], s))
            if wf["name"] == "deploy-dev.yml" and not s.startswith("DEV_"):
                problems.append("deploy-dev.yml uses %s, not a DEV_* secret" % s)
            if wf["name"] == "ci.yml":
                problems.append("ci.yml uses secret %s" % s)
    return problems


def rule_one_line_steps(wfs, root):
    problems = []
    for wf in wfs:
        for run in runs(wf):
            if "\n" in run.strip():
                problems.append("%s: multi-line run: step (call a script in tools/): %r" % (wf["name"], run))
            for path in SCRIPT.findall(run):
                full = os.path.join(root, path)
                if root and not (os.path.isfile(full) and os.access(full, os.X_OK)):
                    problems.append("%s: run: names %s, which is not an executable file" % (wf["name"], path))
    return problems


def rule_checkout_no_credentials(wfs):
    problems = []
    for wf in wfs:
        for name, job in jobs(wf["doc"]):
            for step in steps(job):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    if (step.get("with") or {}).get("persist-credentials") is not False:
                        problems.append("%s: job %s checks out with persisted credentials" % (wf["name"], name))
    return problems


def rule_release_guards_first(wfs):
    wf = next((w for w in wfs if w["name"] == "release.yml"), None)
    if wf is None:
        return ["release.yml is missing"]
    js = dict(jobs(wf["doc"]))
    guard = [n for n, j in js.items()
             if any("guard-reachable.sh" in s.get("run", "") for s in steps(j))
             and any("guard-digest.sh" in s.get("run", "") for s in steps(j))]
    if len(guard) != 1:
        return ["release.yml: no single job runs both guards (guard-reachable.sh, guard-digest.sh)"]
    problems = []

    def ancestors(name, seen=()):
        needs = js[name].get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        out = set(needs)
        for n in needs:
            if n not in seen:
                out |= ancestors(n, seen + (name,))
        return out

    g = guard[0]
    gsteps = [s.get("run", "") for s in steps(js[g])]
    first_role = next((i for i, r in enumerate(gsteps) if ROLE_STEP in r), len(gsteps))
    reach = next(i for i, r in enumerate(gsteps) if "guard-reachable.sh" in r)
    if reach > first_role:
        problems.append("release.yml: the reachability guard runs after a role is assumed")
    for n in js:
        if n != g and g not in ancestors(n):
            problems.append("release.yml: job %s does not wait for the guards (needs: %s)" % (n, g))
    return problems


CACHE_RESTORE = "actions/cache/restore@"
CACHE_SAVE = "actions/cache/save@"
TRUSTED_IF = ("github.event_name == 'push' && (github.ref == 'refs/heads/dev' || "
              "startsWith(github.ref, 'refs/tags/v') || "
              "github.ref == format('refs/heads/{0}', github.event.repository.default_branch))")
# The cache each kind of job needs, by the start of its key, and the files
# that key must hash (a pin change must make a new key).
BUILDS = re.compile(r"tools/bootstrap\b|tools/dev\b|\.ci/run\b")
TOFU_INSTALL = re.compile(r"tools/infra/install-(tofu|aws-provider)\b")
NEEDS = [
    (BUILDS, "tools-", ["tools/deps/*"], "~/.cache/civet-api"),
    (TOFU_INSTALL, "tools-", ["tools/deps/*", "tools/infra/tofu-version.txt"], "~/.cache/civet-api"),
    (BUILDS, "bazel-", ["WORKSPACE", "third_party/**"], "~/.cache/bazel-ci"),
    (re.compile(r"install-release-tools\.sh"), "cosign-", ["tools/deps/go-tools.txt"], None),
]


def uses(step):
    return str(step.get("uses", ""))


def trusted_only(wf, wfs):
    """The workflow runs only for trusted refs: a push to dev or a v* tag, or
    a reusable workflow whose every caller is such a workflow."""
    t = triggers(wf["doc"])
    if "workflow_call" in t:
        callers = [w for w in wfs if any(os.path.basename(c) == wf["name"] for c in reusable_calls(w))]
        return bool(callers) and all(trusted_only(w, wfs) for w in callers)
    push = t.get("push") or {}
    return set(t) == {"push"} and (push.get("branches") == ["dev"] or push.get("tags") == ["v*"])


def rule_cache_saves_trusted(wfs):
    problems = []
    for wf in wfs:
        for name, job in jobs(wf["doc"]):
            for step in steps(job):
                if uses(step).startswith("actions/cache@"):
                    problems.append("%s: job %s uses actions/cache, which saves on every event (pull requests too): "
                                    "use actions/cache/restore and actions/cache/save" % (wf["name"], name))
                if uses(step).startswith(CACHE_SAVE) and not trusted_only(wf, wfs) \
                        and TRUSTED_IF not in str(step.get("if", "")):
                    problems.append("%s: job %s saves a cache (%s) without the trusted-ref condition"
                                    % (wf["name"], name, step.get("name", "?")))
    return problems


def rule_caches_restored_and_checked(wfs):
    problems = []
    for wf in wfs:
        for name, job in jobs(wf["doc"]):
            ss = steps(job)
            for pattern, prefix, hashed, checked_dir in NEEDS:
                first = next((i for i, st in enumerate(ss) if pattern.search(st.get("run", ""))), None)
                if first is None:
                    continue
                restore = next((i for i, st in enumerate(ss[:first]) if uses(st).startswith(CACHE_RESTORE)
                                and str((st.get("with") or {}).get("key", "")).startswith(prefix)), None)
                if restore is None:
                    problems.append("%s: job %s runs %r with no %s cache restored before it"
                                    % (wf["name"], name, ss[first]["run"], prefix))
                    continue
                key = str(ss[restore]["with"]["key"])
                for f in hashed:
                    if "'%s'" % f not in key:
                        problems.append("%s: job %s: the %s cache key does not hash %s" % (wf["name"], name, prefix, f))
                if checked_dir:
                    sid = ss[restore].get("id", "")
                    check = [st for st in ss[restore + 1:first] if "tools/ci/caches.sh check " + checked_dir in st.get("run", "")
                             and sid and "steps.%s.outputs.cache-matched-key" % sid in str(st.get("if", ""))]
                    if not check:
                        problems.append("%s: job %s uses the restored %s cache unchecked (tools/ci/caches.sh check %s, "
                                        "if the restore matched)" % (wf["name"], name, prefix, checked_dir))
    return problems


def cache_prefix(step):
    """The start of a cache step's key up to its first '-' ('tools', 'bazel');
    None for a key that is an expression (a save of what a restore step
    computed, `steps.<id>.outputs.cache-primary-key`), which the caller
    attributes to that restore."""
    key = str((step.get("with") or {}).get("key", ""))
    return key.split("-", 1)[0] if "-" in key and not key.startswith("${{") else None


def rule_cache_paths_agree(wfs):
    problems = []
    seen = {}
    for wf in wfs:
        for name, job in jobs(wf["doc"]):
            restored = {}
            for step in steps(job):
                if not (uses(step).startswith(CACHE_RESTORE) or uses(step).startswith(CACHE_SAVE)):
                    continue
                path = str((step.get("with") or {}).get("path", "")).strip()
                prefix = cache_prefix(step)
                if prefix is None:
                    key = str((step.get("with") or {}).get("key", ""))
                    prefix = next((p for sid, p in restored.items() if "steps.%s." % sid in key), None)
                elif step.get("id"):
                    restored[step["id"]] = prefix
                if prefix is None:
                    continue
                where = "%s job %s" % (wf["name"], name)
                first = seen.setdefault(prefix, (where, path))
                if first[1] != path:
                    problems.append("%s: the %s- cache lists paths %r, but %s lists %r: GitHub's cache version "
                                    "hashes the paths, so one never restores what the other saved"
                                    % (where, prefix, path, first[0], first[1]))
    return problems


def rule_deploy_dev_gate(wfs):
    wf = next((w for w in wfs if w["name"] == "deploy-dev.yml"), None)
    if wf is None:
        return ["deploy-dev.yml is missing"]
    problems = []
    gate = False
    for run in runs(wf):
        if re.search(r"\.ci/run\b|tools/dev\s+(pipeline|up)\b", run) or \
                (re.search(r"tools/dev\s+test\b", run) and "--gate" not in run):
            problems.append("deploy-dev.yml reruns the whole suite (ci.yml runs it on the same push): %s" % run)
        gate = gate or bool(re.search(r"tools/dev\s+test\s+--gate\b", run))
    if not gate:
        problems.append("deploy-dev.yml has no gate (tools/dev test --gate) before it builds")
    return problems


def container_images(wf):
    """(job, image) for every job's `container:` and each of its `services:`."""
    out = []
    for name, job in jobs(wf["doc"]):
        specs = [job.get("container")] + list((job.get("services") or {}).values())
        for spec in specs:
            if spec is None:
                continue
            image = spec.get("image") if isinstance(spec, dict) else spec
            out.append((name, str(image)))
    return out


def rule_containers_pinned(wfs):
    return ["%s: job %s runs `%s`, not pinned as IMAGE:TAG-YYYYMMDD@sha256:<64 hex>" % (wf["name"], job, image)
            for wf in wfs for job, image in container_images(wf) if not IMAGE_PIN.match(image)]


# What a step needs on its job's machine, and the steps that provide it. Each
# job runs in a fresh `container: debian:bookworm`, so the provider must be an
# earlier step of the same job; act's host mode, with this machine's Go and
# caches, passes either way. A provider is ("uses", prefix) or ("run", regex).
GO = ("Go", [("uses", "actions/setup-go@")])
RELEASE_TOOLS = ("the release tools (cosign, skopeo, aws, jq)",
                 [("run", re.compile(r"tools/ci/install-release-tools\.sh|tools/bootstrap\b"))])
TOFU = ("OpenTofu and the AWS provider", [("run", TOFU_INSTALL), ("run", re.compile(r"tools/bootstrap\b"))])
TOOL_NEEDS = [
    # They build cosign (and tofu, act) with `go install`.
    (re.compile(r"tools/ci/install-release-tools\.sh|tools/bootstrap\b|tools/dev\b|\.ci/run\b|"
                r"tools/infra/install-(tofu|aws-provider)\b"), GO),
    (re.compile(r"tools/ci/(assume-role|ecr-login|guard-digest|current-taskdef|sign-validated|audit|drift-plans)\.sh|"
                r"tools/release/(push|promote|sign|verify|deploy)\.sh"), RELEASE_TOOLS),
    (re.compile(r"tools/ci/drift-plans\.sh"), TOFU),
]


def provides(step, provider):
    kind, pattern = provider
    if kind == "uses":
        return str(step.get("uses", "")).startswith(pattern)
    return bool(pattern.search(step.get("run", "")))


def rule_tools_before_use(wfs):
    problems = []
    for wf in wfs:
        for name, job in jobs(wf["doc"]):
            done = []
            for step in steps(job):
                run = step.get("run", "")
                for needs, (what, providers) in TOOL_NEEDS:
                    if run and needs.search(run) and not any(
                            provides(earlier, p) for earlier in done for p in providers):
                        problems.append("%s: job %s runs `%s` with no earlier step providing %s" % (
                            wf["name"], name, needs.search(run).group(0), what))
                done.append(step)
    return problems


# What must never run in drift.yml: an apply, an import, a state change, a
# lock taken or broken, or a deploy's role.
DRIFT_WRITES = re.compile(r"\b(apply|import|taint|untaint|force-unlock|state\s+(rm|mv|push|replace-provider))\b|"
                          r"-lock=true|DEPLOY_ROLE_ARN|ECR_READER_ROLE_ARN|tools/release/(deploy|push|promote|sign)\.sh")
DEPLOY_GROUPS = {"dev": ("deploy-dev.yml", "aws-dev"), "prod": ("release.yml", "aws-prod")}


def rule_drift(wfs):
    wf = next((w for w in wfs if w["name"] == "drift.yml"), None)
    if wf is None:
        return ["drift.yml is missing"]
    problems = []
    t = triggers(wf["doc"])
    if set(t) != {"schedule", "workflow_dispatch"}:
        problems.append("drift.yml: triggers %r, want schedule and workflow_dispatch only" % sorted(t))
    if DRIFT_WRITES.search(wf["text"]):
        problems.append("drift.yml writes or deploys: %r" % DRIFT_WRITES.search(wf["text"]).group(0))
    by_name = {w["name"]: w for w in wfs}
    accounts = set()
    for name, job in jobs(wf["doc"]):
        runs_ = [s.get("run", "") for s in steps(job)]
        account = next((a for a in DEPLOY_GROUPS if "--env %s " % a in " ".join(runs_)), None)
        if account is None:
            problems.append("drift.yml: job %s plans no account (tools/ci/drift-plans.sh --env dev|prod)" % name)
            continue
        accounts.add(account)
        for needed in ("tools/ci/drift-plans.sh", "tools/ci/audit.sh", "tools/ci/drift report"):
            if not any(needed in r for r in runs_):
                problems.append("drift.yml: job %s does not run %s" % (name, needed))
        file, fallback = DEPLOY_GROUPS[account]
        deploy = by_name.get(file)
        group = str(((deploy or {}).get("doc") or {}).get("concurrency", {}).get("group", fallback))
        conc = job.get("concurrency")
        if not isinstance(conc, dict) or conc.get("group") != group or conc.get("cancel-in-progress") is not False:
            problems.append("drift.yml: job %s is not in %s's concurrency group %r without cancelling" % (name, file, group))
        roles = re.findall(r"secrets\.(\w*ROLE_ARN)", str(job.get("env", {})))
        if not roles or any(not r.endswith("_DRIFT_ROLE_ARN") for r in roles):
            problems.append("drift.yml: job %s uses roles %r, want the drift roles only" % (name, roles))
    if accounts != {"dev", "prod"}:
        problems.append("drift.yml: accounts %r, want one job for dev and one for prod" % sorted(accounts))
    return problems


RULES = [
    rule_cache_saves_trusted, rule_caches_restored_and_checked, rule_deploy_dev_gate,
    rule_no_environment, rule_uses_pinned, rule_permissions, rule_no_build_in_release,
    rule_concurrency, rule_one_reusable, rule_triggers, rule_secrets,
    rule_checkout_no_credentials, rule_release_guards_first, rule_containers_pinned,
    rule_tools_before_use, rule_drift, rule_cache_paths_agree,
]


def real():
    return [load(p) for p in sorted(WORKFLOWS, key=os.path.basename)]


class RealWorkflows(unittest.TestCase):
    """Every rule holds for .github/workflows."""

    @classmethod
    def setUpClass(cls):
        cls.wfs = real()

    def test_the_four_workflows_exist(self):
        self.assertEqual(sorted(w["name"] for w in self.wfs),
                         ["ci.yml", "deploy-dev.yml", "deploy.yml", "drift.yml", "release.yml"])

    def check(self, rule, *args):
        problems = rule(self.wfs, *args)
        self.assertEqual(problems, [], "\n".join(problems))

    def test_no_environment_keyword(self):
        self.check(rule_no_environment)

    def test_every_uses_pinned_by_sha(self):
        self.check(rule_uses_pinned)

    def test_minimal_permissions(self):
        self.check(rule_permissions)

    def test_release_never_builds(self):
        self.check(rule_no_build_in_release)

    def test_concurrency_per_account(self):
        self.check(rule_concurrency)

    def test_one_reusable_deploy_workflow(self):
        self.check(rule_one_reusable)

    def test_triggers(self):
        self.check(rule_triggers)

    def test_secrets_namespaced(self):
        self.check(rule_secrets)

    def test_steps_are_one_line_script_calls(self):
        self.check(rule_one_line_steps, ROOT)

    def test_checkout_does_not_persist_credentials(self):
        self.check(rule_checkout_no_credentials)

    def test_release_guards_first(self):
        self.check(rule_release_guards_first)

    def test_caches_saved_only_from_trusted_refs(self):
        self.check(rule_cache_saves_trusted)

    def test_builds_restore_and_check_their_caches(self):
        self.check(rule_caches_restored_and_checked)

    def test_each_cache_lists_the_same_paths_everywhere(self):
        self.check(rule_cache_paths_agree)

    def test_deploy_dev_gate_is_not_the_whole_suite(self):
        self.check(rule_deploy_dev_gate)

    def test_container_images_pinned_by_digest(self):
        # Not a count of images: tools/dev pipeline runs this test on a copy
        # whose container blocks are stripped (act's host mode); that the rule
        # can fail is RulesCatchBreakage's test_container_by_tag_or_undated_digest.
        self.check(rule_containers_pinned)

    def test_tools_installed_before_use(self):
        self.check(rule_tools_before_use)

    def test_drift_plans_and_judges_and_never_applies(self):
        self.check(rule_drift)

    def test_deploy_dev_checks_digest_before_push(self):
        wf = next(w for w in self.wfs if w["name"] == "deploy-dev.yml")
        order = [s.get("run", "") for _, j in jobs(wf["doc"]) for s in steps(j)]
        idx = lambda word: next(i for i, r in enumerate(order) if word in r)  # noqa: E731
        self.assertLess(idx("bazel build //services/api:image"), idx("check-built-digest.sh"))
        self.assertLess(idx("check-built-digest.sh"), idx("assume-role.sh"))
        self.assertLess(idx("assume-role.sh"), idx("tools/release/push.sh"))


BROKEN = """
name: release
on:
  push:
    tags: ["v*"]
    branches: [main]
permissions: write-all
concurrency:
  group: deploy-${{ github.ref }}
  cancel-in-progress: true
jobs:
  build:
    runs-on: ubuntu-24.04
    container:
      image: debian:bookworm
    services:
      registry: registry:2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    environment: prod
    permissions:
      contents: write
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: some/action@0123456789abcdef0123456789abcdef01234567
      - run: |
          bazel build //services/api:image
          tools/nonexistent.sh
  deploy:
    uses: ./.github/workflows/deploy.yml
    secrets: inherit
"""

BROKEN_CALLEE = """
name: deploy
on: workflow_call
permissions: {}
jobs:
  d:
    runs-on: ubuntu-24.04
    concurrency: prod
    permissions: {}
    steps:
      - run: tools/ci/assume-role.sh --role-arn x
      - run: tools/ci/install-release-tools.sh
      - run: tools/release/verify.sh --image x
      - run: tools/dev test
"""


# A ci.yml that caches the way a first attempt would, and a deploy-dev that
# reruns the whole suite.
BROKEN_CI = """
name: ci
on: [push, pull_request]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: ~/.cache/civet-api
          key: tools-${{ hashFiles('WORKSPACE') }}
      - id: bazel-cache
        uses: actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: ~/.cache/bazel-ci
          key: bazel-${{ hashFiles('WORKSPACE', 'third_party/**') }}
      - run: .ci/run
      - if: github.event_name == 'push'
        uses: actions/cache/save@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: ~/.cache/bazel-ci/disk
          key: ${{ steps.bazel-cache.outputs.cache-primary-key }}
  release-tools:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - run: tools/ci/install-release-tools.sh
"""

BROKEN_DEPLOY_DEV = """
name: deploy-dev
on:
  push:
    branches: [dev]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - run: tools/dev test
"""


# A drift workflow that could change an account: it runs on push, applies,
# uses a deploy role, and shares no group with the deploys.
BROKEN_DRIFT = """
name: drift
on:
  push:
  schedule:
    - cron: "0 3 * * *"
permissions: {}
jobs:
  dev:
    runs-on: ubuntu-24.04
    permissions: {}
    concurrency:
      group: drift-dev
      cancel-in-progress: true
    env:
      ROLE: ${{ secrets.DEV_DEPLOY_ROLE_ARN }}
    steps:
      - run: tools/ci/drift-plans.sh --env dev --profile p --out o
      - run: tools/infra/tofu -chdir=infra/live/dev apply -auto-approve
"""


class RulesCatchBreakage(unittest.TestCase):
    """Each rule finds the breakage it is for (a rule that passes all is useless)."""

    @classmethod
    def setUpClass(cls):
        def doc(name, text):
            return {"path": name, "name": name, "text": text, "doc": yaml.safe_load(text)}
        cls.wfs = [doc("release.yml", BROKEN), doc("deploy.yml", BROKEN_CALLEE),
                   doc("ci.yml", BROKEN_CI), doc("deploy-dev.yml", BROKEN_DEPLOY_DEV),
                   doc("drift.yml", BROKEN_DRIFT)]

    def found(self, rule, needle, *args):
        problems = rule(self.wfs, *args)
        self.assertTrue(any(needle in p for p in problems), "%r not in %r" % (needle, problems))

    def test_environment(self):
        self.found(rule_no_environment, "/jobs/build/environment")

    def test_tag_pin_and_missing_comment(self):
        self.found(rule_uses_pinned, "actions/checkout@v4` is not pinned")
        self.found(rule_uses_pinned, "no trailing `# vX.Y.Z` comment")

    def test_permissions(self):
        self.found(rule_permissions, "top-level permissions must be {}")
        self.found(rule_permissions, "contents: write")
        self.found(rule_permissions, "id-token: write but assumes no role")
        self.found(rule_permissions, "assumes a role without id-token: write")

    def test_build_in_release_or_its_callee(self):
        self.found(rule_no_build_in_release, "release.yml (release path) builds")
        self.found(rule_no_build_in_release, "deploy.yml (release path) builds")

    def test_concurrency(self):
        self.found(rule_concurrency, "is not a fixed group for prod")
        self.found(rule_concurrency, "cancel-in-progress must be false")
        self.found(rule_concurrency, "deadlocks")

    def test_triggers(self):
        self.found(rule_triggers, "release.yml: unexpected triggers")

    def test_secrets_inherit(self):
        self.found(rule_secrets, "secrets: inherit")

    def test_multi_line_and_missing_script(self):
        self.found(rule_one_line_steps, "multi-line run:", ROOT)
        self.found(rule_one_line_steps, "tools/nonexistent.sh", ROOT)

    def test_checkout_credentials(self):
        self.found(rule_checkout_no_credentials, "persisted credentials")

    def test_guards(self):
        self.found(rule_release_guards_first, "no single job runs both guards")

    def test_cache_saves(self):
        self.found(rule_cache_saves_trusted, "ci.yml: job test uses actions/cache, which saves on every event")
        self.found(rule_cache_saves_trusted, "ci.yml: job test saves a cache (?) without the trusted-ref condition")

    def test_caches_restored_and_checked(self):
        self.found(rule_caches_restored_and_checked, "ci.yml: job test runs '.ci/run' with no tools- cache restored")
        self.found(rule_caches_restored_and_checked, "ci.yml: job test uses the restored bazel- cache unchecked")
        self.found(rule_caches_restored_and_checked, "job release-tools runs 'tools/ci/install-release-tools.sh' "
                                                      "with no cosign- cache restored")
        self.found(rule_caches_restored_and_checked, "deploy-dev.yml: job test runs 'tools/dev test' with no tools-")

    def test_cache_paths_agree(self):
        self.found(rule_cache_paths_agree, "ci.yml job test: the bazel- cache lists paths '~/.cache/bazel-ci/disk'")

    def test_deploy_dev_gate(self):
        self.found(rule_deploy_dev_gate, "deploy-dev.yml reruns the whole suite")
        self.found(rule_deploy_dev_gate, "deploy-dev.yml has no gate")

    def test_container_by_tag_or_undated_digest(self):
        self.found(rule_containers_pinned, "runs `debian:bookworm`, not pinned")
        self.found(rule_containers_pinned, "runs `registry:2@sha256:")

    def test_drift(self):
        self.found(rule_drift, "want schedule and workflow_dispatch only")
        self.found(rule_drift, "drift.yml writes or deploys")
        self.found(rule_drift, "is not in deploy-dev.yml's concurrency group")
        self.found(rule_drift, "want the drift roles only")
        self.found(rule_drift, "does not run tools/ci/audit.sh")
        self.found(rule_drift, "want one job for dev and one for prod")
        self.found(rule_tools_before_use, "job dev runs `tools/ci/drift-plans.sh` with no earlier step providing OpenTofu")

    def test_tools_before_use(self):
        self.found(rule_tools_before_use,
                   "job d runs `tools/ci/install-release-tools.sh` with no earlier step providing Go")
        self.found(rule_tools_before_use,
                   "job d runs `tools/ci/assume-role.sh` with no earlier step providing the release tools")
        # Installed by then: the later verify.sh is not reported.
        problems = rule_tools_before_use(self.wfs)
        self.assertFalse(any("verify.sh" in p for p in problems), problems)


def run_with_junit():
    """Runs the cases; writes one JUnit <testcase> each to $XML_OUTPUT_FILE.

    (tools/infra/junit.py does this for //infra, but is not visible from
    //tools/ci; this is the few lines of it this file needs, no skips either.)
    """
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    cases = []

    class Result(unittest.TextTestResult):
        def startTest(self, test):
            self._t0 = time.monotonic()
            super().startTest(test)

        def _add(self, test, err=None):
            msg = self._exc_info_to_string(err, test) if err else ""
            cases.append((test, msg, time.monotonic() - self._t0))

        def addSuccess(self, test):
            super().addSuccess(test)
            self._add(test)

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._add(test, err)

        def addError(self, test, err):
            super().addError(test, err)
            self._add(test, err)

        def addSkip(self, test, reason):
            err = (AssertionError, AssertionError("skipped: " + reason), None)
            super().addFailure(test, err)
            self._add(test, err)

    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=Result).run(suite)
    out = os.environ.get("XML_OUTPUT_FILE")
    if out:
        root = ET.Element("testsuites")
        ts = ET.SubElement(root, "testsuite", name=os.environ.get("TEST_TARGET", "workflows_test"),
                           tests=str(len(cases)), failures=str(sum(1 for c in cases if c[1])))
        for test, msg, secs in cases:
            case = ET.SubElement(ts, "testcase", name=test._testMethodName,
                                 classname=type(test).__name__, time="%.3f" % secs)
            if msg:
                ET.SubElement(case, "failure", message=msg.strip().splitlines()[-1][:200]).text = msg
        with open(out, "wb") as f:
            f.write(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    bad = sum(1 for c in cases if c[1])
    print("%d passed, %d failed" % (len(cases) - bad, bad))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: workflows_test.py WORKFLOW.yml...")
    WORKFLOWS = sys.argv[1:]
    # <root>/.github/workflows/ci.yml -> <root>
    ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(WORKFLOWS[0]))))
    del sys.argv[1:]
    sys.exit(run_with_junit())
