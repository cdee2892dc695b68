variable "project_id" {
  description = "GCP project."
  type        = string
}

variable "name" {
  description = "Cluster id."
  type        = string
}

variable "region" {
  description = "Region of the cluster."
  type        = string
}

variable "subnet_id" {
  description = "Subnet whose clients reach the brokers (the GKE subnet)."
  type        = string
}

variable "vcpu_count" {
  description = "vCPUs of the cluster (at least 3)."
  type        = number
  default     = 3
  validation {
    condition     = var.vcpu_count >= 3
    error_message = "Managed Kafka needs at least 3 vCPUs."
  }
}

variable "memory_gb" {
  description = "Memory of the cluster (1 to 8 GiB per vCPU)."
  type        = number
  default     = 12
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

variable "replication_factor" {
  description = "Replication factor of the topics (EVENTS_KAFKA_REPLICATION)."
  type        = number
  default     = 3
}

variable "min_insync_replicas" {
  description = "min.insync.replicas of the topics (EVENTS_KAFKA_MIN_INSYNC_REPLICAS)."
  type        = number
  default     = 2
}

variable "partitions" {
  description = "Partitions per topic (EVENTS_KAFKA_PARTITIONS)."
  type        = number
  default     = 6
}
