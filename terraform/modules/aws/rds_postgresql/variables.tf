variable "name" {
  description = "Identifier of the instance."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the instance."
  type        = string
}

variable "subnet_ids" {
  description = "Private data subnets (at least two zones)."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect (the EKS cluster's)."
  type        = list(string)
}

variable "engine_version" {
  description = "PostgreSQL version."
  type        = string
  default     = "16.4"
  validation {
    condition     = can(regex("^1[5-7]\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be PostgreSQL 15, 16 or 17 (major.minor)."
  }
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.m6g.large"
  validation {
    condition     = can(regex("^db\\.", var.instance_class))
    error_message = "instance_class must be an RDS class such as db.m6g.large."
  }
}

variable "allocated_storage_gb" {
  description = "Initial storage; autoscaling up to four times this."
  type        = number
  default     = 50
  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 4096
    error_message = "allocated_storage_gb must be between 20 and 4096."
  }
}

variable "multi_az" {
  description = "Standby in a second zone with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 14
  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "kms_key_arn" {
  description = "KMS key for storage, the master secret and Performance Insights."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
