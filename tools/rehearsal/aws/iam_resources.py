"""What an ECS call authorizes on, for the emulated accounts' IAM.

moto's server checks the caller's policies against the action only: it names
the resource of S3 calls and passes "*" for everything else, so a statement
scoped to the wrong ARN, or to an ARN the action never authorizes on, still
allows (NOTES.md, "IAM enforcement works in moto's server"). AWS authorizes
each action on the resources of its own type, with its condition keys. For
the ECS actions the GitHub roles use (modules/github_oidc), ECS_ACTIONS says
which, and check_ecs_call evaluates the caller's policies on each resource
as AWS does: an explicit Deny wins, otherwise one Allow must apply, and a
statement applies only when its Action, Resource and Condition all match.

patch_ecs_authorization installs it in moto's request check at start-up
(emulated_account.py); arn_like is IAM's ArnLike/ArnEquals operator, which
emulated_account.condition_matches uses.

What it deliberately does not do: other services' calls (they keep the
action-only check), resource-based policies, permission boundaries, session
policies, organisations' SCPs.
"""

import json
import re

# Amazon ECS in AWS's Service Authorization Reference ("Actions, resources,
# and condition keys for Amazon Elastic Container Service") and the ECS
# Developer Guide's identity-based policy examples:
#   resource  the resource type the action authorizes on, named by the
#             request field (one name/ARN or a list); None: the action
#             supports no resource-level permission, AWS evaluates it on "*",
#             so only a statement with Resource "*" applies;
#   cluster   the request names a cluster: ecs:cluster (its ARN) is in the
#             request context.
# ListTasks: the reference lists container-instance, which a Fargate task
# never has; a policy scoped to task or container-instance ARNs is refused,
# what works is Resource "*" with ecs:cluster (ArnEquals the cluster's ARN).
ECS_ACTIONS = {
    "ListTasks": {"resource": None, "cluster": True},
    "DescribeTasks": {"resource": ("task", "tasks"), "cluster": True},
    "DescribeServices": {"resource": ("service", "services"), "cluster": True},
    "UpdateService": {"resource": ("service", "service"), "cluster": True},
    "RegisterTaskDefinition": {"resource": None, "cluster": False},
    "DescribeTaskDefinition": {"resource": None, "cluster": False},
}


def _glob(pattern, value, ignore_case=False):
    """IAM's wildcards: * any run of characters, ? one; nothing else is special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, value, flags) is not None


def arn_like(pattern, arn):
    """ArnLike/ArnEquals: the six colon-separated parts are matched one by
    one, each may hold * and ?."""
    want, got = pattern.split(":", 5), arn.split(":", 5)
    return len(want) == len(got) == 6 and all(_glob(w, g) for w, g in zip(want, got))


def _ecs_arn(region, account, kind, path):
    return "arn:aws:ecs:%s:%s:%s/%s" % (region, account, kind, path)


def _named(value, region, account, kind, cluster_name):
    """A request's name, id or ARN of a task or service, as its ARN."""
    if value.startswith("arn:"):
        return value
    return _ecs_arn(region, account, kind, "%s/%s" % (cluster_name, value))


def request_resources(action, body, account, region):
    """[(resource ARN or "*", {condition key: value})] an ECS call authorizes
    on; None for an action not in ECS_ACTIONS."""
    rule = ECS_ACTIONS.get(action)
    if rule is None:
        return None
    cluster = body.get("cluster") or "default"
    cluster_arn = cluster if cluster.startswith("arn:") else _ecs_arn(region, account, "cluster", cluster)
    keys = {"ecs:cluster": cluster_arn} if rule["cluster"] else {}
    if rule["resource"] is None:
        return [("*", keys)]
    kind, field = rule["resource"]
    names = body.get(field) or []
    names = [names] if isinstance(names, str) else names
    if not names:
        return [("*", keys)]  # a malformed call: allowed only where "*" is
    cluster_name = cluster_arn.rsplit("/", 1)[-1]
    return [(_named(n, region, account, kind, cluster_name), keys) for n in names]


def _listed(value):
    return value if isinstance(value, list) else [value]


def _element_matches(statement, positive, negative, value, ignore_case):
    """Action/NotAction or Resource/NotResource of a statement against one value."""
    if negative in statement:
        return not any(_glob(p, value, ignore_case) for p in _listed(statement[negative]))
    return any(_glob(p, value, ignore_case) for p in _listed(statement.get(positive, [])))


def _statements(document):
    return _listed(document.get("Statement", []))


def authorizes(documents, action, resource, context, conditions_match):
    """AWS's evaluation of identity policies for one action on one resource:
    False on an explicit Deny, else True when an Allow applies."""
    allowed = False
    for document in documents:
        for statement in _statements(document):
            if not (_element_matches(statement, "Action", "NotAction", action, True)
                    and _element_matches(statement, "Resource", "NotResource", resource, False)
                    and conditions_match(statement.get("Condition"), context)):
                continue
            if statement.get("Effect") != "Allow":
                return False
            allowed = True
    return allowed


def check_ecs_call(documents, action, body, account, region, context, conditions_match):
    """None when the call is authorized on every resource it names; else the
    first resource refused. `action` is "ecs:Name"; None too for an action
    not in ECS_ACTIONS (not ours to check)."""
    resources = request_resources(action.split(":", 1)[1], body, account, region)
    for resource, keys in resources or []:
        if not authorizes(documents, action, resource, dict(context, **keys), conditions_match):
            return resource
    return None


def patch_ecs_authorization(conditions_match, request_context):
    """Gap: moto authorizes ECS calls on the action alone. Here each call of
    ECS_ACTIONS is authorized on its resources and condition keys; a refusal
    says which resource, as AWS's AccessDenied does."""
    from moto.core.exceptions import AccessDeniedError
    from moto.iam import access_control as ac

    original = ac.IAMRequestBase.check_action_permitted

    def check_action_permitted(self, resource):
        service, _, name = self._action.partition(":")
        if service != "ecs" or name not in ECS_ACTIONS:
            return original(self, resource)
        body = json.loads(self._body or b"{}")
        documents = [ac.IAMPolicy(p)._policy_json for p in self._access_key.collect_policies()]
        refused = check_ecs_call(documents, self._action, body, self.account_id, self._region,
                                 request_context, conditions_match)
        if refused is not None:
            raise AccessDeniedError(user_arn=self._access_key.arn,
                                    action="%s on resource: %s" % (self._action, refused))
        return None

    ac.IAMRequestBase.check_action_permitted = check_action_permitted
