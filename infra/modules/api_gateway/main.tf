# The public face of the service: a REST API whose every route is an
# HTTP_PROXY integration through a VPC Link to the internal NLB. Four routes
# are public (GET /health, /docs, /docs/{proxy+}, /openapi.json); everything
# else is ANY /{proxy+} and needs an API key of the usage plan, which
# throttles and sets a daily quota. Access logs are JSON lines carrying API
# Gateway's request ids; execution logs go to a log group this module owns.
# The gateway's request id is sent to the service as X-Request-Id, so its log
# lines and the gateway's share one id.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  backend = "http://${var.nlb_dns_name}:${var.nlb_listener_port}"

  # Every integration sends the gateway's request id as X-Request-Id.
  request_id_header = {
    "integration.request.header.X-Request-Id" = "context.requestId"
  }
  proxy_parameters = merge(local.request_id_header, {
    "integration.request.path.proxy" = "method.request.path.proxy"
  })

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    ip                 = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    apiKeyId           = "$context.identity.apiKeyId"
    requestTime        = "$context.requestTime"
    httpMethod         = "$context.httpMethod"
    resourcePath       = "$context.resourcePath"
    path               = "$context.path"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationStatus  = "$context.integration.status"
    integrationLatency = "$context.integration.latency"
    errorMessage       = "$context.error.message"
  })
}

resource "aws_api_gateway_rest_api" "this" {
  name           = var.name
  description    = "${var.name}: the API service behind an internal NLB"
  api_key_source = "HEADER"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_vpc_link" "this" {
  name        = var.name
  description = "${var.name}: API Gateway to the internal NLB"
  target_arns = [var.nlb_arn]

  tags = var.tags
}

# ------------------------------------------------------------- resources

resource "aws_api_gateway_resource" "health" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "health"
}

resource "aws_api_gateway_resource" "docs" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "docs"
}

resource "aws_api_gateway_resource" "docs_proxy" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.docs.id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_resource" "openapi" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "openapi.json"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "{proxy+}"
}

# --------------------------------------------------------------- methods

resource "aws_api_gateway_method" "health" {
  #checkov:skip=CKV_AWS_59:GET /health is public by design (smoke tests and monitoring call it without a key).
  #checkov:skip=CKV2_AWS_53:GET carries no body to validate.
  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.health.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = false
}

resource "aws_api_gateway_method" "docs" {
  #checkov:skip=CKV_AWS_59:GET /docs (Swagger UI) is public by design.
  #checkov:skip=CKV2_AWS_53:GET carries no body to validate.
  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.docs.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = false
}

resource "aws_api_gateway_method" "docs_proxy" {
  #checkov:skip=CKV_AWS_59:GET /docs/{proxy+} (Swagger UI's assets) is public by design.
  #checkov:skip=CKV2_AWS_53:GET carries no body to validate.
  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.docs_proxy.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = false

  request_parameters = {
    "method.request.path.proxy" = true
  }
}

resource "aws_api_gateway_method" "openapi" {
  #checkov:skip=CKV_AWS_59:GET /openapi.json is public by design (the docs page loads it).
  #checkov:skip=CKV2_AWS_53:GET carries no body to validate.
  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.openapi.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = false
}

resource "aws_api_gateway_method" "proxy" {
  #checkov:skip=CKV2_AWS_53:The service validates every body itself and answers 400/413/415/422 as problem documents; a gateway model would duplicate it.
  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.proxy.id
  http_method      = "ANY"
  authorization    = "NONE"
  api_key_required = true

  request_parameters = {
    "method.request.path.proxy" = true
  }
}

# ---------------------------------------------------------- integrations

resource "aws_api_gateway_integration" "health" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.health.id
  http_method             = aws_api_gateway_method.health.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "${local.backend}/health"
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.this.id
  request_parameters      = local.request_id_header
}

resource "aws_api_gateway_integration" "docs" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.docs.id
  http_method             = aws_api_gateway_method.docs.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "${local.backend}/docs"
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.this.id
  request_parameters      = local.request_id_header
}

resource "aws_api_gateway_integration" "docs_proxy" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.docs_proxy.id
  http_method             = aws_api_gateway_method.docs_proxy.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "${local.backend}/docs/{proxy}"
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.this.id
  request_parameters      = local.proxy_parameters
}

