variable "alias" {
  description = "Alias of the key, without the alias/ prefix (e.g. civet-api-dev/ecr)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,200}$", var.alias)) && !startswith(var.alias, "aws/")
    error_message = "alias must be 1-200 characters of A-Z a-z 0-9 / _ - and must not start with aws/."
  }
}

variable "description" {
  description = "What the key encrypts."
  type        = string
}

variable "allow_cloudwatch_logs" {
  description = "Let CloudWatch Logs of this account and region use the key for its log groups."
  type        = bool
  default     = false
}

variable "service_principals" {
  description = "Further AWS service principals (e.g. delivery.logs.amazonaws.com) allowed to encrypt with the key on behalf of this account only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.service_principals : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", s))])
    error_message = "service_principals must be AWS service principals ending in .amazonaws.com."
  }
}

variable "deletion_window_in_days" {
  description = "Days a scheduled deletion waits before the key is gone."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
  default     = {}
}
