import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { Construct } from 'constructs';

export interface O11yClusterProps {
  readonly clusterName: string;
  /**
   * CloudWatch Container Insights (per-task metrics; billed as custom metrics and logs).
   * @default false
   */
  readonly containerInsights?: boolean;
}

/** The ECS cluster the components run in (Fargate only: no instances to patch). */
export class O11yCluster extends Construct {
  readonly cluster: EcsCluster;

  constructor(scope: Construct, id: string, props: O11yClusterProps) {
    super(scope, id);
    this.cluster = new EcsCluster(this, 'cluster', {
      name: props.clusterName,
      setting: [{ name: 'containerInsights', value: props.containerInsights ? 'enabled' : 'disabled' }],
    });
  }
}
