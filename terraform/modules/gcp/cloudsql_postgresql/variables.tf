variable "project_id" {
  description = "GCP project."
  type        = string
}

variable "name" {
  description = "Instance name."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "network_id" {
  description = "VPC network with the private services connection."
  type        = string
}

variable "tier" {
  description = "Machine tier."
  type        = string
  default     = "db-custom-2-7680"
  validation {
    condition     = can(regex("^db-", var.tier))
    error_message = "tier must be a Cloud SQL tier such as db-custom-2-7680."
  }
}

variable "high_availability" {
  description = "Regional instance with a standby in another zone."
  type        = bool
  default     = true
}

variable "databases" {
  description = "One database per service."
  type        = list(string)
  default     = ["catalog", "accounts", "orders", "tasks"]
}

variable "kms_key_id" {
  description = "Cloud KMS key (CMEK)."
  type        = string
}

variable "labels" {
  description = "Labels."
  type        = map(string)
  default     = {}
}
