import { Fn, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { Construct } from 'constructs';
import { assertStackConsistent, Exposure } from '../../checks';
import { planStack, RenderedFile, StackPlan } from '../../components/plan';
import { awsTopology } from '../../components/topology';
import { formatEnv } from '../../render/otel-env';
import { resolveSpec } from '../../spec/resolve';
import type { ObservabilitySpec } from '../../spec/types';
import { writeRenderedFilesOnSynth } from '../rendered-files';

export interface AwsStateBackendProps {
  /** S3 bucket holding Terraform state (exists before the first deploy). */
  readonly bucket: string;
  /**
   * Object key of this environment's state.
   * @default "o11y/<name>/<environment>.tfstate"
   */
  readonly key?: string;
  /**
   * Region of the state bucket.
   * @default - the stack's region
   */
  readonly region?: string;
  /**
   * DynamoDB table for state locking. Without it, S3 native locking (`use_lockfile`) is used.
   * @default - S3 native locking
   */
  readonly dynamodbTable?: string;
}

export interface AwsObservabilityStackProps {
  readonly spec: ObservabilitySpec;
  /**
   * Environment name used for overrides and `deployment.environment.name`.
   * @default - the stack id
   */
  readonly environment?: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /** Remote state: never a local path for a shared environment. */
  readonly state: AwsStateBackendProps;
  /**
   * Private DNS namespace the components register in; services resolve Tempo there.
   * @default "<name>-<environment>.o11y.internal"
   */
  readonly discoveryDomain?: string;
  /**
   * Bucket for Tempo's trace blocks (S3 names are global: include an account or org marker).
   * @default "<name>-<environment>-tempo-traces"
   */
  readonly tracesBucket?: string;
  /**
   * KMS key for SSE-KMS on the traces bucket.
   * @default - SSE-S3
   */
  readonly kmsKeyArn?: string;
}

/**
 * An AWS environment. It renders the same component descriptors as the local stack, with
 * Tempo on S3, and publishes each service's OTEL environment as an SSM parameter.
 */
export class AwsObservabilityStack extends TerraformStack {
  readonly plan: StackPlan;

  constructor(scope: Construct, id: string, props: AwsObservabilityStackProps) {
    super(scope, id);
    const environment = props.environment ?? id;
    const spec = resolveSpec(props.spec, environment);
    const domain = props.discoveryDomain ?? `${spec.name}-${environment}.o11y.internal`;
    const plan = planStack(spec, awsTopology({ region: props.region, discoveryDomain: domain, tracesBucket: props.tracesBucket ?? `${spec.name}-${environment}-tempo-traces`, kmsKeyArn: props.kmsKeyArn }));
    this.plan = plan;

    // services in the VPC reach the OTLP listeners of the trace component under its discovery name
    const exposures: Exposure[] = plan.components
      .filter((c) => c.name === plan.topology.traceBackend)
      .flatMap((c) => c.ports.filter((p) => p.audience === 'services').map((p) => ({ component: c.name, purpose: p.purpose, hosts: [plan.topology.hostOf(c.name)], port: p.port })));
    assertStackConsistent(id, plan, exposures);

    new S3Backend(this, {
      bucket: props.state.bucket,
      key: props.state.key ?? `o11y/${spec.name}/${environment}.tfstate`,
      region: props.state.region ?? props.region,
      encrypt: true,
      ...(props.state.dynamodbTable ? { dynamodbTable: props.state.dynamodbTable } : { useLockfile: true }),
    });
    new AwsProvider(this, 'aws', {
      region: props.region,
      defaultTags: [{ tags: { 'o11y-stack': spec.name, environment, 'managed-by': 'o11y-stack' } }],
    });

    const files: RenderedFile[] = [...plan.files];
    const parameters: Record<string, string> = {};
    for (const { service, env } of plan.serviceEnvs) {
      const value = formatEnv(env, 'json');
      files.push({ output: `otel/${service}.json`, content: value });
      const param = new SsmParameter(this, `otel-env-${service}`, {
        name: `/o11y/${spec.name}/${environment}/otel/${service}`,
        description: `OTEL_* environment of ${service} in ${environment} (o11y-stack)`,
        type: 'String',
        tier: 'Standard',
        value: Fn.rawString(value),
      });
      parameters[service] = param.name;
    }
    new TerraformOutput(this, 'otel-env-parameters', { value: parameters, description: 'SSM parameter (JSON of OTEL_* variables) per service' });
    writeRenderedFilesOnSynth(this, files.sort((a, b) => (a.output < b.output ? -1 : 1)));
  }
}
