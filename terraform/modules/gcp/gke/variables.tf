variable "project_id" {
  description = "GCP project."
  type        = string
}

variable "name" {
  description = "Cluster name."
  type        = string
}

variable "region" {
  description = "Region (the cluster is regional: control plane and nodes in three zones)."
  type        = string
}

variable "network_id" {
  description = "VPC network."
  type        = string
}

variable "subnet_id" {
  description = "Subnet with the pods and services secondary ranges."
  type        = string
}

variable "master_cidr" {
  description = "/28 range of the control plane's private endpoint."
  type        = string
  default     = "172.16.0.0/28"
  validation {
    condition     = can(cidrhost(var.master_cidr, 0)) && endswith(var.master_cidr, "/28")
    error_message = "master_cidr must be a /28 range."
  }
}

variable "admin_cidrs" {
  description = "Ranges allowed to reach the API; empty keeps the endpoint private only."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for cidr in var.admin_cidrs : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "admin_cidrs must be valid ranges and never 0.0.0.0/0."
  }
}

variable "machine_type" {
  description = "Machine type of the node pool."
  type        = string
  default     = "e2-standard-4"
}

variable "node_min_count" {
  description = "Minimum nodes per zone."
  type        = number
  default     = 1
}

variable "node_max_count" {
  description = "Maximum nodes per zone."
  type        = number
  default     = 3
  validation {
    condition     = var.node_max_count >= 1 && var.node_max_count <= 50
    error_message = "node_max_count must be between 1 and 50."
  }
}

variable "kms_key_id" {
  description = "Cloud KMS key that encrypts Kubernetes Secrets."
  type        = string
}

variable "labels" {
  description = "Labels for the cluster and nodes."
  type        = map(string)
  default     = {}
}

variable "rbac_security_group" {
  description = "Google Group whose member groups can be bound in Kubernetes RBAC (gke-security-groups@<domain>)."
  type        = string
  default     = "gke-security-groups@cosmeticos.co"
  validation {
    condition     = startswith(var.rbac_security_group, "gke-security-groups@")
    error_message = "GKE requires the group to be named gke-security-groups@<your domain>."
  }
}
