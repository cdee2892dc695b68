output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 range of the VPC (the Kubernetes egress NetworkPolicies allow it for the data ports)."
  value       = aws_vpc.this.cidr_block
}

output "app_subnet_ids" {
  description = "Private subnets of the EKS nodes."
  value       = aws_subnet.app[*].id
}

output "data_subnet_ids" {
  description = "Private subnets of the managed data stores."
  value       = aws_subnet.data[*].id
}

output "public_subnet_ids" {
  description = "Public subnets (NAT gateways, internet-facing load balancers)."
  value       = aws_subnet.public[*].id
}
