"""Applies one account's Terraform to its emulated AWS account, as a user would.

  terraform_account.py apply --env dev --account-id ID --endpoint URL \\
      --credentials FILE --app-version SHA --infra DIR --scratch DIR
      1. copies DIR (infra/) to SCRATCH, so nothing committed changes;
      2. bootstrap/: init and apply with local state (the state bucket and
         lock table), as infra/README.md tells a human to;
      3. the live tree: init with the real S3 backend, from the committed
         <env>.s3.tfbackend plus only an endpoint override, then apply;
      4. a second `plan -detailed-exitcode`: no change may be left but those
         of plan_allowlist.txt (moto limitations, each named there);
      5. writes SCRATCH/outputs.json (`tofu output -json`).
  terraform_account.py replan --env dev --account-id ID ... --infra OTHER
      After apply, in the same SCRATCH: plans OTHER's live tree against the
      state the apply left in the account (a refactor's `moved` blocks meet
      the deployment they are for). Prints tofu's plan; fails on any create,
      destroy or replace, or an update plan_allowlist.txt does not explain.
  terraform_account.py refresh --env dev --account-id ID ... --app-version SHA
      After apply, in the same SCRATCH: `apply -refresh-only`, what an
      operator does once after an apply that created security group rules
      (the groups were read before their rules existed, so their ingress and
      egress in the state are empty until a refresh is recorded): the state
      then holds what the account reads back. tools/dev drift starts with it.
  terraform_account.py plan-elsewhere --env prod --account-id ID ...
      Plans the tree with another account's credentials (local state) and
      prints tofu's answer; the caller expects "account ID not allowed".

The only files added to the scratch copy are rehearsal_override.tf (the
provider's endpoints: Terraform's own override-file merge) and
rehearsal.s3.tfbackend (the backend's endpoints). tofu is tools/infra/tofu
(the pinned OpenTofu with the provider from the local mirror).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
TOFU = os.path.join(ROOT, "tools", "infra", "tofu")
ALLOWLIST = os.path.join(HERE, "plan_allowlist.txt")

# The services the provider talks to (the 12 compiled into it, less meta).
SERVICES = ["apigateway", "dynamodb", "ec2", "ecr", "ecs", "elbv2", "iam", "kms", "logs", "s3", "sts"]


class Failed(Exception):
    pass


# Connection trouble with the emulated account, not a finding about the code.
TRANSIENT = re.compile(r"use of closed network connection|connection reset by peer|"
                       r"read: connection refused|unexpected EOF")


def provider_override(endpoint):
    lines = ['# Written by tools/rehearsal/aws/terraform_account.py: this scratch copy',
             '# talks to an emulated account. Merged into provider "aws" by Terraform.',
             'provider "aws" {',
             '  s3_use_path_style       = true',
             '  skip_metadata_api_check = true',
             '  skip_region_validation  = true',
             '  # moto answers an unimplemented call with HTTP 500, which the provider',
             '  # would retry for minutes; fail in seconds instead.',
             '  max_retries = 2',
             '',
             '  endpoints {']
    lines += ['    %-10s = "%s"' % (service, endpoint) for service in SERVICES]
    lines += ['  }', '}', '']
    return "\n".join(lines)


def backend_override(endpoint):
    return "\n".join([
        "# Written by tools/rehearsal/aws/terraform_account.py: only the endpoints",
        "# of the emulated account; the rest comes from the committed .tfbackend.",
        "endpoints = {",
        '  s3       = "%s"' % endpoint,
        '  dynamodb = "%s"' % endpoint,
        '  iam      = "%s"' % endpoint,
        '  sts      = "%s"' % endpoint,
        "}",
        "use_path_style          = true",
        "skip_metadata_api_check = true",
        "skip_region_validation  = true",
        "",
    ])


class Account:
    def __init__(self, args):
        self.env = args.env
        self.account_id = args.account_id
        self.endpoint = args.endpoint
        self.scratch = os.path.abspath(args.scratch)
        self.app_version = getattr(args, "app_version", None)
        self.environ = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE=args.credentials,
                            AWS_CONFIG_FILE=os.devnull, AWS_REGION=args.region,
                            TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1")
        for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            self.environ.pop(name, None)
        self.started = time.time()

    def say(self, message):
        print("    [%s %5.1fs] %s" % (self.env, time.time() - self.started, message), flush=True)

    def tofu(self, directory, log_name, *args, accept=(0,)):
        """Runs tofu in DIRECTORY, its output to SCRATCH/logs/LOG_NAME.log.

        Once more when the only trouble was the connection to the emulated
        account (moto's server closes a kept-alive connection under load,
        which the provider reports and does not retry): a second run of
        init, plan or apply picks up where the first stopped."""
        log = os.path.join(self.scratch, "logs", log_name + ".log")
        for attempt in (1, 2):
            with open(log, "w") as out:
                result = subprocess.run([TOFU, *args], cwd=directory, env=self.environ,
                                        stdout=out, stderr=subprocess.STDOUT)
            if result.returncode in accept or attempt == 2:
                break
            with open(log) as source:
                transient = TRANSIENT.search(source.read())
            if not transient:
                break
            shutil.copy(log, log[:-len(".log")] + ".attempt1.log")
            self.say("tofu %s: %r from the emulated account, running it once more" % (args[0], transient.group(0)))
        if result.returncode not in accept:
            with open(log) as source:
                tail = source.read().strip().splitlines()[-15:]
            raise Failed("tofu %s in %s failed (exit %d); log: %s\n%s" % (
                args[0], os.path.relpath(directory, self.scratch), result.returncode, log,
                "\n".join("      " + line for line in tail)))
        return result.returncode

    def copy_infra(self, infra):
        target = os.path.join(self.scratch, "infra")
        shutil.rmtree(target, ignore_errors=True)
        # Terraform's files only: a BUILD file under .state would be a Bazel package.
        shutil.copytree(infra, target, ignore=lambda directory, names: [
            n for n in names if not os.path.isdir(os.path.join(directory, n))
            and not n.endswith((".tf", ".tfvars", ".tfbackend", ".json"))] + [
            n for n in names if n in (".terraform",)])
        os.makedirs(os.path.join(self.scratch, "logs"), exist_ok=True)
        return target

    def tree(self, *parts):
        return os.path.join(self.scratch, "infra", "live", self.env, *parts)

    def write(self, path, text):
        with open(path, "w") as out:
            out.write(text)

    def apply(self, infra):
        self.copy_infra(infra)
        bootstrap = self.tree("bootstrap")
        self.write(os.path.join(bootstrap, "rehearsal_override.tf"), provider_override(self.endpoint))
        self.tofu(bootstrap, "bootstrap-init", "init", "-no-color")
        self.tofu(bootstrap, "bootstrap-apply", "apply", "-auto-approve", "-no-color",
                  "-var", "account_id=" + self.account_id)
        self.say("bootstrap applied: state bucket and lock table")

        live = self.tree()
        self.write(os.path.join(live, "rehearsal_override.tf"), provider_override(self.endpoint))
        self.write(os.path.join(live, "rehearsal.s3.tfbackend"), backend_override(self.endpoint))
        self.tofu(live, "init", "init", "-no-color", "-backend-config=%s.s3.tfbackend" % self.env,
                  "-backend-config=rehearsal.s3.tfbackend")
        self.say("live tree initialised with the S3 backend (%s.s3.tfbackend)" % self.env)
        variables = ["-var", "account_id=" + self.account_id, "-var", "app_version=" + self.app_version]
        self.tofu(live, "apply", "apply", "-auto-approve", "-no-color", *variables)
        self.say("live tree applied: %d resources in state" % self.count_resources(live))

        code = self.plan_and_check(live, "plan", "second plan", variables)
        self.say("second plan: %s" % ("no changes" if code == 0 else
                                      "only allow-listed moto differences"))
        with open(os.path.join(self.scratch, "outputs.json"), "w") as out:
            subprocess.run([TOFU, "output", "-json"], cwd=live, env=self.environ, stdout=out, check=True)

    def plan_and_check(self, live, log_name, what, variables):
        """plan -detailed-exitcode; fails unless every change is allow-listed."""
        plan_file = log_name + ".tfplan"
        code = self.tofu(live, log_name, "plan", "-detailed-exitcode", "-no-color", "-out=" + plan_file,
                         *variables, accept=(0, 2))
        left = []
        if code == 2:
            left = unexplained_changes(self.plan_json(live, plan_file), load_allowlist())
        if left:
            raise Failed("the %s is not empty; changes no allow-list line explains:\n" % what +
                         "\n".join("      " + line for line in left) +
                         "\n      log: %s" % os.path.join(self.scratch, "logs", log_name + ".log"))
        return code

    def refresh(self):
        """apply -refresh-only in the scratch copy an apply left."""
        live = self.tree()
        if not os.path.isdir(os.path.join(live, ".terraform")):
            raise Failed("no applied tree in %s: apply first" % live)
        variables = ["-var", "account_id=" + self.account_id, "-var", "app_version=" + self.app_version]
        self.tofu(live, "refresh", "apply", "-refresh-only", "-auto-approve", "-no-color", *variables)
        self.say("state refreshed (apply -refresh-only): %d resources" % self.count_resources(live))

    def replan(self, infra):
        """INFRA's live tree planned against the state an earlier apply left in the account."""
        self.copy_infra(infra)  # a new copy: the state is in the account's bucket, not here
        live = self.tree()
        self.write(os.path.join(live, "rehearsal_override.tf"), provider_override(self.endpoint))
        self.write(os.path.join(live, "rehearsal.s3.tfbackend"), backend_override(self.endpoint))
        self.tofu(live, "replan-init", "init", "-no-color", "-backend-config=%s.s3.tfbackend" % self.env,
                  "-backend-config=rehearsal.s3.tfbackend")
        variables = ["-var", "account_id=" + self.account_id, "-var", "app_version=" + self.app_version]
        try:
            code = self.plan_and_check(live, "replan", "plan of the other tree", variables)
        finally:
            with open(os.path.join(self.scratch, "logs", "replan.log")) as source:
                print(source.read())
        moved = [r for r in self.plan_json(live, "replan.tfplan").get("resource_changes", [])
                 if r.get("previous_address")]
        self.say("plan of %s against the applied state: %d resources moved, %s" % (
            infra, len(moved), "no other change" if code == 0 else "other changes only allow-listed ones"))

    def count_resources(self, live):
        result = subprocess.run([TOFU, "state", "list"], cwd=live, env=self.environ,
                                capture_output=True, text=True, check=True)
        return len([line for line in result.stdout.splitlines() if not line.startswith("data.")])

    def plan_json(self, live, plan_file):
        result = subprocess.run([TOFU, "show", "-json", plan_file], cwd=live, env=self.environ,
                                capture_output=True, text=True, check=True)
        return json.loads(result.stdout)

    def plan_elsewhere(self, infra):
        """The tree planned with this account's credentials: must be refused."""
        self.copy_infra(infra)
        live = self.tree()
        self.write(os.path.join(live, "rehearsal_override.tf"), provider_override(self.endpoint) +
                   'terraform {\n  backend "local" {}\n}\n')
        self.tofu(live, "elsewhere-init", "init", "-no-color")
        log = os.path.join(self.scratch, "logs", "elsewhere-plan.log")
        code = self.tofu(live, "elsewhere-plan", "plan", "-no-color", "-var", "account_id=" + self.account_id,
                         "-var", "app_version=0000000", accept=(0, 1, 2))
        with open(log) as source:
            print(source.read())
        return code


