# A root module for //infra:tofu_test's plan cases: modules/github_oidc with
# GitHub's documented example repository (octo-org@123/octo-repo@456), planned
# offline (no account: fake keys, every AWS call skipped; the module's data
# sources are policy documents, computed locally). The test copies it beside
# its copy of infra/, so the source below resolves.

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.46, < 6.0"
    }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "plan-only"
  secret_key                  = "plan-only"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variable "create_oidc_provider" {
  description = "Passed to the module."
  type        = bool
}

variable "oidc_provider_arn" {
  description = "Passed to the module."
  type        = string
  default     = null
}

variable "state_bucket" {
  description = "Passed to the module (the drift role's state bucket); empty passes null."
  type        = string
  default     = "civet-api-dev-tfstate"
}

module "github_oidc" {
  source = "../infra/modules/github_oidc"

  name                   = "civet-api-dev"
  github_org             = "octo-org"
  github_repo            = "octo-repo"
  github_owner_id        = "123"
  github_repo_id         = "456"
  subject_format         = "repo:{org}@{owner_id}/{repo}@{repo_id}:ref:{ref}"
  create_oidc_provider   = var.create_oidc_provider
  oidc_provider_arn      = var.oidc_provider_arn
  deploy_ref             = "refs/heads/main"
  drift_ref              = "refs/heads/main"
  state_bucket           = var.state_bucket == "" ? null : var.state_bucket
  state_key              = "live/dev/terraform.tfstate"
  state_lock_table       = "civet-api-dev-tflock"
  ecr_repository_arn     = "arn:aws:ecr:eu-west-1:111111111111:repository/civet-api-dev"
  ecs_cluster_arn        = "arn:aws:ecs:eu-west-1:111111111111:cluster/civet-api-dev"
  ecs_service_arn        = "arn:aws:ecs:eu-west-1:111111111111:service/civet-api-dev/api"
  task_definition_family = "civet-api-dev"
  passable_role_arns     = ["arn:aws:iam::111111111111:role/civet-api-dev-task"]
}
