variable "name" {
  description = "Name of the cluster, service, task family and their roles (e.g. civet-api-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "repository_url" {
  description = "ECR repository URL the image is pulled from (module ecr's repository_url)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/[a-z0-9._/-]+$", var.repository_url))
    error_message = "repository_url must be an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>)."
  }
}

variable "repository_arn" {
  description = "ARN of that ECR repository; the execution role may pull from it only."
  type        = string
}

variable "image_digest" {
  description = "Digest of the image to run (sha256:<64 hex>), read from infra/live/release.json. Never a tag."
  type        = string

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))
    error_message = "image_digest must be sha256: followed by 64 lowercase hex digits."
  }
}

variable "app_env" {
  description = "APP_ENV of the service: the environment name /health reports (dev, prod)."
  type        = string

  validation {
    condition     = can(regex("^[!#-&(-\\[\\]-~]{1,128}$", var.app_env))
    error_message = "app_env must be 1-128 printable ASCII characters without space, quote or backslash."
  }
}

variable "app_version" {
  description = "APP_VERSION of the service: the git commit SHA CI deploys (passed by CI, never defaulted)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{7,40}$", var.app_version))
    error_message = "app_version must be a git commit SHA (7-40 lowercase hex digits)."
  }
}

variable "api_stage" {
  description = "API_STAGE of the service: the API Gateway stage name, used only in URLs it writes."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{0,64}$", var.api_stage))
    error_message = "api_stage must be 0-64 characters of A-Z a-z 0-9 _ -."
  }
}

variable "container_port" {
  description = "Port the container listens on (its PORT)."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be 1024-65535 (the container runs as a non-root user)."
  }
}

variable "cpu" {
  description = "Fargate task CPU units."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be one of 256, 512, 1024, 2048, 4096."
  }
}

variable "memory" {
  description = "Fargate task memory in MiB (must suit cpu)."
  type        = number
  default     = 512

  validation {
    condition     = var.memory >= 512 && var.memory <= 30720
    error_message = "memory must be between 512 and 30720 MiB."
  }
}

variable "desired_count" {
  description = "Number of tasks; two or more spread them across availability zones."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 1 && var.desired_count <= 20
    error_message = "desired_count must be between 1 and 20."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the service ignores failing NLB health checks after a task starts."
  type        = number
  default     = 120

  validation {
    condition     = var.health_check_grace_period_seconds >= 120 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be at least 120."
  }
}

variable "stop_timeout" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL; the service drains within SHUTDOWN_TIMEOUT_S (10 s) of it."
  type        = number
  default     = 30

  validation {
    condition     = var.stop_timeout >= 15 && var.stop_timeout <= 120
    error_message = "stop_timeout must be between 15 and 120 seconds (Fargate's maximum)."
  }
}

variable "log_retention_days" {
  description = "Days the container log group keeps its events."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ..., 365, ..., 3653)."
  }
}

variable "vpc_id" {
  description = "VPC of the tasks (module network's vpc_id)."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of that VPC: tasks may reach its interface endpoints on 443."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets."
  }
}

variable "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint (module network's s3_prefix_list_id): image layers come from S3."
  type        = string
}

variable "nlb_security_group_id" {
  description = "Security group of the NLB (module nlb's security_group_id): the only source the tasks admit."
  type        = string
}

variable "target_group_arn" {
  description = "NLB target group the service registers its tasks in (module nlb's target_group_arn)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
