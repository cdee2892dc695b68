output "bootstrap_brokers_iam" {
  description = "KAFKA_BOOTSTRAP_SERVERS for SASL/IAM over TLS."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}
