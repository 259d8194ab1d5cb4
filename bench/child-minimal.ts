/**
 * The baseline: the smallest cdktf app that touches both providers the project uses (one S3
 * bucket, one Docker container), imported by deep path as the project does. Whatever the
 * example costs above this is o11y-stack's own cost.
 */
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { synthApp } from '../src/app';

synthApp((app) => {
  const stack = new TerraformStack(app, 'minimal');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new S3Bucket(stack, 'bucket', { bucket: 'o11y-bench-minimal' });
  new DockerProvider(stack, 'docker', {});
  new Container(stack, 'container', { name: 'o11y-bench-minimal', image: 'busybox:1.37' });
});
