variable "region" {
  description = "AWS region."
  type        = string
  default     = "sa-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as sa-east-1."
  }
}

variable "environment" {
  description = "Environment name, part of every resource name."
  type        = string
  default     = "prod"
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC (k8s/overlays/prod allows it for the data ports)."
  type        = string
  default     = "10.20.0.0/16"
  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a valid IPv4 range."
  }
}

variable "admin_cidrs" {
  description = "Ranges allowed to reach the EKS API from outside the VPC (the CD runners' egress)."
  type        = list(string)
  default     = []
}

variable "cluster_admin_role_arns" {
  description = "IAM roles with cluster-admin on EKS: the operators' role and the CD deploy role."
  type        = list(string)
  default     = []
}

variable "redis_auth_token" {
  description = "ElastiCache AUTH token (TF_VAR_redis_auth_token from the environment's secrets)."
  type        = string
  sensitive   = true
}

variable "rabbitmq_password" {
  description = "Amazon MQ user password (TF_VAR_rabbitmq_password from the environment's secrets)."
  type        = string
  sensitive   = true
}

variable "kafka_password" {
  description = "MSK SASL/SCRAM password of the services (TF_VAR_kafka_password from the environment's secrets)."
  type        = string
  sensitive   = true
}

variable "media_domain" {
  description = "Public domain of the product images (MEDIA_CUSTOM_DOMAIN of the catalog)."
  type        = string
  default     = "media.cosmeticos.co"
}

variable "media_certificate_arn" {
  description = "ACM certificate of media_domain in us-east-1 (CloudFront), issued once outside Terraform."
  type        = string
  validation {
    condition     = can(regex("^arn:aws:acm:us-east-1:", var.media_certificate_arn))
    error_message = "media_certificate_arn must be an ACM certificate in us-east-1."
  }
}

variable "media_web_acl_arn" {
  description = "WAFv2 web ACL (scope CLOUDFRONT) in front of the media distribution."
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket that receives S3 and CloudFront access logs."
  type        = string
}
