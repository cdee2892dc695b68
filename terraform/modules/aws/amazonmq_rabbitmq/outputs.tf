output "amqps_endpoint" {
  description = "AMQPS endpoint; RABBITMQ_URL is amqps://shop:<password>@<host>:5671/%2F."
  value       = aws_mq_broker.this.instances[0].endpoints[0]
}
