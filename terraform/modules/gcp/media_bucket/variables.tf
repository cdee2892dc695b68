variable "project_id" {
  description = "Project of the bucket and the load balancer."
  type        = string
}

variable "project_number" {
  description = "Project number (names Cloud CDN's fill service account)."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name (the environment's name)."
  type        = string
}

variable "region" {
  description = "Location of the bucket."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique bucket name; MEDIA_BUCKET of the catalog."
  type        = string
}

variable "kms_key_id" {
  description = "Cloud KMS key the objects are encrypted with."
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket that receives the access logs."
  type        = string
}

variable "media_domain" {
  description = "Public domain of the media (MEDIA_CUSTOM_DOMAIN), with a Google-managed certificate."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of the shop's services."
  type        = string
  default     = "shop"
}

variable "labels" {
  description = "Labels of the bucket."
  type        = map(string)
  default     = {}
}
