# Production on AWS: VPC, EKS, RDS PostgreSQL, ElastiCache Redis, MSK, Amazon MQ for RabbitMQ and
# DocumentDB, all in private subnets, encrypted with one KMS key, reachable only from the cluster.
locals {
  name = "shop-${var.environment}"
  tags = { project = "cosmeticos", environment = var.environment, managed-by = "terraform" }
}

module "kms" {
  source = "../../modules/aws/kms"
  name   = local.name
  tags   = local.tags
}

module "network" {
  source             = "../../modules/aws/network"
  name               = local.name
  cidr               = var.vpc_cidr
  az_count           = 3
  availability_zones = ["${var.region}a", "${var.region}b", "${var.region}c"]
  kms_key_arn        = module.kms.key_arn
  tags               = local.tags
}

module "eks" {
  source              = "../../modules/aws/eks"
  name                = local.name
  vpc_id              = module.network.vpc_id
  vpc_cidr            = module.network.vpc_cidr
  subnet_ids          = module.network.app_subnet_ids
  admin_cidrs         = var.admin_cidrs
  admin_role_arns     = var.cluster_admin_role_arns
  node_instance_types = ["m6i.large"]
  node_min_size       = 3
  node_max_size       = 12
  kms_key_arn         = module.kms.key_arn
  tags                = local.tags
}

module "postgresql" {
  source                    = "../../modules/aws/rds_postgresql"
  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = [module.eks.cluster_security_group_id]
  instance_class            = "db.m6g.large"
  multi_az                  = true
  kms_key_arn               = module.kms.key_arn
  tags                      = local.tags
}

module "redis" {
  source                    = "../../modules/aws/elasticache_redis"
  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = [module.eks.cluster_security_group_id]
  replicas                  = 2
  auth_token                = var.redis_auth_token
  kms_key_arn               = module.kms.key_arn
  tags                      = local.tags
}

module "kafka" {
  source                    = "../../modules/aws/msk"
  name                      = local.name
  scram_password            = var.kafka_password
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = [module.eks.cluster_security_group_id]
  kms_key_arn               = module.kms.key_arn
  tags                      = local.tags
}

module "rabbitmq" {
  source                    = "../../modules/aws/amazonmq_rabbitmq"
  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = [module.eks.cluster_security_group_id]
  cluster                   = true
  admin_password            = var.rabbitmq_password
  kms_key_arn               = module.kms.key_arn
  tags                      = local.tags
}

module "documentdb" {
  source                    = "../../modules/aws/documentdb"
  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = [module.eks.cluster_security_group_id]
  instance_count            = 2
  kms_key_arn               = module.kms.key_arn
  tags                      = local.tags
}

module "media" {
  source            = "../../modules/aws/media_bucket"
  name              = local.name
  bucket_name       = "cosmeticos-${var.environment}-media"
  kms_key_arn       = module.kms.key_arn
  access_log_bucket = var.access_log_bucket
  media_domain      = var.media_domain
  certificate_arn   = var.media_certificate_arn
  web_acl_arn       = var.media_web_acl_arn
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_provider_url = module.eks.oidc_provider_url
  tags              = local.tags
}
