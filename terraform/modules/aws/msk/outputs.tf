output "bootstrap_brokers_scram" {
  description = "KAFKA_BOOTSTRAP_SERVERS for SASL/SCRAM-SHA-512 over TLS (port 9096)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
}

output "bootstrap_brokers_iam" {
  description = "KAFKA_BOOTSTRAP_SERVERS for SASL/IAM over TLS."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}
