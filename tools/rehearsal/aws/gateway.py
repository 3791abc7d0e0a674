"""The rehearsal's API Gateway, configured from what Terraform created.

  gateway.py describe --endpoint URL --credentials FILE --outputs FILE --out FILE
      Reads one emulated account back through the AWS API (API Gateway:
      the REST API, its stage, every resource and method with
      apiKeyRequired, the usage plan's throttle and quota, the key's value;
      ECR: the repository; ECS: the cluster and service), writes it as
      JSON and prints a one-line summary. Terraform's outputs say which API, key, cluster and service are
      ours; their properties come from the API, never from constants.
  gateway.py nginx --account FILE... --port P --slots ENV=P1,P2,... --state-dir DIR
      Renders nginx.conf standing in for those stages: the stage prefix is
      stripped; a route answers only its methods (any other method, and any
      path with no route, gets API Gateway's 403 "Missing Authentication
      Token"); a method with apiKeyRequired needs a key of the stage's usage
      plan (403 "Forbidden" otherwise) and is throttled per key at the plan's
      rate and burst (429). Upstreams are the stage's task slots (the NLB's
      targets). The daily quota is not emulated.

Python with boto3 from the bootstrap virtualenv.
"""

import argparse
import json
import os
import re
import sys


def client(service, args):
    import boto3

    session = boto3.session.Session(region_name=args.region)
    return session.client(service, endpoint_url=args.endpoint)


def describe(args):
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = args.credentials  # the account's admin
    with open(args.outputs) as source:
        outputs = {name: value["value"] for name, value in json.load(source).items()}
    apigw = client("apigateway", args)
    # The invoke URL names the API and the stage: https://<api id>.execute-api.<region>.amazonaws.com/<stage>
    match = re.match(r"^https://([a-z0-9]+)\.execute-api\.[^/]+/([^/]+)$", outputs["api_invoke_url"])
    if not match:
        raise SystemExit("gateway: api_invoke_url %r is not an API Gateway invoke URL" % outputs["api_invoke_url"])
    api_id, stage_name = match.groups()
    stage = apigw.get_stage(restApiId=api_id, stageName=stage_name)
    routes = []
    for resource in apigw.get_resources(restApiId=api_id, embed=["methods"], limit=500)["items"]:
        methods = {name: {"api_key_required": bool(method.get("apiKeyRequired"))}
                   for name, method in (resource.get("resourceMethods") or {}).items()}
        if methods:
            routes.append({"path": resource["path"], "methods": methods})
    plans = [p for p in apigw.get_usage_plans(keyId=outputs["api_key_id"])["items"]
             if any(s["apiId"] == api_id and s["stage"] == stage_name for s in p.get("apiStages", []))]
    if len(plans) != 1:
        raise SystemExit("gateway: want one usage plan for %s/%s with the key, found %d" % (api_id, stage_name, len(plans)))
    key = apigw.get_api_key(apiKey=outputs["api_key_id"], includeValue=True)
    repositories = client("ecr", args).describe_repositories()["repositories"]
    repository = [r for r in repositories if r["repositoryUri"] == outputs["ecr_repository_url"]]
    signatures = [r for r in repositories if r["repositoryUri"] == outputs["signatures_repository_url"]]
    kms = client("kms", args)
    signing_key = kms.describe_key(KeyId=outputs["signing_key_arn"])["KeyMetadata"]
    ecs = client("ecs", args)
    services = ecs.describe_services(cluster=outputs["ecs_cluster_name"],
                                     services=[outputs["ecs_service_name"]])["services"]
    if not repository or not signatures or not services:
        raise SystemExit("gateway: a repository or the service of the outputs is not in the account")
    if (signing_key["KeySpec"], signing_key["KeyUsage"]) != ("ECC_NIST_P256", "SIGN_VERIFY"):
        raise SystemExit("gateway: the signing key is %s/%s, not ECC_NIST_P256/SIGN_VERIFY"
                         % (signing_key["KeySpec"], signing_key["KeyUsage"]))
    description = {
        "api_id": api_id, "stage": stage["stageName"], "routes": routes,
        "throttle": plans[0].get("throttle", {}), "quota": plans[0].get("quota", {}),
        "usage_plan": plans[0]["name"], "api_key": key["value"], "api_key_enabled": key["enabled"],
        "ecr_repository": repository[0]["repositoryName"], "ecr_repository_url": repository[0]["repositoryUri"],
        "signatures_repository": signatures[0]["repositoryName"],
        "signatures_repository_url": signatures[0]["repositoryUri"],
        "signing_key_uri": outputs["signing_key_uri"], "signing_key_arn": signing_key["Arn"],
        "cluster": services[0]["clusterArn"].split("/")[-1], "service": services[0]["serviceName"],
        "task_definition_family": outputs["task_definition_family"],
        "deploy_role_arn": outputs["deploy_role_arn"],
        "ecr_reader_role_arn": outputs.get("ecr_reader_role_arn"),
        "drift_role_arn": outputs.get("drift_role_arn"),
    }
    with open(args.out, "w") as out:
        json.dump(description, out, indent=2)
    print("    stage /%s, %d routes, usage plan %s r/s burst %s, repository %s, service %s/%s" % (
        description["stage"], len(routes), description["throttle"].get("rateLimit"),
        description["throttle"].get("burstLimit"), description["ecr_repository"],
        description["cluster"], description["service"]))


