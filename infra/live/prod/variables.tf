variable "account_id" {
  description = "The AWS account this tree may touch (the provider refuses any other). Passed at plan time: -var account_id=..."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "app_version" {
  description = "Git commit SHA being deployed (the service's APP_VERSION). CI passes it: -var app_version=$GITHUB_SHA. No default."
  type        = string
}
