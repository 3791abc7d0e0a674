output "cluster_name" {
  description = "Name of the ECS cluster (deploy scripts: aws ecs update-service --cluster)."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "service_arn" {
  description = "ARN of the ECS service (the deploy role may update this service only)."
  value       = aws_ecs_service.this.id
}

output "task_definition_arn" {
  description = "ARN (with revision) of the task definition Terraform registered."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition; CI registers new revisions of it."
  value       = aws_ecs_task_definition.this.family
}

output "image" {
  description = "The image the task runs: repository_url@sha256:..."
  value       = local.image
}

output "container_name" {
  description = "Name of the container in the task definition."
  value       = local.container_name
}

output "execution_role_arn" {
  description = "ARN of the task execution role (image pull, logs); the deploy role may pass it."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "ARN of the task role; the deploy role may pass it."
  value       = aws_iam_role.task.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the container's JSON access log lines."
  value       = aws_cloudwatch_log_group.this.name
}

output "security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.tasks.id
}
