output "bootstrap_address" {
  description = "KAFKA_BOOTSTRAP_SERVERS (SASL_SSL, OAUTHBEARER)."
  value       = "bootstrap.${google_managed_kafka_cluster.this.cluster_id}.${var.region}.managedkafka.${var.project_id}.cloud.goog:9092"
}
