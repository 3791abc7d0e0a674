output "arn" {
  description = "ARN of the load balancer, the VPC Link's target."
  value       = aws_lb.this.arn
}

output "dns_name" {
  description = "DNS name of the load balancer, used in the VPC Link integrations' URIs."
  value       = aws_lb.this.dns_name
}

output "listener_port" {
  description = "TCP port of the listener."
  value       = aws_lb_listener.this.port
}

output "target_group_arn" {
  description = "ARN of the target group (type ip) the ECS service registers its tasks in."
  value       = aws_lb_target_group.this.arn
}

output "security_group_id" {
  description = "Security group of the load balancer: the only source the tasks admit."
  value       = aws_security_group.this.id
}

output "access_log_bucket" {
  description = "Bucket receiving the access logs."
  value       = aws_s3_bucket.logs.id
}
