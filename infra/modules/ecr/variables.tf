variable "name" {
  description = "Repository name (e.g. civet-api)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.name))
    error_message = "name must be a valid ECR repository name (lowercase, digits, . _ - and /)."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which an untagged image (a failed or superseded push) is expired. Tagged images, which every released digest is, are never expired."
  type        = number
  default     = 14

  validation {
    condition     = var.untagged_expiry_days >= 1 && var.untagged_expiry_days <= 365
    error_message = "untagged_expiry_days must be between 1 and 365."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
