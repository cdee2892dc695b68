# Production on GCP: VPC, private GKE, Cloud SQL PostgreSQL, Memorystore Redis and Managed Kafka, all
# encrypted with one Cloud KMS key. RabbitMQ and MongoDB: see terraform/modules/gcp/README.md (RabbitMQ
# Cluster Operator on GKE and MongoDB Atlas by default).
locals {
  name   = "shop-${var.environment}"
  labels = { project = "cosmeticos", environment = var.environment, managed-by = "terraform" }
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_kms_key_ring" "this" {
  project  = var.project_id
  name     = local.name
  location = var.region
}

resource "google_kms_crypto_key" "data" {
  name            = "${local.name}-data"
  key_ring        = google_kms_key_ring.this.id
  rotation_period = "7776000s"
  lifecycle {
    prevent_destroy = true
  }
}

module "network" {
  source     = "../../modules/gcp/network"
  project_id = var.project_id
  name       = local.name
  region     = var.region
}

module "gke" {
  source      = "../../modules/gcp/gke"
  project_id  = var.project_id
  name        = local.name
  region      = var.region
  network_id  = module.network.network_id
  subnet_id   = module.network.subnet_id
  admin_cidrs = var.admin_cidrs
  kms_key_id  = google_kms_crypto_key.data.id
  labels      = local.labels
}

module "postgresql" {
  source     = "../../modules/gcp/cloudsql_postgresql"
  project_id = var.project_id
  name       = local.name
  region     = var.region
  network_id = module.network.network_id
  kms_key_id = google_kms_crypto_key.data.id
  labels     = local.labels
  depends_on = [module.network]
}

module "redis" {
  source     = "../../modules/gcp/memorystore_redis"
  project_id = var.project_id
  name       = local.name
  region     = var.region
  network_id = module.network.network_id
  kms_key_id = google_kms_crypto_key.data.id
  labels     = local.labels
  depends_on = [module.network]
}

module "kafka" {
  source     = "../../modules/gcp/managed_kafka"
  project_id = var.project_id
  name       = local.name
  region     = var.region
  subnet_id  = module.network.subnet_id
  kms_key_id = google_kms_crypto_key.data.id
  labels     = local.labels
}

module "media" {
  source            = "../../modules/gcp/media_bucket"
  project_id        = var.project_id
  project_number    = data.google_project.this.number
  name              = local.name
  region            = var.region
  bucket_name       = "cosmeticos-${var.environment}-media-gcp"
  kms_key_id        = google_kms_crypto_key.data.id
  access_log_bucket = var.access_log_bucket
  media_domain      = var.media_domain
  labels            = local.labels
}
