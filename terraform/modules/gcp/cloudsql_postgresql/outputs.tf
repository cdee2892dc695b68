output "private_ip" {
  description = "Private IP; DATABASE_URL is postgres://<service>:<password>@<ip>:5432/<service>?sslmode=require."
  value       = google_sql_database_instance.this.private_ip_address
}

output "connection_name" {
  description = "Instance connection name (Cloud SQL Auth Proxy)."
  value       = google_sql_database_instance.this.connection_name
}
