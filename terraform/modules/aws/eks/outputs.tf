output "cluster_name" {
  description = "Name of the cluster (aws eks update-kubeconfig --name ...)."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_security_group_id" {
  description = "Security group EKS attaches to the nodes and pods; the data stores admit it."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider for IAM roles for service accounts."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_provider_url" {
  description = "The OIDC issuer without https:// (prefix of the IRSA trust policy's condition keys)."
  value       = replace(aws_iam_openid_connect_provider.this.url, "https://", "")
}
