# Applied once per account, with local state (no backend block), before the
# live tree's first init: see infra/README.md. Same files in dev and prod;
# terraform.tfvars differs.

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      Project   = "civet-api"
      ManagedBy = "terraform"
    }
  }
}

module "state_backend" {
  source = "../../../modules/state_backend"

  bucket_name     = var.bucket_name
  lock_table_name = var.lock_table_name
}
