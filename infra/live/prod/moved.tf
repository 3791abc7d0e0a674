# Until eb223b5 this tree called the six modules itself; they are now called
# by module "stack". These blocks tell Terraform that the state at the old
# addresses is the same infrastructure at the new ones, so a deployment made
# before the move plans no destroy and no create (tools/rehearsal/moved-plan
# shows it). Remove them only once every state of this tree has been applied
# with them.

moved {
  from = module.network
  to   = module.stack.module.network
}

moved {
  from = module.ecr
  to   = module.stack.module.ecr
}

moved {
  from = module.nlb
  to   = module.stack.module.nlb
}

moved {
  from = module.ecs_service
  to   = module.stack.module.ecs_service
}

moved {
  from = module.api_gateway
  to   = module.stack.module.api_gateway
}

moved {
  from = module.github_oidc
  to   = module.stack.module.github_oidc
}
