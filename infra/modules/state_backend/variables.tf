variable "bucket_name" {
  description = "Name of the state bucket (globally unique; the same as bucket in <env>.s3.tfbackend)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !strcontains(var.bucket_name, "..")
    error_message = "bucket_name must be a valid S3 bucket name (3-63 of a-z 0-9 . -)."
  }
}

variable "lock_table_name" {
  description = "Name of the DynamoDB lock table (dynamodb_table in <env>.s3.tfbackend)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.lock_table_name))
    error_message = "lock_table_name must be 3-255 characters of A-Z a-z 0-9 _ . -."
  }
}

variable "noncurrent_version_days" {
  description = "Days an overwritten state version is kept (rollback of a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 30
    error_message = "noncurrent_version_days must be at least 30."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
