variable "account_id" {
  description = "The AWS account whose state backend this creates (the provider refuses any other)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "Region of the state bucket and lock table (region in <env>.s3.tfbackend)."
  type        = string
}

variable "bucket_name" {
  description = "State bucket name (bucket in <env>.s3.tfbackend)."
  type        = string
}

variable "lock_table_name" {
  description = "Lock table name (dynamodb_table in <env>.s3.tfbackend)."
  type        = string
}
