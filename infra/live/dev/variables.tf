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

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider: false in an account that already trusts GitHub (a second provider fails with EntityAlreadyExists), with oidc_provider_arn set. Passed with -var or a tfvars file."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of the account's existing GitHub OIDC provider (aws iam list-open-id-connect-providers), trusted when create_oidc_provider is false; null otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be null or arn:aws:iam::<account id>:oidc-provider/token.actions.githubusercontent.com."
  }
}