# ------------------------------------------------------------ allow-list

def load_allowlist(path=ALLOWLIST):
    """(resource type, attribute) pairs a second plan may still change."""
    allowed = set()
    with open(path) as source:
        for number, line in enumerate(source, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split(None, 2)
            if len(fields) < 3:
                raise SystemExit("%s:%d: want 'resource_type attribute reason'" % (path, number))
            allowed.add((fields[0], fields[1]))
    return allowed


def changed_attributes(change):
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    return sorted(k for k in set(before) | set(after) | set(unknown)
                  if before.get(k) != after.get(k) or unknown.get(k) is True)


def unexplained_changes(plan, allowed):
    """Lines naming each change of the plan that the allow-list does not cover."""
    left = []
    for resource in plan.get("resource_changes", []):
        change = resource.get("change", {})
        actions = change.get("actions", [])
        if actions in (["no-op"], ["read"]):
            continue
        if actions != ["update"]:
            left.append("%s: %s" % (resource["address"], "/".join(actions)))
            continue
        for attribute in changed_attributes(change):
            if (resource["type"], attribute) not in allowed:
                left.append("%s: %s" % (resource["address"], attribute))
    return left


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["apply", "replan", "refresh", "plan-elsewhere"])
    parser.add_argument("--env", required=True, choices=["dev", "prod"])
    parser.add_argument("--account-id", required=True)
    parser.add_argument("--endpoint", required=True, help="the emulated account's URL")
    parser.add_argument("--credentials", required=True, help="AWS shared credentials file")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--app-version", help="git SHA (apply, replan)")
    parser.add_argument("--infra", default=os.path.join(ROOT, "infra"))
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args(argv)
    account = Account(args)
    try:
        if args.command in ("apply", "replan", "refresh"):
            if not args.app_version:
                parser.error("%s needs --app-version" % args.command)
            if args.command == "apply":
                account.apply(args.infra)
            elif args.command == "refresh":
                account.refresh()
            else:
                account.replan(args.infra)
        else:
            sys.exit(0 if account.plan_elsewhere(args.infra) == 0 else 1)
    except Failed as error:
        print("terraform (%s): %s" % (args.env, error), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
