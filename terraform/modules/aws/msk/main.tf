# Kafka on MSK: brokers in the private data subnets, TLS between clients and brokers and inside the
# cluster, encryption at rest with KMS, broker logs to CloudWatch. Clients authenticate with SASL/SCRAM
# (username and password, which librdkafka speaks natively; the secret is KMS-encrypted in Secrets
# Manager) or with IAM.
resource "aws_security_group" "this" {
  name        = "${var.name}-kafka"
  description = "Kafka (TLS and IAM) from the EKS nodes and pods only"
  vpc_id      = var.vpc_id
  ingress {
    description     = "Kafka TLS and SASL/IAM from the cluster"
    from_port       = 9094
    to_port         = 9098
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }
  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/msk/${var.name}"
  retention_in_days = 365
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# The events backbone creates its topics at deploy time (manage.py kafka_topics, the catalog-kafka-topics
# Job) with EVENTS_KAFKA_REPLICATION / EVENTS_KAFKA_MIN_INSYNC_REPLICAS / EVENTS_KAFKA_PARTITIONS: the
# events_kafka_settings output gives CD those values, so topics and brokers always agree.
locals {
  replication_factor  = coalesce(var.replication_factor, min(3, length(var.subnet_ids)))
  min_insync_replicas = coalesce(var.min_insync_replicas, max(1, local.replication_factor - 1))
}

resource "aws_msk_configuration" "this" {
  name           = var.name
  kafka_versions = [var.kafka_version]
  server_properties = join("\n", [
    "auto.create.topics.enable=false",
    "default.replication.factor=${local.replication_factor}",
    "min.insync.replicas=${local.min_insync_replicas}",
    "num.partitions=${var.partitions}",
    "unclean.leader.election.enable=false",
  ])
}

resource "aws_msk_cluster" "this" {
  cluster_name           = var.name
  kafka_version          = var.kafka_version
  number_of_broker_nodes = length(var.subnet_ids)
  enhanced_monitoring    = "PER_TOPIC_PER_BROKER"

  broker_node_group_info {
    instance_type   = var.broker_instance_type
    client_subnets  = var.subnet_ids
    security_groups = [aws_security_group.this.id]
    storage_info {
      ebs_storage_info {
        volume_size = var.broker_volume_gb
      }
    }
    connectivity_info {
      public_access {
        type = "DISABLED"
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  client_authentication {
    unauthenticated = false
    sasl {
      iam   = true
      scram = true
    }
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = var.kms_key_arn
    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.this.name
      }
    }
  }

  tags = var.tags
}

# The SCRAM credentials of the shop's services. MSK requires the "AmazonMSK_" prefix and a customer key.
resource "aws_secretsmanager_secret" "scram" {
  name       = "AmazonMSK_${var.name}"
  kms_key_id = var.kms_key_arn
  tags       = var.tags
}

resource "aws_secretsmanager_secret_version" "scram" {
  secret_id     = aws_secretsmanager_secret.scram.id
  secret_string = jsonencode({ username = "shop", password = var.scram_password })
}

resource "aws_msk_scram_secret_association" "this" {
  cluster_arn     = aws_msk_cluster.this.arn
  secret_arn_list = [aws_secretsmanager_secret.scram.arn]
  depends_on      = [aws_secretsmanager_secret_version.scram]
}
