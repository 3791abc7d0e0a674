output "provider_arn" {
  description = "ARN of the account's GitHub OIDC provider."
  value       = local.provider_arn
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes (repository secret DEV_/PROD_DEPLOY_ROLE_ARN)."
  value       = aws_iam_role.deploy.arn
}

output "deploy_subject" {
  description = "The sub claim the deploy role trusts (StringLike when it holds *)."
  value       = replace(local.subject_base, "{ref}", var.deploy_ref)
}

output "ecr_reader_role_arn" {
  description = "Role the release job assumes to read this account's repository (secret DEV_ECR_READER_ROLE_ARN); null when not created."
  value       = try(aws_iam_role.ecr_reader[0].arn, null)
}

output "drift_role_arn" {
  description = "Read-only role drift.yml assumes on the default branch (secret DEV_/PROD_DRIFT_ROLE_ARN); null without drift_ref."
  value       = try(aws_iam_role.drift[0].arn, null)
}

output "drift_subject" {
  description = "The sub and job_workflow_ref claims the drift role trusts (both StringEquals); null without drift_ref."
  value       = local.drift ? { sub = replace(local.subject_base, "{ref}", var.drift_ref), job_workflow_ref = local.drift_workflow_ref } : null
}
