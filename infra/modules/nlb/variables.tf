variable "name" {
  description = "Name prefix of the load balancer, target group and log bucket (e.g. civet-api-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name))
    error_message = "name must be 3-24 characters of a-z, 0-9 and - (the target group name adds a suffix within AWS's 32)."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of that VPC: the VPC Link's traffic arrives from it."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the load balancer, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets."
  }
}

variable "listener_port" {
  description = "TCP port the load balancer listens on (the VPC Link integration's URI uses it)."
  type        = number
  default     = 80

  validation {
    condition     = var.listener_port >= 1 && var.listener_port <= 65535
    error_message = "listener_port must be 1-65535."
  }
}

variable "target_port" {
  description = "Port of the tasks (their PORT)."
  type        = number
  default     = 8080

  validation {
    condition     = var.target_port >= 1 && var.target_port <= 65535
    error_message = "target_port must be 1-65535."
  }
}

variable "deregistration_delay" {
  description = "Seconds a deregistering target keeps its connections; short, because the service drains on SIGTERM."
  type        = number
  default     = 15

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 60
    error_message = "deregistration_delay must be 0-60 seconds: the service stops within its SHUTDOWN_TIMEOUT_S."
  }
}

variable "health_check_path" {
  description = "HTTP path of the target health check."
  type        = string
  default     = "/health"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "access_log_retention_days" {
  description = "Days access log objects are kept in their bucket."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 1
    error_message = "access_log_retention_days must be at least 1."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
