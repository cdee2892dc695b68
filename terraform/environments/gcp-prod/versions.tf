terraform {
  required_version = ">= 1.6"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.20"
    }
  }

  # Remote state in a versioned GCS bucket (created once, see docs/deployment.md); GCS locks natively.
  backend "gcs" {
    bucket = "cosmeticos-terraform-state"
    prefix = "shop/gcp-prod"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
