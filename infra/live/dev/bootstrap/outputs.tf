output "bucket" {
  description = "State bucket: bucket in ../<env>.s3.tfbackend."
  value       = module.state_backend.bucket
}

output "lock_table" {
  description = "Lock table: dynamodb_table in ../<env>.s3.tfbackend."
  value       = module.state_backend.lock_table
}
