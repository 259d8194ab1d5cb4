// The baseline: the smallest cdktf app on the two providers the project uses, as a cdktf user
// writes it in plain JavaScript (one S3 bucket, one Docker container, deep imports, no
// TypeScript to compile, no o11y-stack code). Whatever the example costs above this, launched
// the same way, is o11y-stack's own cost.
'use strict';
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket');
const { Container } = require('@cdktf/provider-docker/lib/container');
const { DockerProvider } = require('@cdktf/provider-docker/lib/provider');

const app = new App();
const stack = new TerraformStack(app, 'minimal');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
new S3Bucket(stack, 'bucket', { bucket: 'o11y-bench-minimal' });
new DockerProvider(stack, 'docker', {});
new Container(stack, 'container', { name: 'o11y-bench-minimal', image: 'busybox:1.37' });
app.synth();