resource "aws_api_gateway_integration" "openapi" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.openapi.id
  http_method             = aws_api_gateway_method.openapi.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "${local.backend}/openapi.json"
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.this.id
  request_parameters      = local.request_id_header
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "${local.backend}/{proxy}"
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.this.id
  request_parameters      = local.proxy_parameters
}

# ------------------------------------------------------ deployment, stage

# A new deployment whenever a route changes: any resource, method or
# integration, by the arguments this module sets (api_key_required counts
# too); the new one exists before the old one goes, so the stage never
# points at none. Arguments, not whole objects: a whole object also carries
# what the provider reads back after apply (an unset optional map comes back
# as {}), which made every plan after an apply replace the deployment.
resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "${var.name} routes"

  triggers = {
    redeployment = sha1(jsonencode({
      resources = [for r in [
        aws_api_gateway_resource.health,
        aws_api_gateway_resource.docs,
        aws_api_gateway_resource.docs_proxy,
        aws_api_gateway_resource.openapi,
        aws_api_gateway_resource.proxy,
      ] : [r.id, r.parent_id, r.path_part]]
      methods = [for m in [
        aws_api_gateway_method.health,
        aws_api_gateway_method.docs,
        aws_api_gateway_method.docs_proxy,
        aws_api_gateway_method.openapi,
        aws_api_gateway_method.proxy,
        ] : [m.id, m.http_method, m.authorization, m.api_key_required,
      m.request_parameters == null ? {} : m.request_parameters]]
      integrations = [for i in [
        aws_api_gateway_integration.health,
        aws_api_gateway_integration.docs,
        aws_api_gateway_integration.docs_proxy,
        aws_api_gateway_integration.openapi,
        aws_api_gateway_integration.proxy,
        ] : [i.id, i.type, i.integration_http_method, i.uri, i.connection_type, i.connection_id,
      i.request_parameters == null ? {} : i.request_parameters]]
    }))
  }

  lifecycle {
    create_before_destroy = true
  }
}

module "logs_key" {
  source = "../kms_key"

  alias                 = "${var.name}/apigw-logs"
  description           = "${var.name} API Gateway access and execution logs"
  allow_cloudwatch_logs = true
  tags                  = var.tags
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_key.key_arn

  tags = var.tags
}

# The name API Gateway writes execution logs to; owning it sets their
# retention and key.
resource "aws_cloudwatch_log_group" "execution" {
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_key.key_arn

  tags = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:No response caching: every answer carries its own request id and /v1 answers are per request.
  #checkov:skip=CKV2_AWS_51:The backend is reached only through the VPC Link to an internal NLB; a client certificate authenticates nothing more there.
  #checkov:skip=CKV2_AWS_29:No WAF web ACL yet: the usage plan throttles and sets a quota; a WAF is a separate, paid decision.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags

  depends_on = [
    aws_api_gateway_account.this,
    aws_cloudwatch_log_group.execution,
  ]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:No response caching (see the stage).
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = var.execution_logging_level
    data_trace_enabled     = false
    throttling_rate_limit  = var.throttle_rate_limit
    throttling_burst_limit = var.throttle_burst_limit
  }
}

# --------------------------------------------- CloudWatch role (account)

data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  name               = "${var.name}-apigateway-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cloudwatch" {
  role       = aws_iam_role.cloudwatch.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

# One per account and region: the role API Gateway writes logs with.
resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = aws_iam_role.cloudwatch.arn

  depends_on = [aws_iam_role_policy_attachment.cloudwatch]
}

# ----------------------------------------------- usage plan and API key

resource "aws_api_gateway_usage_plan" "this" {
  name        = var.name
  description = "${var.name}: API key holders of /{proxy+}"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = var.throttle_rate_limit
    burst_limit = var.throttle_burst_limit
  }

  quota_settings {
    limit  = var.quota_limit_per_day
    period = "DAY"
  }

  tags = var.tags
}

resource "aws_api_gateway_api_key" "this" {
  name        = var.name
  description = "${var.name}: key for the /v1 API"
  enabled     = true

  tags = var.tags
}

resource "aws_api_gateway_usage_plan_key" "this" {
  key_id        = aws_api_gateway_api_key.this.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this.id
}
