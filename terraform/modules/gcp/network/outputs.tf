output "network_id" {
  description = "ID of the VPC network."
  value       = google_compute_network.this.id
}

output "subnet_id" {
  description = "ID of the GKE subnet."
  value       = google_compute_subnetwork.nodes.id
}

output "private_services_connection" {
  description = "The private services peering (Cloud SQL and Memorystore depend on it)."
  value       = google_service_networking_connection.this.id
}
