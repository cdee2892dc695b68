output "host" {
  description = "Private host; REDIS_URL is rediss://:<auth string>@<host>:6378/0."
  value       = google_redis_instance.this.host
}

output "auth_string" {
  description = "The AUTH string."
  value       = google_redis_instance.this.auth_string
  sensitive   = true
}
