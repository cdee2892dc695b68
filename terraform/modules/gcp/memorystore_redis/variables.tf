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

variable "memory_size_gb" {
  description = "Memory of the instance."
  type        = number
  default     = 5
  validation {
    condition     = var.memory_size_gb >= 1 && var.memory_size_gb <= 300
    error_message = "memory_size_gb must be between 1 and 300."
  }
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
