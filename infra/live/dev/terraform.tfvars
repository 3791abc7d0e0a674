# Everything that makes this tree dev. account_id and app_version are passed at
# plan time (-var), see infra/README.md.
environment          = "dev"
region               = "eu-west-1"
vpc_cidr             = "10.10.0.0/16"
azs                  = ["eu-west-1a", "eu-west-1b"]
private_subnet_cidrs = ["10.10.1.0/24", "10.10.2.0/24"]
desired_count        = 1
throttle_rate_limit  = 20
throttle_burst_limit = 40
quota_limit_per_day  = 5000
github_org           = "example-org"
github_repo          = "civet-api"
github_owner_id      = "900000000"
github_repo_id       = "900000001"
deploy_ref           = "refs/heads/dev"
ecr_reader_ref       = "refs/tags/v*"
