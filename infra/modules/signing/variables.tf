variable "name" {
  description = "Name prefix (project-environment); the key's alias is alias/<name>/signing."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name))
    error_message = "name must be 1-41 characters of a-z 0-9 -, starting with a letter."
  }
}

variable "repository_name" {
  description = "Name of the image repository; the signatures go to <repository_name>-signatures."
  type        = string
}

variable "repository_kms_key_arn" {
  description = "KMS key encrypting the image repository; the signatures repository uses it too."
  type        = string
}

variable "signer_role_arns" {
  description = "Roles allowed to sign with the key (the deploy role). Nothing else can sign."
  type        = list(string)

  validation {
    condition     = length(var.signer_role_arns) > 0 && alltrue([for a in var.signer_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", a))])
    error_message = "signer_role_arns must be one or more IAM role ARNs."
  }
}

variable "deletion_window_in_days" {
  description = "Days a scheduled deletion waits before the key is gone (and every signature with it unverifiable)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for the key and the repository."
  type        = map(string)
  default     = {}
}
