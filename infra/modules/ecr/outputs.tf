output "repository_name" {
  description = "Name of the repository."
  value       = aws_ecr_repository.this.name
}

output "repository_arn" {
  description = "ARN of the repository, for IAM policies (push, pull)."
  value       = aws_ecr_repository.this.arn
}

output "repository_url" {
  description = "URL of the repository; the task definition appends @sha256:... to it."
  value       = aws_ecr_repository.this.repository_url
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the images."
  value       = module.key.key_arn
}
