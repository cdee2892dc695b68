variable "name" {
  description = "Cluster name."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the brokers."
  type        = string
}

variable "subnet_ids" {
  description = "Private data subnets, one broker in each (2 or 3 zones)."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 2 && length(var.subnet_ids) <= 3
    error_message = "MSK needs two or three subnets in distinct zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect (the EKS cluster's)."
  type        = list(string)
}

variable "kafka_version" {
  description = "Apache Kafka version."
  type        = string
  default     = "3.6.0"
}

variable "broker_instance_type" {
  description = "Broker instance type."
  type        = string
  default     = "kafka.m5.large"
  validation {
    condition     = can(regex("^kafka\\.", var.broker_instance_type))
    error_message = "broker_instance_type must be an MSK type such as kafka.m5.large."
  }
}

variable "broker_volume_gb" {
  description = "EBS storage per broker."
  type        = number
  default     = 100
}

variable "kms_key_arn" {
  description = "KMS key for data at rest and the log group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "scram_password" {
  description = "SASL/SCRAM password of the services' Kafka user (TF_VAR_kafka_password in CD)."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.scram_password) >= 16
    error_message = "scram_password must be at least 16 characters long."
  }
}

variable "replication_factor" {
  description = "Replication factor of the topics (null: 3, or the broker count when smaller)."
  type        = number
  default     = null
}

variable "min_insync_replicas" {
  description = "min.insync.replicas of the topics (null: replication factor - 1, at least 1)."
  type        = number
  default     = null
}

variable "partitions" {
  description = "Partitions per topic (EVENTS_KAFKA_PARTITIONS)."
  type        = number
  default     = 6
}
