variable "name" {
  description = "Name prefix of the roles (e.g. civet-api-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "github_org" {
  description = "GitHub organisation or user that owns the repository."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$", var.github_org))
    error_message = "github_org must be a GitHub account name."
  }
}

variable "github_repo" {
  description = "GitHub repository name (without the organisation)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,100}$", var.github_repo))
    error_message = "github_repo must be a GitHub repository name."
  }
}

variable "github_owner_id" {
  description = "GitHub's immutable id of the owner (the {owner_id} of subject_format); null when the format does not use it."
  type        = string
  default     = null

  validation {
    condition     = var.github_owner_id == null || can(regex("^[0-9]{1,20}$", var.github_owner_id))
    error_message = "github_owner_id must be GitHub's numeric id of the owner, or null."
  }
}

variable "github_repo_id" {
  description = "GitHub's immutable id of the repository (the {repo_id} of subject_format); null when the format does not use it."
  type        = string
  default     = null

  validation {
    condition     = var.github_repo_id == null || can(regex("^[0-9]{1,20}$", var.github_repo_id))
    error_message = "github_repo_id must be GitHub's numeric id of the repository, or null."
  }
}

variable "subject_format" {
  description = <<-EOT
    Format of the token's sub claim for a ref, with the placeholders {org}, {repo},
    {owner_id}, {repo_id} and {ref}. Repositories created (or renamed or
    transferred) on or after 2026-07-15 send repo:{org}@{owner_id}/{repo}@{repo_id}:ref:{ref},
    with GitHub's immutable ids; older ones send repo:{org}/{repo}:ref:{ref} unless
    they opted in. Set it to what the repository's tokens carry (a denied
    AssumeRoleWithWebIdentity's CloudTrail event shows the sub).
  EOT
  type        = string
  default     = "repo:{org}/{repo}:ref:{ref}"

  validation {
    condition     = strcontains(var.subject_format, "{ref}") && !strcontains(replace(var.subject_format, "{ref}", ""), "*")
    error_message = "subject_format must contain {ref} and no wildcard of its own."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. false in an account that already has one (IAM keeps one per issuer URL; creating another fails with EntityAlreadyExists), with oidc_provider_arn set."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of the account's existing GitHub OIDC provider (aws iam list-open-id-connect-providers), which the roles trust when create_oidc_provider is false; null when it is true."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be null or the ARN of the account's token.actions.githubusercontent.com provider (arn:aws:iam::<account id>:oidc-provider/token.actions.githubusercontent.com)."
  }
}

variable "thumbprints" {
  description = "Certificate thumbprints of the GitHub OIDC issuer (AWS no longer checks them for this issuer, the API still wants one)."
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]

  validation {
    condition     = length(var.thumbprints) >= 1 && alltrue([for t in var.thumbprints : can(regex("^[0-9a-f]{40}$", t))])
    error_message = "thumbprints must be one or more 40-hex-digit SHA-1 thumbprints."
  }
}

variable "deploy_ref" {
  description = "The only git ref whose workflows may assume the deploy role: refs/heads/dev in dev, refs/tags/v* in prod."
  type        = string

  validation {
    condition     = can(regex("^refs/(heads|tags)/[A-Za-z0-9._/-]+\\*?$", var.deploy_ref))
    error_message = "deploy_ref must be one branch or tag ref (refs/heads/<name> or refs/tags/<prefix>*), never a bare wildcard."
  }
}

variable "ecr_reader_ref" {
  description = "Git ref allowed to assume the read-only ECR role (refs/tags/v*, so the release job can copy the proven image out of dev); null creates no such role (prod)."
  type        = string
  default     = null

  validation {
    condition     = var.ecr_reader_ref == null || can(regex("^refs/(heads|tags)/[A-Za-z0-9._/-]+\\*?$", var.ecr_reader_ref))
    error_message = "ecr_reader_ref must be null or one branch or tag ref (refs/tags/v*)."
  }
}

variable "drift_ref" {
  description = "The default branch (refs/heads/main): the only ref whose drift workflow (drift_workflow, run on a schedule or by hand) may assume the read-only drift role; null creates no such role."
  type        = string
  default     = null

  validation {
    condition     = var.drift_ref == null || can(regex("^refs/heads/[A-Za-z0-9._/-]+$", var.drift_ref))
    error_message = "drift_ref must be null or one branch ref (refs/heads/<name>), never a tag or a wildcard."
  }
}

variable "drift_workflow" {
  description = "Path of the drift workflow in the repository: the drift role trusts tokens whose job_workflow_ref is <org>/<repo>/<drift_workflow>@<drift_ref> only."
  type        = string
  default     = ".github/workflows/drift.yml"

  validation {
    condition     = can(regex("^\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml$", var.drift_workflow))
    error_message = "drift_workflow must be a workflow file, .github/workflows/<name>.yml."
  }
}

variable "state_bucket" {
  description = "The account's state bucket (bucket in <env>.s3.tfbackend): the drift role reads state_key in it. Required with drift_ref."
  type        = string
  default     = null

  validation {
    condition     = var.state_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be null or an S3 bucket name."
  }
}

variable "state_key" {
  description = "The state object's key (key in <env>.s3.tfbackend): the only object the drift role reads. Required with drift_ref."
  type        = string
  default     = null

  validation {
    condition     = var.state_key == null || can(regex("^[^*?]+$", var.state_key))
    error_message = "state_key must be null or one object key, without wildcards."
  }
}

variable "state_lock_table" {
  description = "The lock table (dynamodb_table in <env>.s3.tfbackend): the drift role reads the state's digest there, never a lock. Required with drift_ref."
  type        = string
  default     = null

  validation {
    condition     = var.state_lock_table == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", var.state_lock_table))
    error_message = "state_lock_table must be null or a DynamoDB table name."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the account's ECR repository: the deploy role pushes to it, the reader role pulls from it."
  type        = string
}

variable "signing_key_arn" {
  description = "ARN of the account's signing key (modules/signing): the deploy role signs with it, the reader role reads its public key. null: no signing."
  type        = string
  default     = null
}

variable "signatures_repository_arn" {
  description = "ARN of the signatures repository (modules/signing): the deploy role writes it, the reader role reads it. null: none."
  type        = string
  default     = null
}

variable "ecs_cluster_arn" {
  description = "ARN of the ECS cluster of the service."
  type        = string
}

variable "ecs_service_arn" {
  description = "ARN of the ECS service the deploy role may update."
  type        = string
}

variable "task_definition_family" {
  description = "Task definition family the deploy role registers revisions of."
  type        = string
}

variable "passable_role_arns" {
  description = "The task and task execution roles: the only roles the deploy role may pass, and only to ecs-tasks.amazonaws.com."
  type        = list(string)

  validation {
    condition     = length(var.passable_role_arns) >= 1 && alltrue([for a in var.passable_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[^*]+$", a))])
    error_message = "passable_role_arns must be one or more IAM role ARNs without wildcards."
  }
}

variable "max_session_duration" {
  description = "Maximum session length of the roles, in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 900 && var.max_session_duration <= 3600
    error_message = "max_session_duration must be 900-3600 seconds."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
