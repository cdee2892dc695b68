variable "name" {
  description = "Prefix of the IAM role name (the environment's name)."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique bucket name; MEDIA_BUCKET in the catalog's ConfigMap."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key the objects are encrypted with."
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket that receives the S3 server access logs."
  type        = string
}

variable "media_domain" {
  description = "Public domain of the media (MEDIA_CUSTOM_DOMAIN), served by CloudFront."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate of media_domain, in us-east-1 (CloudFront's requirement)."
  type        = string
}

variable "web_acl_arn" {
  description = "WAFv2 web ACL (scope CLOUDFRONT) in front of the distribution."
  type        = string
}

variable "oidc_provider_arn" {
  description = "The EKS cluster's IAM OIDC provider (IAM roles for service accounts)."
  type        = string
}

variable "oidc_provider_url" {
  description = "The OIDC issuer without https:// (the condition keys' prefix)."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of the shop's services."
  type        = string
  default     = "shop"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
