/**
 * Attributes whose change makes Terraform destroy the resource and create a new one, for the
 * resource types o11y-stack emits, as the providers document them ("Forces new resource" in
 * each type's argument reference: registry.terraform.io/providers/hashicorp/aws/latest/docs/
 * resources/<type>, kreuzwerker/docker for docker_*). A replaced store of data loses its data.
 */
export const FORCES_NEW: Readonly<Record<string, readonly string[]>> = {
  // docs/resources/s3_bucket: bucket, bucket_prefix (Forces new resource)
  aws_s3_bucket: ['bucket', 'bucket_prefix'],
  // docs/resources/efs_file_system: creation_token, performance_mode, encrypted, kms_key_id
  aws_efs_file_system: ['creation_token', 'performance_mode', 'encrypted', 'kms_key_id', 'availability_zone_name'],
  // docs/resources/efs_access_point: file_system_id, posix_user, root_directory
  aws_efs_access_point: ['file_system_id', 'posix_user', 'root_directory'],
  // docs/resources/service_discovery_private_dns_namespace: name, vpc
  aws_service_discovery_private_dns_namespace: ['name', 'vpc'],
  // docs/resources/service_discovery_service: name, namespace_id
  aws_service_discovery_service: ['name', 'namespace_id'],
  // docs/resources/ecs_cluster: name
  aws_ecs_cluster: ['name'],
  // docs/resources/ecs_service: name, cluster, launch_type
  aws_ecs_service: ['name', 'cluster', 'launch_type'],
  // docs/resources/security_group: name, name_prefix, description, vpc_id
  aws_security_group: ['name', 'name_prefix', 'description', 'vpc_id'],
  // docs/resources/secretsmanager_secret: name, name_prefix
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  // docs/resources/ssm_parameter: name
  aws_ssm_parameter: ['name'],
  // docs/resources/cloudwatch_log_group: name, name_prefix
  aws_cloudwatch_log_group: ['name', 'name_prefix'],
  // docs/resources/iam_role: name, name_prefix, path
  aws_iam_role: ['name', 'name_prefix', 'path'],
  // kreuzwerker/docker docs/resources/volume: name, driver, driver_opts
  docker_volume: ['name', 'driver', 'driver_opts'],
  // docs/resources/msk_cluster: cluster_name; encryption_info (encryption at rest cannot change on
  // an existing cluster: AWS::MSK::Cluster EncryptionAtRest "Update requires: Replacement")
  aws_msk_cluster: ['cluster_name', 'encryption_info'],
  // kreuzwerker/docker docs/resources/network: name, driver
  docker_network: ['name', 'driver'],
};

/** Resource types that hold data: removing or replacing one deletes what it stores (MSK: the spans not yet in blocks). */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set(['aws_s3_bucket', 'aws_efs_file_system', 'docker_volume', 'aws_secretsmanager_secret', 'aws_msk_cluster']);
