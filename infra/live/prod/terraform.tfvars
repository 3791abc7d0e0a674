# Everything that makes this tree prod. account_id and app_version are passed
# at plan time (-var), see infra/README.md.
environment          = "prod"
region               = "eu-west-1"
vpc_cidr             = "10.20.0.0/16"
azs                  = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
private_subnet_cidrs = ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"]
desired_count        = 2
throttle_rate_limit  = 100
throttle_burst_limit = 200
quota_limit_per_day  = 50000
github_org           = "example-org"
github_repo          = "civet-api"
github_owner_id      = "900000000"
github_repo_id       = "900000001"
deploy_ref           = "refs/tags/v*"
ecr_reader_ref       = null
