import { registryAndPath, splitImageReference } from '../../components/image-reference';
import type { PolicyStatement } from './task-role';

/** A private ECR registry's host (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`); ECR Public needs no permission. */
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** The ARN of the private ECR repository an image is pulled from; undefined for any other registry. */
export function ecrRepositoryArn(image: string): string | undefined {
  const ref = splitImageReference(image);
  if (!ref) return undefined;
  const { registry, path } = registryAndPath(ref.repository);
  const m = ECR_HOST.exec(registry);
  if (!m) return undefined;
  const [, account, region, china] = m;
  const partition = china ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:ecr:${region}:${account}:repository/${path}`;
}

/**
 * What the ECS agent needs to pull a task's images from private ECR repositories (an ECR
 * pull-through cache in front of Docker Hub, or a team's own repository): a registry token
 * (`ecr:GetAuthorizationToken` has no resource-level permissions: `*`) and the layers of exactly
 * these repositories. None when no image is in private ECR. A pull-through cache's first pull of an
 * image also imports it (`ecr:BatchImportUpstreamImage`, and `ecr:CreateRepository` for a repository
 * not yet created): the registry owner grants that in its registry permissions policy, not this role.
 */
export function ecrPullStatements(images: readonly string[]): PolicyStatement[] {
  const repositories = [...new Set(images.map(ecrRepositoryArn).filter((a): a is string => a !== undefined))].sort();
  if (repositories.length === 0) return [];
  return [
    { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
    { Sid: 'PullImages', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: repositories },
  ];
}
