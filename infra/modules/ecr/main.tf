# The account's image repository. Tags are immutable, so a tag names one
# digest forever; every push is scanned; images are encrypted with a customer
# managed key. The lifecycle policy only ever expires untagged images: the
# release scripts push every image with a tag (the git SHA), so a released
# digest is never expired.

module "key" {
  source = "../kms_key"

  alias       = "${var.name}/ecr"
  description = "ECR repository ${var.name}"
  tags        = var.tags
}

resource "aws_ecr_repository" "this" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = module.key.key_arn
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images; tagged (released) images are kept"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expiry_days
        }
        action = {
          type = "expire"
        }
      },
    ]
  })
}
