variable "name" {
  description = "Cluster identifier."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private data subnets."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect (the EKS cluster's)."
  type        = list(string)
}

variable "instance_class" {
  description = "Instance class."
  type        = string
  default     = "db.r6g.large"
}

variable "instance_count" {
  description = "Instances (one primary, the rest replicas across zones)."
  type        = number
  default     = 2
  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 16
    error_message = "instance_count must be between 1 and 16."
  }
}

variable "kms_key_arn" {
  description = "KMS key for storage."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
