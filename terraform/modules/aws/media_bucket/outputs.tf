output "bucket_name" {
  description = "MEDIA_BUCKET of the catalog."
  value       = aws_s3_bucket.media.id
}

output "distribution_domain_name" {
  description = "CloudFront domain the media_domain's DNS record (CNAME/alias) points at."
  value       = aws_cloudfront_distribution.media.domain_name
}

output "catalog_role_arn" {
  description = "IRSA role for the catalog service account (annotation eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.catalog_media.arn
}