# ----------------------------------------------------------------- nginx

def route_regex(path):
    """An API Gateway resource path as an nginx regex (stage prefix apart)."""
    parts = []
    for segment in path.strip("/").split("/"):
        if not segment:
            continue
        if re.fullmatch(r"\{[A-Za-z0-9_]+\+\}", segment):
            parts.append(".+")
        elif re.fullmatch(r"\{[A-Za-z0-9_]+\}", segment):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment).replace("/", "\\/"))
    return "/" + "/".join(parts)


def route_order(route):
    """API Gateway prefers a literal path to a greedy one, a longer prefix to
    a shorter one; nginx takes regex locations in order, so sort that way."""
    greedy = route["path"].endswith("+}")
    return (greedy, -len(route["path"]))


METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
MISSING_TOKEN = "return 403 '{\"message\":\"Missing Authentication Token\"}\\n';"


def location(stage, burst, route):
    methods = route["methods"]
    allowed = METHODS if "ANY" in methods else sorted(methods)
    keyed = sorted(m for m, v in methods.items() if v["api_key_required"])
    lines = ["    # %s %s" % ("|".join(sorted(methods)), route["path"]),
             "    location ~ ^/%s(?<route>%s)$ {" % (stage, route_regex(route["path"])),
             "      set $stage %s;" % stage]
    if "ANY" not in methods:
        lines.append("      if ($request_method !~ ^(%s)$) { %s }" % ("|".join(allowed), MISSING_TOKEN))
    if keyed:
        # A key is needed (for every method, or ANY): 403 without the stage's key.
        if "ANY" in keyed or set(keyed) == set(allowed):
            lines.append("      if ($key_state != \"valid\") { return 403 '{\"message\":\"Forbidden\"}\\n'; }")
        else:
            lines.append("      set $needs_key \"$request_method:$key_state\";")
            for method in keyed:
                lines.append("      if ($needs_key ~ ^%s:(?!valid)) { return 403 '{\"message\":\"Forbidden\"}\\n'; }" % method)
        lines += ["      limit_req zone=plan_%s burst=%d nodelay;" % (stage, burst),
                  "      error_page 429 = @throttled;"]
    lines += ["      rewrite ^/[^/]+(/.*)$ $1 break;",
              "      proxy_pass http://%s;" % stage,
              "    }"]
    return lines


