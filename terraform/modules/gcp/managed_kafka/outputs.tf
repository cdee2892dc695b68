output "bootstrap_address" {
  description = "KAFKA_BOOTSTRAP_SERVERS (SASL_SSL, OAUTHBEARER)."
  value       = "bootstrap.${google_managed_kafka_cluster.this.cluster_id}.${var.region}.managedkafka.${var.project_id}.cloud.goog:9092"
}

output "events_kafka_settings" {
  description = "Environment of every service (ConfigMap): how manage.py kafka_topics creates the topics (Managed Kafka replicates 3 ways)."
  value = {
    EVENTS_KAFKA_REPLICATION         = tostring(var.replication_factor)
    EVENTS_KAFKA_MIN_INSYNC_REPLICAS = tostring(var.min_insync_replicas)
    EVENTS_KAFKA_PARTITIONS          = tostring(var.partitions)
    EVENTS_KAFKA_AUTO_CREATE_TOPICS  = "false"
  }
}
