# GitHub Actions' way into this account: the OIDC provider and the roles its
# workflows assume. Each role trusts tokens for exactly one git ref of one
# repository, with the audience pinned to sts.amazonaws.com:
#   deploy      - deploy_ref (refs/heads/dev in dev, refs/tags/v* in prod):
#                 push the image to this account's repository, register a task
#                 definition, update the one service, pass its two roles;
#   ecr_reader  - ecr_reader_ref (refs/tags/v*, dev only): read the repository,
#                 so the release job copies the image proven in dev to prod;
#   drift       - drift_ref (the default branch) and only drift_workflow
#                 (the job_workflow_ref claim): read what a plan refreshes,
#                 the state and its digest, the registries and the running
#                 tasks; write nothing (no action that writes is granted).
# With signing_key_arn, the deploy role also signs with that key and writes
# the signatures repository; the reader reads the key's public half and the
# signatures, so a release verifies what dev signed before promoting it.
# Policies name resource ARNs; the only "*" resources are the actions AWS
# cannot scope: ecs:RegisterTaskDefinition, ecs:DescribeTaskDefinition (the
# deploy reads the running revision as its template) and
# ecr:GetAuthorizationToken, and ecs:ListTasks, which authorizes on the
# cluster through the ecs:cluster condition key, never on a task ARN.
# Resource types from AWS's Service Authorization Reference for ECS:
# DescribeServices/UpdateService on the service, DescribeTasks on tasks.

locals {
  issuer   = "token.actions.githubusercontent.com"
  audience = "sts.amazonaws.com"

  provider_arn = var.create_oidc_provider ? one(aws_iam_openid_connect_provider.github[*].arn) : var.oidc_provider_arn

  subject_base = replace(replace(replace(replace(var.subject_format,
    "{org}", var.github_org), "{repo}", var.github_repo),
    "{owner_id}", coalesce(var.github_owner_id, "{owner_id}")),
  "{repo_id}", coalesce(var.github_repo_id, "{repo_id}"))

  task_arns = "${replace(var.ecs_cluster_arn, ":cluster/", ":task/")}/*"

  # arn:<partition>:ecs:<region>:<account>:cluster/<name>: where this stack lives.
  cluster_arn_parts = split(":", var.ecs_cluster_arn)
  partition         = local.cluster_arn_parts[1]
  region            = local.cluster_arn_parts[3]
  account_id        = local.cluster_arn_parts[4]

  drift            = var.drift_ref != null
  state_bucket_arn = "arn:${local.partition}:s3:::${coalesce(var.state_bucket, "none")}"

  # The job_workflow_ref claim of drift.yml's jobs: OWNER/REPO/<path>@<ref>.
  drift_workflow_ref = "${var.github_org}/${var.github_repo}/${var.drift_workflow}@${coalesce(var.drift_ref, "none")}"

  ecr_pull_actions = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:DescribeImages",
    "ecr:GetDownloadUrlForLayer",
  ]
}

# One per account and issuer URL: an account that already trusts GitHub
# passes create_oidc_provider = false and its provider's ARN.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.issuer}"
  client_id_list  = [local.audience]
  thumbprint_list = var.thumbprints

  tags = var.tags
}

# ------------------------------------------------------------ deploy role