def nginx(args):
    accounts = []
    for path in args.account:
        with open(path) as source:
            accounts.append(json.load(source))
    slots = dict(item.split("=", 1) for item in args.slots)
    state = os.path.abspath(args.state_dir)
    out = ["# Generated by tools/rehearsal/aws/gateway.py from the emulated accounts' API",
           "# Gateway (what Terraform created). Do not edit.",
           "worker_processes 1;", "pid %s/nginx.pid;" % state, "error_log %s/error.log warn;" % state,
           "daemon off;", "events { worker_connections 1024; }", "http {"]
    out += ["  %s_temp_path %s/tmp/%s;" % (kind, state, kind.split("_")[0])
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
    out += ["  server_tokens off;",
            "  proxy_max_temp_file_size 0;",
            "  client_body_buffer_size 128k;",
            "  log_format gateway escape=json '{\"time\":\"$time_iso8601\",\"requestId\":\"$request_id\",'",
            "    '\"stage\":\"$stage\",\"method\":\"$request_method\",\"path\":\"$request_uri\",'",
            "    '\"status\":$status,\"bytes\":$body_bytes_sent,\"latencyMs\":$request_time,'",
            "    '\"apiKey\":\"$key_state\",\"userAgent\":\"$http_user_agent\"}';",
            "  access_log %s/access.log gateway;" % state,
            "  # Each stage's VPC link to its NLB: the target group's slots. A slot",
            "  # with no task refuses at once and the request goes to the next one, as",
            "  # the NLB skips an unhealthy target; max_fails=0 never parks a slot.",
            "  proxy_next_upstream error timeout;",
            "  proxy_next_upstream_tries 0;"]
    keys = []
    for account in accounts:
        stage = account["stage"]
        ports = slots[stage].split(",")
        out.append("  upstream %s { %s keepalive 16; }" % (
            stage, " ".join("server 127.0.0.1:%s max_fails=0;" % p for p in ports)))
        rate = account["throttle"].get("rateLimit", 0)
        out.append("  # Usage plan %s: %s requests/s, burst %s, per API key." % (
            account["usage_plan"], rate, account["throttle"].get("burstLimit", 0)))
        out.append("  limit_req_zone $http_x_api_key zone=plan_%s:1m rate=%dr/s;" % (stage, max(1, int(rate))))
        if account.get("api_key_enabled", True):
            keys.append('"%s:%s" valid;' % (stage, account["api_key"]))
    out += ["  map \"$stage:$http_x_api_key\" $key_state {",
            "    default invalid;", "    \"~^[^:]*:$\" missing;"]
    out += ["    %s" % k for k in keys]
    out += ["  }", "  limit_req_status 429;", "",
            "  server {", "    listen 127.0.0.1:%d;" % args.port, "    default_type application/json;",
            "    set $stage \"\";", "    proxy_http_version 1.1;", "    proxy_set_header Connection \"\";",
            "    proxy_set_header X-Request-Id $request_id;"]
    for account in accounts:
        burst = int(account["throttle"].get("burstLimit", 0))
        for route in sorted(account["routes"], key=route_order):
            out += location(account["stage"], burst, route)
    out += ["    location @throttled { return 429 '{\"message\":\"Too Many Requests\"}\\n'; }",
            "    # No route (or no such stage): API Gateway answers before any integration.",
            "    location / { %s }" % MISSING_TOKEN, "  }", "}", ""]
    sys.stdout.write("\n".join(out))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("describe", help="read one account back, write JSON")
    d.add_argument("--endpoint", required=True)
    d.add_argument("--credentials", required=True)
    d.add_argument("--region", default="eu-west-1")
    d.add_argument("--outputs", required=True, help="tofu output -json of the live tree")
    d.add_argument("--out", required=True)
    d.set_defaults(run=describe)
    n = commands.add_parser("nginx", help="render nginx.conf for the accounts' stages")
    n.add_argument("--account", action="append", required=True, help="a describe JSON (repeat)")
    n.add_argument("--port", type=int, required=True)
    n.add_argument("--slots", action="append", required=True, help="STAGE=PORT,PORT,...")
    n.add_argument("--state-dir", required=True)
    n.set_defaults(run=nginx)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
