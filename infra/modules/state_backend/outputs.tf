output "bucket" {
  description = "Name of the state bucket (bucket in <env>.s3.tfbackend)."
  value       = aws_s3_bucket.state.id
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "lock_table" {
  description = "Name of the DynamoDB lock table (dynamodb_table in <env>.s3.tfbackend)."
  value       = aws_dynamodb_table.lock.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the state and the lock table."
  value       = module.key.key_arn
}
