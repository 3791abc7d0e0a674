variable "name" {
  description = "Name of the REST API, its VPC Link, usage plan and key (e.g. civet-api-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "stage_name" {
  description = "Stage name, the first path segment of every URL; the service gets it as API_STAGE."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.stage_name))
    error_message = "stage_name must be 1-64 characters of A-Z a-z 0-9 _ -."
  }
}

variable "nlb_arn" {
  description = "ARN of the internal NLB the VPC Link targets (module nlb's arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/net/", var.nlb_arn))
    error_message = "nlb_arn must be the ARN of a network load balancer."
  }
}

variable "nlb_dns_name" {
  description = "DNS name of that NLB (module nlb's dns_name), the host of every integration URI."
  type        = string
}

variable "nlb_listener_port" {
  description = "TCP port of the NLB's listener (module nlb's listener_port)."
  type        = number

  validation {
    condition     = var.nlb_listener_port >= 1 && var.nlb_listener_port <= 65535
    error_message = "nlb_listener_port must be 1-65535."
  }
}

variable "throttle_rate_limit" {
  description = "Steady-state requests per second allowed per API key (usage plan) and per stage."
  type        = number
  default     = 50

  validation {
    condition     = var.throttle_rate_limit > 0
    error_message = "throttle_rate_limit must be positive."
  }
}

variable "throttle_burst_limit" {
  description = "Burst of requests allowed above the rate (usage plan and stage)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttle_burst_limit >= 1
    error_message = "throttle_burst_limit must be at least 1."
  }
}

variable "quota_limit_per_day" {
  description = "Requests per day allowed per API key (usage plan quota)."
  type        = number
  default     = 10000

  validation {
    condition     = var.quota_limit_per_day >= 1
    error_message = "quota_limit_per_day must be at least 1."
  }
}

variable "log_retention_days" {
  description = "Days the access and execution log groups keep their events."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ..., 365, ..., 3653)."
  }
}

variable "execution_logging_level" {
  description = "Execution log level of every method: INFO or ERROR (never request bodies: data trace stays off)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["INFO", "ERROR"], var.execution_logging_level)
    error_message = "execution_logging_level must be INFO or ERROR."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
