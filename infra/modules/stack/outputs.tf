output "api_invoke_url" {
  description = "Base URL of the API stage; the smoke test calls <url>/health."
  value       = module.api_gateway.invoke_url
}

output "api_key_id" {
  description = "ID of the API key for /v1."
  value       = module.api_gateway.api_key_id
}

output "ecr_repository_url" {
  description = "Repository the deploy job pushes the image to, by digest."
  value       = module.ecr.repository_url
}

output "image" {
  description = "The image the task definition runs (repository_url@image_digest)."
  value       = module.ecs_service.image
}

output "image_digest" {
  description = "The digest the service runs (the image_digest input)."
  value       = var.image_digest
}

output "ecs_cluster_name" {
  description = "Cluster of the service."
  value       = module.ecs_service.cluster_name
}

output "ecs_service_name" {
  description = "The ECS service deploys update."
  value       = module.ecs_service.service_name
}

output "task_definition_family" {
  description = "Task definition family CI registers new revisions of."
  value       = module.ecs_service.task_definition_family
}

output "task_definition_arn" {
  description = "Task definition revision Terraform registered."
  value       = module.ecs_service.task_definition_arn
}

output "container_log_group" {
  description = "CloudWatch log group of the service's JSON access-log lines."
  value       = module.ecs_service.log_group_name
}

output "api_access_log_group" {
  description = "CloudWatch log group of API Gateway's JSON access logs."
  value       = module.api_gateway.access_log_group_name
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes by OIDC."
  value       = module.github_oidc.deploy_role_arn
}

output "ecr_reader_role_arn" {
  description = "Role the release job assumes to read this account's repository; null without ecr_reader_ref."
  value       = module.github_oidc.ecr_reader_role_arn
}

output "drift_role_arn" {
  description = "Read-only role drift.yml assumes on the default branch; null without drift_ref."
  value       = module.github_oidc.drift_role_arn
}

output "nlb_dns_name" {
  description = "Internal DNS name of the NLB (reachable only inside the VPC)."
  value       = module.nlb.dns_name
}

output "signing_key_uri" {
  description = "The account's signing key as cosign names it (awskms:///<alias ARN>): dev's signs releases, both verify with dev's."
  value       = module.signing.key_uri
}

output "signing_key_arn" {
  description = "ARN of the account's signing key (kms get-public-key --key-id <arn> for verifying by hand)."
  value       = module.signing.key_arn
}

output "signatures_repository_url" {
  description = "Repository of the signatures and attestations (COSIGN_REPOSITORY)."
  value       = module.signing.signatures_repository_url
}
