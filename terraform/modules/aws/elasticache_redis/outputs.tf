output "primary_endpoint" {
  description = "Primary endpoint; REDIS_URL is rediss://:<auth token>@<endpoint>:6379/0."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}
