variable "project" {
  description = "Project name, the prefix of every resource name (<project>-<environment>) and the repository's name."
  type        = string
  default     = "civet-api"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.project))
    error_message = "project must be 2-15 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: dev or prod. Also the service's APP_ENV and the API stage."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "image_digest" {
  description = "Digest of the image the service runs (sha256:<64 hex>): the live tree passes release.json's, never a tag."
  type        = string

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))
    error_message = "image_digest must be sha256: followed by 64 lowercase hex digits."
  }
}

variable "app_version" {
  description = "Git commit SHA being deployed (the service's APP_VERSION). CI passes it to the live tree: -var app_version=$GITHUB_SHA. No default."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{7,40}$", var.app_version))
    error_message = "app_version must be a git commit SHA (7-40 lowercase hex digits)."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the account's VPC."
  type        = string
}

variable "azs" {
  description = "Availability zones of the private subnets (at least two)."
  type        = list(string)
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the private subnets, in the order of azs."
  type        = list(string)
}

variable "desired_count" {
  description = "Number of running tasks."
  type        = number
}

variable "throttle_rate_limit" {
  description = "API Gateway steady-state requests per second (usage plan and stage)."
  type        = number
}

variable "throttle_burst_limit" {
  description = "API Gateway burst above the rate (usage plan and stage)."
  type        = number
}

variable "quota_limit_per_day" {
  description = "Requests per day per API key."
  type        = number
}

variable "github_org" {
  description = "GitHub organisation or user owning the repository whose workflows deploy."
  type        = string
}

variable "github_repo" {
  description = "GitHub repository whose workflows deploy."
  type        = string
}

variable "github_owner_id" {
  description = "GitHub's immutable id of the repository's owner (gh api users/OWNER --jq .id)."
  type        = string
}

variable "github_repo_id" {
  description = "GitHub's immutable id of the repository (gh api repos/OWNER/REPO --jq .id)."
  type        = string
}

variable "github_subject_format" {
  description = "Format of GitHub's OIDC sub claim with {org}, {repo}, {owner_id}, {repo_id} and {ref} (see modules/github_oidc). The default is what a repository created or renamed on or after 2026-07-15 sends (GitHub's example: repo:octo-org@123/octo-repo@456:ref:refs/heads/main)."
  type        = string
  default     = "repo:{org}@{owner_id}/{repo}@{repo_id}:ref:{ref}"
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; false in an account that already has one (a second fails with EntityAlreadyExists), with oidc_provider_arn set."
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

variable "deploy_ref" {
  description = "The git ref whose workflows may deploy to this account: refs/heads/dev (dev), refs/tags/v* (prod)."
  type        = string
}

variable "ecr_reader_ref" {
  description = "The git ref that may read this account's repository (refs/tags/v* in dev, for the release copy); null in prod."
  type        = string
  default     = null
}

variable "drift_ref" {
  description = "The default branch (refs/heads/main), whose drift workflow (.github/workflows/drift.yml, scheduled or dispatched) may assume the read-only drift role; null creates none."
  type        = string
  default     = null
}

variable "state_bucket" {
  description = "This account's state bucket (bucket in <env>.s3.tfbackend), read by the drift role; required with drift_ref."
  type        = string
  default     = null
}

variable "state_key" {
  description = "The live tree's state object (key in <env>.s3.tfbackend), the one object the drift role reads; required with drift_ref."
  type        = string
  default     = null
}

variable "state_lock_table" {
  description = "The lock table (dynamodb_table in <env>.s3.tfbackend), whose state digest the drift role reads; required with drift_ref."
  type        = string
  default     = null
}
