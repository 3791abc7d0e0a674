# The dev account: its provider, pinned to the account, and the one stack
# (infra/modules/stack) with dev's values. Everything dev and prod share is in
# the module; what is here is what makes this tree dev. The backend is in
# versions.tf (dev.s3.tfbackend passed at init); account_id and app_version
# (the git SHA) are passed at plan time.

provider "aws" {
  region              = local.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      Project     = local.project
      Environment = local.environment
      ManagedBy   = "terraform"
    }
  }
}

locals {
  project     = "civet-api"
  environment = "dev"
  region      = "eu-west-1" # also in dev.s3.tfbackend and bootstrap/terraform.tfvars (policy_test: equal)

  # The one record both trees read: the digest is never a variable or a tag.
  release = jsondecode(file("${path.module}/../release.json"))
}

module "stack" {
  source = "../../modules/stack"

  project      = local.project
  environment  = local.environment
  image_digest = local.release.image_digest
  app_version  = var.app_version

  vpc_cidr             = "10.10.0.0/16"
  azs                  = ["${local.region}a", "${local.region}b"]
  private_subnet_cidrs = ["10.10.1.0/24", "10.10.2.0/24"]
  desired_count        = 1

  throttle_rate_limit  = 20
  throttle_burst_limit = 40
  quota_limit_per_day  = 5000

  # Placeholders (as SOURCE_URL in project.bzl): set the real repository and
  # its ids before the first apply, see infra/README.md.
  github_org      = "example-org"
  github_repo     = "civet-api"
  github_owner_id = "900000000"
  github_repo_id  = "900000001"
  deploy_ref      = "refs/heads/dev"
  ecr_reader_ref  = "refs/tags/v*" # the release job copies the image proven here

  # drift.yml on the default branch reads this account with the drift role:
  # the state as dev.s3.tfbackend names it (policy_test: equal).
  drift_ref        = "refs/heads/main"
  state_bucket     = "civet-api-dev-tfstate"
  state_key        = "live/dev/terraform.tfstate"
  state_lock_table = "civet-api-dev-tflock"

  # An account that already has GitHub's OIDC provider passes
  # -var create_oidc_provider=false -var oidc_provider_arn=ARN.
  create_oidc_provider = var.create_oidc_provider
  oidc_provider_arn    = var.oidc_provider_arn
}
