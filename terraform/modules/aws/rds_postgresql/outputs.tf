output "endpoint" {
  description = "host:port of the instance; DATABASE_URL is postgres://<service>:<password>@<endpoint>/<service>?sslmode=require."
  value       = aws_db_instance.this.endpoint
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret holding the master password."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}
