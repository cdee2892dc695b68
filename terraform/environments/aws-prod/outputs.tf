output "cluster_name" {
  description = "EKS cluster (aws eks update-kubeconfig --name <cluster_name>)."
  value       = module.eks.cluster_name
}

output "vpc_cidr" {
  description = "VPC range (the overlay's egress NetworkPolicies allow it for the data ports)."
  value       = module.network.vpc_cidr
}

output "postgresql_endpoint" {
  description = "RDS endpoint for DATABASE_URL (one database per service)."
  value       = module.postgresql.endpoint
}

output "postgresql_master_secret_arn" {
  description = "Secrets Manager secret of the RDS master user."
  value       = module.postgresql.master_user_secret_arn
}

output "redis_endpoint" {
  description = "ElastiCache primary endpoint for REDIS_URL (rediss://)."
  value       = module.redis.primary_endpoint
}

output "kafka_bootstrap_servers" {
  description = "MSK bootstrap brokers (SASL/SCRAM-SHA-512 over TLS) for KAFKA_BOOTSTRAP_SERVERS."
  value       = module.kafka.bootstrap_brokers_scram
}

output "rabbitmq_endpoint" {
  description = "Amazon MQ AMQPS endpoint for RABBITMQ_URL."
  value       = module.rabbitmq.amqps_endpoint
}

output "documentdb_endpoint" {
  description = "DocumentDB endpoint for MONGODB_URI (tls=true)."
  value       = module.documentdb.endpoint
}

output "events_kafka_settings" {
  description = "EVENTS_KAFKA_* for the services' ConfigMap: the topics manage.py kafka_topics creates."
  value       = module.kafka.events_kafka_settings
}

output "media_bucket" {
  description = "MEDIA_BUCKET of the catalog (k8s ConfigMap)."
  value       = module.media.bucket_name
}

output "media_distribution_domain_name" {
  description = "Where the media_domain's DNS alias points."
  value       = module.media.distribution_domain_name
}

output "catalog_media_role_arn" {
  description = "IRSA role of the catalog service account (eks.amazonaws.com/role-arn annotation)."
  value       = module.media.catalog_role_arn
}
