output "bootstrap_brokers_scram" {
  description = "KAFKA_BOOTSTRAP_SERVERS for SASL/SCRAM-SHA-512 over TLS (port 9096)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
}

output "bootstrap_brokers_iam" {
  description = "KAFKA_BOOTSTRAP_SERVERS for SASL/IAM over TLS."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}

output "events_kafka_settings" {
  description = "Environment of every service (ConfigMap): how manage.py kafka_topics creates the topics."
  value = {
    EVENTS_KAFKA_REPLICATION         = tostring(local.replication_factor)
    EVENTS_KAFKA_MIN_INSYNC_REPLICAS = tostring(local.min_insync_replicas)
    EVENTS_KAFKA_PARTITIONS          = tostring(var.partitions)
    EVENTS_KAFKA_AUTO_CREATE_TOPICS  = "false"
  }
}
