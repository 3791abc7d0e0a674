output "api_invoke_url" {
  description = "Base URL of the API stage; the smoke test calls <url>/health (secret <ENV>_API_URL)."
  value       = module.stack.api_invoke_url
}

output "api_key_id" {
  description = "ID of the API key for /v1 (aws apigateway get-api-key --api-key <id> --include-value)."
  value       = module.stack.api_key_id
}

output "ecr_repository_url" {
  description = "Repository the deploy job pushes the image to, by digest."
  value       = module.stack.ecr_repository_url
}

output "image" {
  description = "The image the task definition runs (repository_url@digest from release.json)."
  value       = module.stack.image
}

output "image_digest" {
  description = "The digest from release.json that this tree deploys (audits compare it with the running tasks)."
  value       = module.stack.image_digest
}

output "ecs_cluster_name" {
  description = "Cluster of the service (deploy: update-service --cluster, wait services-stable)."
  value       = module.stack.ecs_cluster_name
}

output "ecs_service_name" {
  description = "The ECS service deploys update."
  value       = module.stack.ecs_service_name
}

output "task_definition_family" {
  description = "Task definition family CI registers new revisions of."
  value       = module.stack.task_definition_family
}

output "task_definition_arn" {
  description = "Task definition revision Terraform registered."
  value       = module.stack.task_definition_arn
}

output "container_log_group" {
  description = "CloudWatch log group of the service's JSON access-log lines."
  value       = module.stack.container_log_group
}

output "api_access_log_group" {
  description = "CloudWatch log group of API Gateway's JSON access logs."
  value       = module.stack.api_access_log_group
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes by OIDC (secret <ENV>_DEPLOY_ROLE_ARN)."
  value       = module.stack.deploy_role_arn
}

output "ecr_reader_role_arn" {
  description = "Role the release job assumes to read dev's repository (secret DEV_ECR_READER_ROLE_ARN); null in prod."
  value       = module.stack.ecr_reader_role_arn
}

output "drift_role_arn" {
  description = "Read-only role drift.yml assumes on the default branch (secret <ENV>_DRIFT_ROLE_ARN)."
  value       = module.stack.drift_role_arn
}

output "nlb_dns_name" {
  description = "Internal DNS name of the NLB (reachable only inside the VPC)."
  value       = module.stack.nlb_dns_name
}

output "signing_key_uri" {
  description = "The account's signing key as cosign names it (repository variable <ENV>_SIGNING_KEY)."
  value       = module.stack.signing_key_uri
}

output "signing_key_arn" {
  description = "ARN of the account's signing key (aws kms get-public-key --key-id <arn>)."
  value       = module.stack.signing_key_arn
}

output "signatures_repository_url" {
  description = "Repository of the signatures and attestations (secret <ENV>_SIGNATURES_REPOSITORY)."
  value       = module.stack.signatures_repository_url
}
