# GitHub Actions' way into this account: the OIDC provider and the roles its
# workflows assume. Each role trusts tokens for exactly one git ref of one
# repository, with the audience pinned to sts.amazonaws.com:
#   deploy      - deploy_ref (refs/heads/dev in dev, refs/tags/v* in prod):
#                 push the image to this account's repository, register a task
#                 definition, update the one service, pass its two roles;
#   ecr_reader  - ecr_reader_ref (refs/tags/v*, dev only): read the repository,
#                 so the release job copies the image proven in dev to prod.
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
