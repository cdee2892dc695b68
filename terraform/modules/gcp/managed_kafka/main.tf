# Kafka on Google Cloud Managed Service for Apache Kafka: brokers reachable from the GKE subnet,
# encrypted with CMEK, authenticated with IAM (SASL/OAUTHBEARER via the Workload Identity of the pods).
resource "google_managed_kafka_cluster" "this" {
  project    = var.project_id
  cluster_id = var.name
  location   = var.region

  capacity_config {
    vcpu_count   = var.vcpu_count
    memory_bytes = var.memory_gb * 1024 * 1024 * 1024
  }

  gcp_config {
    kms_key = var.kms_key_id
    access_config {
      network_configs {
        subnet = var.subnet_id
      }
    }
  }

  rebalance_config {
    mode = "AUTO_REBALANCE_ON_SCALE_UP"
  }

  labels = var.labels
}
