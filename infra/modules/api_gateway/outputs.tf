output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "invoke_url" {
  description = "Base URL of the stage (https://.../<stage>); smoke tests call <invoke_url>/health."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "stage_name" {
  description = "Name of the stage (the service's API_STAGE)."
  value       = aws_api_gateway_stage.this.stage_name
}

output "api_key_id" {
  description = "ID of the API key; its value: aws apigateway get-api-key --api-key <id> --include-value."
  value       = aws_api_gateway_api_key.this.id
}

output "usage_plan_id" {
  description = "ID of the usage plan (rate, burst and daily quota)."
  value       = aws_api_gateway_usage_plan.this.id
}

output "vpc_link_id" {
  description = "ID of the VPC Link to the NLB."
  value       = aws_api_gateway_vpc_link.this.id
}

output "access_log_group_name" {
  description = "CloudWatch log group of the JSON access logs (requestId, extendedRequestId, ...)."
  value       = aws_cloudwatch_log_group.access.name
}

output "execution_log_group_name" {
  description = "CloudWatch log group of the execution logs."
  value       = aws_cloudwatch_log_group.execution.name
}
