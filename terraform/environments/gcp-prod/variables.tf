variable "project_id" {
  description = "GCP project of the environment."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid GCP project id."
  }
}

variable "region" {
  description = "GCP region."
  type        = string
  default     = "southamerica-east1"
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a GCP region name such as southamerica-east1."
  }
}

variable "environment" {
  description = "Environment name, part of every resource name."
  type        = string
  default     = "prod"
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "admin_cidrs" {
  description = "Ranges allowed to reach the GKE API (the CD runners' egress); empty keeps it private."
  type        = list(string)
  default     = []
}

variable "media_domain" {
  description = "Public domain of the product images (MEDIA_CUSTOM_DOMAIN of the catalog)."
  type        = string
  default     = "media.cosmeticos.co"
}

variable "access_log_bucket" {
  description = "Bucket that receives the media bucket's access logs."
  type        = string
}
