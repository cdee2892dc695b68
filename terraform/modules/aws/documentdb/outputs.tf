output "endpoint" {
  description = "Cluster endpoint; MONGODB_URI is mongodb://<user>:<password>@<endpoint>:27017/catalog?tls=true&replicaSet=rs0&retryWrites=false."
  value       = aws_docdb_cluster.this.endpoint
}
