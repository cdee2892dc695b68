variable "name" {
  description = "Cluster name."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version (the manifests are validated against 1.31)."
  type        = string
  default     = "1.31"
  validation {
    condition     = can(regex("^1\\.(2[9]|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be a supported minor version such as 1.31."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC (API access from inside)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the control-plane ENIs and the nodes."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "admin_cidrs" {
  description = "Ranges allowed to reach the public API endpoint; empty keeps the endpoint private only."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for cidr in var.admin_cidrs : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "admin_cidrs must be valid ranges and never 0.0.0.0/0."
  }
}

variable "node_instance_types" {
  description = "Instance types of the default node group."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "node_min_size" {
  description = "Minimum (and initial) number of nodes."
  type        = number
  default     = 3
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
  default     = 9
  validation {
    condition     = var.node_max_size >= 1 && var.node_max_size <= 100
    error_message = "node_max_size must be between 1 and 100."
  }
}

variable "oidc_thumbprints" {
  description = "Root CA thumbprints of the cluster's OIDC issuer (IAM roles for service accounts)."
  type        = list(string)
  default     = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

variable "kms_key_arn" {
  description = "KMS key for Secrets envelope encryption, node volumes and the log group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "admin_role_arns" {
  description = "IAM roles given cluster-admin through EKS access entries (operators and the CD deploy role)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for arn in var.admin_role_arns : can(regex("^arn:aws:iam::[0-9]{12}:role/", arn))])
    error_message = "admin_role_arns must be IAM role ARNs."
  }
}
