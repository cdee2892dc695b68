output "cluster_name" {
  description = "GKE cluster (gcloud container clusters get-credentials <cluster_name> --region <region>)."
  value       = module.gke.cluster_name
}

output "postgresql_private_ip" {
  description = "Cloud SQL private IP for DATABASE_URL."
  value       = module.postgresql.private_ip
}

output "redis_host" {
  description = "Memorystore host for REDIS_URL (rediss://, port 6378)."
  value       = module.redis.host
}

output "kafka_bootstrap_servers" {
  description = "Managed Kafka bootstrap address for KAFKA_BOOTSTRAP_SERVERS."
  value       = module.kafka.bootstrap_address
}

output "project_number" {
  description = "Project number (Workload Identity bindings)."
  value       = data.google_project.this.number
}

output "events_kafka_settings" {
  description = "EVENTS_KAFKA_* for the services' ConfigMap: the topics manage.py kafka_topics creates."
  value       = module.kafka.events_kafka_settings
}

output "media_bucket" {
  description = "MEDIA_BUCKET of the catalog (MEDIA_STORAGE=gcs)."
  value       = module.media.bucket_name
}

output "media_ip_address" {
  description = "Where the media domain's DNS A record points."
  value       = module.media.media_ip_address
}

output "catalog_media_service_account" {
  description = "Google service account of the catalog (Workload Identity annotation)."
  value       = module.media.catalog_service_account_email
}
