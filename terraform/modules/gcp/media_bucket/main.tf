# The bucket of the uploaded media (product images and thumbnails, under catalog/) behind Cloud CDN.
# Private (public access prevention enforced, uniform access): Cloud CDN's fill service account reads it,
# the catalog's pods write it through Workload Identity (Kubernetes service account "catalog"). Versioned,
# CMEK-encrypted, old versions deleted after 90 days, access logged to the log bucket.
resource "google_storage_bucket" "media" {
  project                     = var.project_id
  name                        = var.bucket_name
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = var.labels

  versioning {
    enabled = true
  }
  encryption {
    default_kms_key_name = var.kms_key_id
  }
  logging {
    log_bucket        = var.access_log_bucket
    log_object_prefix = "gcs/${var.bucket_name}/"
  }
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 90
    }
    action {
      type = "Delete"
    }
  }
}

# The catalog's Google service account, bound to its Kubernetes service account (Workload Identity).
resource "google_service_account" "catalog_media" {
  project      = var.project_id
  account_id   = "${var.name}-catalog-media"
  display_name = "catalog: product images"
}

resource "google_service_account_iam_member" "catalog_workload_identity" {
  service_account_id = google_service_account.catalog_media.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.namespace}/catalog]"
}

resource "google_storage_bucket_iam_member" "catalog_writes" {
  bucket = google_storage_bucket.media.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.catalog_media.email}"
}

resource "google_storage_bucket_iam_member" "cdn_reads" {
  bucket = google_storage_bucket.media.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:service-${var.project_number}@cloud-cdn-fill.iam.gserviceaccount.com"
}

resource "google_compute_backend_bucket" "media" {
  project     = var.project_id
  name        = "${var.name}-media"
  bucket_name = google_storage_bucket.media.name
  enable_cdn  = true
  cdn_policy {
    cache_mode  = "CACHE_ALL_STATIC"
    default_ttl = 86400
    max_ttl     = 31536000
  }
}

resource "google_compute_url_map" "media" {
  project         = var.project_id
  name            = "${var.name}-media"
  default_service = google_compute_backend_bucket.media.id
}

resource "google_compute_managed_ssl_certificate" "media" {
  project = var.project_id
  name    = "${var.name}-media"
  managed {
    domains = [var.media_domain]
  }
}

resource "google_compute_ssl_policy" "media" {
  project         = var.project_id
  name            = "${var.name}-media"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "media" {
  project          = var.project_id
  name             = "${var.name}-media"
  url_map          = google_compute_url_map.media.id
  ssl_certificates = [google_compute_managed_ssl_certificate.media.id]
  ssl_policy       = google_compute_ssl_policy.media.id
}

resource "google_compute_global_address" "media" {
  project = var.project_id
  name    = "${var.name}-media"
}

resource "google_compute_global_forwarding_rule" "media" {
  project               = var.project_id
  name                  = "${var.name}-media"
  target                = google_compute_target_https_proxy.media.id
  ip_address            = google_compute_global_address.media.id
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