data "aws_iam_policy_document" "deploy_trust" {
  lifecycle {
    precondition {
      condition     = var.create_oidc_provider ? var.oidc_provider_arn == null : var.oidc_provider_arn != null
      error_message = "Set oidc_provider_arn (the account's existing GitHub OIDC provider) exactly when create_oidc_provider is false."
    }
  }

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = [local.audience]
    }

    # StringEquals for one branch, StringLike only for a tag pattern.
    condition {
      test     = strcontains(var.deploy_ref, "*") ? "StringLike" : "StringEquals"
      variable = "${local.issuer}:sub"
      values   = [replace(local.subject_base, "{ref}", var.deploy_ref)]
    }
  }
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid = "PushToTheRepository"
    actions = concat(local.ecr_pull_actions, [
      "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ])
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid = "RegistryLogin"
    # Supports no resource-level permission.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "TaskDefinitions"
    # Neither supports resource-level permissions.
    actions   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "UpdateTheService"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [var.ecs_service_arn]
  }

  statement {
    sid       = "DescribeTheTasks"
    actions   = ["ecs:DescribeTasks"]
    resources = [local.task_arns]
  }

  statement {
    sid = "ListTheTasks"
    # Authorizes on no task ARN: "*", narrowed to the one cluster.
    actions   = ["ecs:ListTasks"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  dynamic "statement" {
    for_each = var.signing_key_arn == null ? [] : [1]

    content {
      sid       = "SignWithTheAccountsKey"
      actions   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
      resources = [var.signing_key_arn]
    }
  }

  dynamic "statement" {
    for_each = var.signatures_repository_arn == null ? [] : [1]

    content {
      sid = "WriteTheSignatures"
      actions = concat(local.ecr_pull_actions, [
        "ecr:CompleteLayerUpload",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
      ])
      resources = [var.signatures_repository_arn]
    }
  }

  statement {
    sid       = "PassTheTaskRoles"
    actions   = ["iam:PassRole"]
    resources = var.passable_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${var.name}-github-deploy"
  description          = "GitHub Actions of ${var.github_org}/${var.github_repo} at ${var.deploy_ref}: deploy ${var.task_definition_family}"
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust.json
  max_session_duration = var.max_session_duration

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !strcontains(local.subject_base, "{owner_id}") && !strcontains(local.subject_base, "{repo_id}")
      error_message = "subject_format uses {owner_id} or {repo_id}: set github_owner_id and github_repo_id (the repository's ids on GitHub)."
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy-${var.task_definition_family}"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

# -------------------------------------------------------- ECR reader role

data "aws_iam_policy_document" "ecr_reader_trust" {
  count = var.ecr_reader_ref == null ? 0 : 1

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = [local.audience]
    }

    condition {
      test     = strcontains(var.ecr_reader_ref, "*") ? "StringLike" : "StringEquals"
      variable = "${local.issuer}:sub"
      values   = [replace(local.subject_base, "{ref}", var.ecr_reader_ref)]
    }
  }
}

data "aws_iam_policy_document" "ecr_reader" {
  statement {
    sid       = "ReadTheRepository"
    actions   = local.ecr_pull_actions
    resources = compact([var.ecr_repository_arn, var.signatures_repository_arn])
  }

  dynamic "statement" {
    for_each = var.signing_key_arn == null ? [] : [1]

    content {
      sid       = "ReadThePublicKey"
      actions   = ["kms:DescribeKey", "kms:GetPublicKey"]
      resources = [var.signing_key_arn]
    }
  }

  statement {
    sid = "RegistryLogin"
    # Supports no resource-level permission.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "ecr_reader" {
  count = var.ecr_reader_ref == null ? 0 : 1

  name                 = "${var.name}-github-ecr-reader"
  description          = "GitHub Actions of ${var.github_org}/${var.github_repo} at ${var.ecr_reader_ref}: read the image repository"
  assume_role_policy   = data.aws_iam_policy_document.ecr_reader_trust[0].json
  max_session_duration = var.max_session_duration

  tags = var.tags
}

resource "aws_iam_role_policy" "ecr_reader" {
  count = var.ecr_reader_ref == null ? 0 : 1

  name   = "read-ecr"
  role   = aws_iam_role.ecr_reader[0].id
  policy = data.aws_iam_policy_document.ecr_reader.json
}

# ------------------------------------------------------------- drift role
# Assumed by drift.yml (schedule and workflow_dispatch on the default branch)
# to run `tofu plan -refresh-only -lock=false` and `tofu plan -lock=false`
# and the audit. Every action below reads; none writes, tags, signs, passes
# a role or registers anything. The trust pins sub to the default branch and
# job_workflow_ref to drift.yml on it (AWS STS condition key for GitHub's
# claim, since 2026-01): another workflow on the default branch (a push)
# gets no credentials. event_name is no condition key AWS offers; drift.yml
# triggers only on schedule and workflow_dispatch (workflows_test checks).

data "aws_iam_policy_document" "drift_trust" {
  count = local.drift ? 1 : 0

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = [local.audience]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = [replace(local.subject_base, "{ref}", var.drift_ref)]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:job_workflow_ref"
      values   = [local.drift_workflow_ref]
    }
  }
}

data "aws_iam_policy_document" "drift" {
  lifecycle {
    precondition {
      condition     = !local.drift || (var.state_bucket != null && var.state_key != null && var.state_lock_table != null)
      error_message = "drift_ref needs state_bucket, state_key and state_lock_table (the live tree's <env>.s3.tfbackend values)."
    }
  }

  # The S3 backend with -lock=false: the state object, the bucket listing
  # init does (workspaces), the state's digest in the lock table.
  statement {
    sid       = "ReadTheState"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_bucket_arn}/${coalesce(var.state_key, "none")}"]
  }

  statement {
    sid       = "ReadTheStateDigest"
    actions   = ["dynamodb:GetItem"]
    resources = ["arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${coalesce(var.state_lock_table, "none")}"]
  }

  # The state and the lock table are encrypted with the state key; it may
  # decrypt only through S3 and DynamoDB (kms:ViaService).
  statement {
    sid       = "DecryptTheStateThroughItsServices"
    actions   = ["kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com", "dynamodb.${local.region}.amazonaws.com"]
    }
  }

  # Reads AWS authorizes on no resource type (Service Authorization
  # Reference): the network, the load balancer, the key aliases.
  statement {
    sid = "DescribeWhatHasNoResourceLevelPermission"
    actions = [
      "ec2:DescribeFlowLogs",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribePrefixLists",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroupRules",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcEndpoints",
      "ec2:DescribeVpcs",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetGroups",
      "kms:ListAliases",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "DescribeTheVpcsAttributes"
    actions   = ["ec2:DescribeVpcAttribute"]
    resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc/*"]
  }

  statement {
    sid = "TaskDefinitionsAndRegistryLogin"
    # Neither supports resource-level permissions.
    actions   = ["ecs:DescribeTaskDefinition", "ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # API Gateway authorizes reads as GET on the resource's path.
  statement {
    sid     = "ReadTheApi"
    actions = ["apigateway:GET"]
    resources = [
      "arn:${local.partition}:apigateway:${local.region}::/account",
      "arn:${local.partition}:apigateway:${local.region}::/apikeys/*",
      "arn:${local.partition}:apigateway:${local.region}::/restapis/*",
      "arn:${local.partition}:apigateway:${local.region}::/tags/*",
      "arn:${local.partition}:apigateway:${local.region}::/usageplans/*",
      "arn:${local.partition}:apigateway:${local.region}::/vpclinks/*",
    ]
  }

  statement {
    sid = "ReadTheStacksRoles"
    actions = [
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListRolePolicies",
      "iam:ListRoleTags",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/${var.name}-*"]
  }

  statement {
    sid       = "ReadTheOidcProvider"
    actions   = ["iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags"]
    resources = [local.provider_arn]
  }

  statement {
    sid = "ReadTheKeys"
    actions = [
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:GetPublicKey",
      "kms:ListResourceTags",
    ]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"]
  }

  statement {
    sid       = "ReadTheLogGroups"
    actions   = ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  # The buckets of this stack (the NLB's access logs, the state): their
  # configuration, not their objects (the state object above is the one read).
  statement {
    sid = "ReadTheBucketsConfiguration"
    actions = [
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketLogging",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketOwnershipControls",
      "s3:GetBucketPolicy",
      "s3:GetBucketPublicAccessBlock",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketTagging",
      "s3:GetBucketVersioning",
      "s3:GetBucketWebsite",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:ListBucket",
    ]
    resources = ["arn:${local.partition}:s3:::${var.name}-*"]
  }

  statement {
    sid = "ReadTheRepositories"
    actions = concat(local.ecr_pull_actions, [
      "ecr:DescribeRepositories",
      "ecr:GetLifecyclePolicy",
      "ecr:ListTagsForResource",
    ])
    resources = compact([var.ecr_repository_arn, var.signatures_repository_arn])
  }

  statement {
    sid       = "ReadTheCluster"
    actions   = ["ecs:DescribeClusters"]
    resources = [var.ecs_cluster_arn]
  }

  statement {
    sid     = "ReadTheTags"
    actions = ["ecs:ListTagsForResource"]
    resources = [
      var.ecs_cluster_arn,
      var.ecs_service_arn,
      "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.task_definition_family}:*",
    ]
  }

  statement {
    sid       = "ReadTheService"
    actions   = ["ecs:DescribeServices"]
    resources = [var.ecs_service_arn]
  }

  statement {
    sid       = "DescribeTheTasks"
    actions   = ["ecs:DescribeTasks"]
    resources = [local.task_arns]
  }

  statement {
    sid = "ListTheTasks"
    # Authorizes on no task ARN: "*", narrowed to the one cluster.
    actions   = ["ecs:ListTasks"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }
}

resource "aws_iam_role" "drift" {
  count = local.drift ? 1 : 0

  name                 = "${var.name}-github-drift"
  description          = "GitHub Actions of ${var.github_org}/${var.github_repo}: ${var.drift_workflow} at ${var.drift_ref} only: read-only drift check"
  assume_role_policy   = data.aws_iam_policy_document.drift_trust[0].json
  max_session_duration = var.max_session_duration

  tags = var.tags
}

resource "aws_iam_role_policy" "drift" {
  count = local.drift ? 1 : 0

  name   = "read-only-drift"
  role   = aws_iam_role.drift[0].id
  policy = data.aws_iam_policy_document.drift.json
}
