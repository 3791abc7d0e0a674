# What a release is signed with, in one account: an asymmetric KMS key
# (ECC_NIST_P256, SIGN_VERIFY) whose private half never leaves KMS, and a
# repository for the signatures and attestations cosign attaches to the
# image's digest.
#
# Key policy: the account administers the key and anyone in the account may
# read its public key (IAM decides who, as for any key); only the roles in
# signer_role_arns may sign. The account root is deliberately not granted
# kms:Sign, so no IAM policy in the account can hand signing to anyone else.
# The administrative actions are the calls the AWS provider makes on the key
# and its alias over their life cycle (reading a key includes
# GetKeyRotationStatus, even for an asymmetric key; the alias needs
# CreateAlias/UpdateAlias/DeleteAlias on the key): AWS checks the key policy
# first, so a missing one locks Terraform out of that step.
#
# Signatures live beside the image repository, not in it: cosign writes them
# as tags (sha256-<digest>.sig / .att) and appends to them, which the image
# repository's immutable tags would refuse after the first write. Their
# integrity does not rest on the tags: a replaced or deleted signature only
# makes verification fail. Same key as the images for encryption at rest.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; signing is limited to the named roles.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself, not every resource.
  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; the account administers its own key.
  statement {
    sid = "AccountAdministers"
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:EnableKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  statement {
    sid       = "AccountReadsThePublicKey"
    actions   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Verify"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  statement {
    sid       = "OnlyTheSignersSign"
    actions   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.signer_role_arns
    }
  }
}

resource "aws_kms_key" "this" {
  #checkov:skip=CKV_AWS_7:Asymmetric keys cannot rotate automatically; a new key means a new public key for verifiers.
  description              = "Signs the images and attestations of ${var.name}"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  deletion_window_in_days  = var.deletion_window_in_days
  policy                   = data.aws_iam_policy_document.key.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}/signing"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_ecr_repository" "signatures" {
  #checkov:skip=CKV_AWS_51:cosign appends to its sha256-<digest>.sig/.att tags; the signatures, not the tags, carry the integrity.
  name                 = "${var.repository_name}-signatures"
  image_tag_mutability = "MUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.repository_kms_key_arn
  }

  tags = var.tags
}
