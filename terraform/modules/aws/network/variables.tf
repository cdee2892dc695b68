variable "name" {
  description = "Name prefix of the VPC and its parts."
  type        = string
}

variable "cidr" {
  description = "IPv4 range of the VPC, at least a /16 so that every subnet tier fits."
  type        = string
  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) <= 16
    error_message = "cidr must be a valid IPv4 range of /16 or larger, e.g. 10.20.0.0/16."
  }
}

variable "az_count" {
  description = "Availability zones to spread the subnets over."
  type        = number
  default     = 3
  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow-log group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "availability_zones" {
  description = "Zone names to use, pinned so that a zone AWS adds later never moves a subnet."
  type        = list(string)
  default     = ["sa-east-1a", "sa-east-1b", "sa-east-1c"]
  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "availability_zones must list at least two zones."
  }
}
