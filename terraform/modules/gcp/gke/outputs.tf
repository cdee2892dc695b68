output "cluster_name" {
  description = "Name of the cluster (gcloud container clusters get-credentials ...)."
  value       = google_container_cluster.this.name
}

output "endpoint" {
  description = "Kubernetes API endpoint."
  value       = google_container_cluster.this.endpoint
  sensitive   = true
}
