variable "name" {
  description = "Broker name."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the broker."
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

variable "engine_version" {
  description = "RabbitMQ version supported by Amazon MQ."
  type        = string
  default     = "3.13"
}

variable "instance_type" {
  description = "Broker instance type."
  type        = string
  default     = "mq.m5.large"
  validation {
    condition     = can(regex("^mq\\.", var.instance_type))
    error_message = "instance_type must be an Amazon MQ type such as mq.m5.large."
  }
}

variable "cluster" {
  description = "Three-node cluster across zones (false: one node, development only)."
  type        = bool
  default     = true
}

variable "admin_password" {
  description = "Password of the broker user (12+ characters), from the CI secret store."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.admin_password) >= 12
    error_message = "admin_password must be at least 12 characters long."
  }
}

variable "kms_key_arn" {
  description = "KMS key for data at rest."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
