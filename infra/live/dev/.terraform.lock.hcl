# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.opentofu.org/hashicorp/aws" {
  version     = "5.46.0"
  constraints = ">= 5.46.0, < 6.0.0"
  hashes = [
    "h1:6KYKVBaw5o8buM/wqzkUB7CCPu5DZ732BoiBNpGzqXI=",
  ]
}
