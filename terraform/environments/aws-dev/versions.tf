terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }

  # Remote state in S3 with native locking; the bucket is versioned and KMS-encrypted (created once,
  # see docs/deployment.md). CD runs "terraform init" with these settings.
  backend "s3" {
    bucket       = "cosmeticos-terraform-state"
    key          = "shop/aws-dev/terraform.tfstate"
    region       = "sa-east-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}
