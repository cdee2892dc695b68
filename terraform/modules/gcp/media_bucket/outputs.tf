output "bucket_name" {
  description = "MEDIA_BUCKET of the catalog."
  value       = google_storage_bucket.media.name
}

output "media_ip_address" {
  description = "Where the media_domain's DNS A record points."
  value       = google_compute_global_address.media.address
}

output "catalog_service_account_email" {
  description = "Google service account of the catalog (annotation iam.gke.io/gcp-service-account)."
  value       = google_service_account.catalog_media.email
}
