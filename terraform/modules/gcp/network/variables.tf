variable "project_id" {
  description = "GCP project."
  type        = string
}

variable "name" {
  description = "Name of the network and its parts."
  type        = string
}

variable "region" {
  description = "Region of the subnet."
  type        = string
}

variable "nodes_cidr" {
  description = "Primary range of the subnet (GKE nodes)."
  type        = string
  default     = "10.30.0.0/20"
  validation {
    condition     = can(cidrhost(var.nodes_cidr, 0))
    error_message = "nodes_cidr must be a valid IPv4 range."
  }
}

variable "pods_cidr" {
  description = "Secondary range for pods."
  type        = string
  default     = "10.32.0.0/14"
  validation {
    condition     = can(cidrhost(var.pods_cidr, 0))
    error_message = "pods_cidr must be a valid IPv4 range."
  }
}

variable "services_cidr" {
  description = "Secondary range for Services."
  type        = string
  default     = "10.36.0.0/20"
  validation {
    condition     = can(cidrhost(var.services_cidr, 0))
    error_message = "services_cidr must be a valid IPv4 range."
  }
}
