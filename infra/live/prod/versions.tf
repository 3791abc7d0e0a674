terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.46, < 6"
    }
  }

  # Partial configuration: `init -backend-config=<env>.s3.tfbackend` fills it
  # in (bucket, key, region, dynamodb_table, use_lockfile). Nothing here names
  # an account.
  backend "s3" {}
}
