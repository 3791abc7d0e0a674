output "key_arn" {
  description = "ARN of the signing key, for IAM policies (kms:Sign, kms:GetPublicKey)."
  value       = aws_kms_key.this.arn
}

output "alias_arn" {
  description = "ARN of the key's alias."
  value       = aws_kms_alias.this.arn
}

output "key_uri" {
  description = "The key as cosign names it (--key awskms:///<alias ARN>); the region and account are in the ARN."
  value       = "awskms:///${aws_kms_alias.this.arn}"
}

output "signatures_repository_arn" {
  description = "ARN of the signatures repository, for IAM policies."
  value       = aws_ecr_repository.signatures.arn
}

output "signatures_repository_url" {
  description = "Repository cosign writes signatures and attestations to (COSIGN_REPOSITORY)."
  value       = aws_ecr_repository.signatures.repository_url
}
