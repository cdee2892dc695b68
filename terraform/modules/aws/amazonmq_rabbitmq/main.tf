# RabbitMQ on Amazon MQ: a three-node cluster across zones, private, AMQPS only, KMS encryption, general
# logs to CloudWatch, minor versions upgraded in the maintenance window.
resource "aws_security_group" "this" {
  name        = "${var.name}-rabbitmq"
  description = "AMQPS from the EKS nodes and pods only"
  vpc_id      = var.vpc_id
  ingress {
    description     = "AMQP over TLS from the cluster"
    from_port       = 5671
    to_port         = 5671
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }
  tags = var.tags
}

resource "aws_mq_broker" "this" {
  broker_name                = var.name
  engine_type                = "RabbitMQ"
  engine_version             = var.engine_version
  host_instance_type         = var.instance_type
  deployment_mode            = var.cluster ? "CLUSTER_MULTI_AZ" : "SINGLE_INSTANCE"
  subnet_ids                 = var.cluster ? var.subnet_ids : [var.subnet_ids[0]]
  security_groups            = [aws_security_group.this.id]
  publicly_accessible        = false
  auto_minor_version_upgrade = true

  encryption_options {
    kms_key_id        = var.kms_key_arn
    use_aws_owned_key = false
  }

  logs {
    general = true
  }

  maintenance_window_start_time {
    day_of_week = "SUNDAY"
    time_of_day = "05:00"
    time_zone   = "UTC"
  }

  user {
    username = "shop"
    password = var.admin_password
  }

  tags = var.tags
}
