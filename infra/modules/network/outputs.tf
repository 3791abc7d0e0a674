output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC (security groups admit traffic from it)."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone, for the tasks and the NLB."
  value       = aws_subnet.private[*].id
}

output "private_route_table_id" {
  description = "ID of the private route table (local route and the S3 gateway endpoint only)."
  value       = aws_route_table.private.id
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint, for task egress rules (image layers)."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "endpoint_security_group_id" {
  description = "Security group of the interface endpoints (ECR api, ECR dkr, CloudWatch Logs)."
  value       = aws_security_group.endpoints.id
}

output "flow_log_group_name" {
  description = "CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_log.name
}
