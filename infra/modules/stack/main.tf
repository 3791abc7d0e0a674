# One account's whole stack, composed of the other modules and nothing else:
# the part dev and prod share. A live tree (infra/live/<env>) calls it once
# with that account's values; the backend, the provider (allowed_account_ids)
# and the read of release.json stay in the live tree, so this module never
# decides which account it touches or which image it runs.

locals {
  name = "${var.project}-${var.environment}"
}

module "network" {
  source = "../network"

  name                 = local.name
  vpc_cidr             = var.vpc_cidr
  azs                  = var.azs
  private_subnet_cidrs = var.private_subnet_cidrs
}

module "ecr" {
  source = "../ecr"

  name = var.project
}

module "nlb" {
  source = "../nlb"

  name       = local.name
  vpc_id     = module.network.vpc_id
  vpc_cidr   = module.network.vpc_cidr
  subnet_ids = module.network.private_subnet_ids
}

module "ecs_service" {
  source = "../ecs_service"

  name                  = local.name
  repository_url        = module.ecr.repository_url
  repository_arn        = module.ecr.repository_arn
  image_digest          = var.image_digest
  app_env               = var.environment
  app_version           = var.app_version
  api_stage             = var.environment
  desired_count         = var.desired_count
  vpc_id                = module.network.vpc_id
  vpc_cidr              = module.network.vpc_cidr
  subnet_ids            = module.network.private_subnet_ids
  s3_prefix_list_id     = module.network.s3_prefix_list_id
  nlb_security_group_id = module.nlb.security_group_id
  target_group_arn      = module.nlb.target_group_arn
}

module "api_gateway" {
  source = "../api_gateway"

  name                 = local.name
  stage_name           = var.environment
  nlb_arn              = module.nlb.arn
  nlb_dns_name         = module.nlb.dns_name
  nlb_listener_port    = module.nlb.listener_port
  throttle_rate_limit  = var.throttle_rate_limit
  throttle_burst_limit = var.throttle_burst_limit
  quota_limit_per_day  = var.quota_limit_per_day
}

module "github_oidc" {
  source = "../github_oidc"

  name                      = local.name
  github_org                = var.github_org
  github_repo               = var.github_repo
  github_owner_id           = var.github_owner_id
  github_repo_id            = var.github_repo_id
  subject_format            = var.github_subject_format
  create_oidc_provider      = var.create_oidc_provider
  oidc_provider_arn         = var.oidc_provider_arn
  deploy_ref                = var.deploy_ref
  ecr_reader_ref            = var.ecr_reader_ref
  drift_ref                 = var.drift_ref
  state_bucket              = var.state_bucket
  state_key                 = var.state_key
  state_lock_table          = var.state_lock_table
  ecr_repository_arn        = module.ecr.repository_arn
  signing_key_arn           = module.signing.key_arn
  signatures_repository_arn = module.signing.signatures_repository_arn
  ecs_cluster_arn           = module.ecs_service.cluster_arn
  ecs_service_arn           = module.ecs_service.service_arn
  task_definition_family    = module.ecs_service.task_definition_family
  passable_role_arns        = [module.ecs_service.task_role_arn, module.ecs_service.execution_role_arn]
}

# Signs what dev validated (deploy-dev) and verifies it before a release;
# the key policy names the deploy role as the only signer.
module "signing" {
  source = "../signing"

  name                   = local.name
  repository_name        = module.ecr.repository_name
  repository_kms_key_arn = module.ecr.kms_key_arn
  signer_role_arns       = [module.github_oidc.deploy_role_arn]
}
