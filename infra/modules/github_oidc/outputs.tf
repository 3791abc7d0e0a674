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
