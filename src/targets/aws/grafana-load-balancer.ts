import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** TLS 1.3 and 1.2 only (AWS's recommended policy for new HTTPS listeners). */
export const GRAFANA_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
export const GRAFANA_HTTPS_PORT = 443;

export interface GrafanaLoadBalancerProps {
  /** Prefix of the names, e.g. `shop-prod-o11y` (load balancer names are at most 32 characters). */
  readonly name: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  /** ACM certificate of `domainName` (or of the load balancer's name). */
  readonly certificateArn: string;
  readonly grafanaPort: number;
  /** Grafana's health endpoint (`/api/health`). */
  readonly healthPath: string;
  /**
   * The name people open Grafana at; with `hostedZoneId`, an alias record is created for it.
   * @default - the load balancer's own DNS name
   */
  readonly domainName?: string;
  /** @default - no DNS record */
  readonly hostedZoneId?: string;
  /**
   * Access logs into this bucket under this prefix; `ready` is what must exist before ELB's
   * write test (the bucket's policy).
   * @default - no access logs
   */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string; readonly ready: ITerraformDependable };
  /**
   * AWS refuses to delete the load balancer (`enable_deletion_protection`) until it is turned off.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * Grafana behind an internal Application Load Balancer that terminates TLS, so the admin
 * password and the session cookie never cross the network in clear; Grafana itself is reachable
 * only from the balancer (security groups).
 */
export class GrafanaLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly listener: LbListener;
  /** `https://<name>` users open. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GrafanaLoadBalancerProps) {
    super(scope, id);
    const short = props.name.slice(0, 24);
    this.loadBalancer = new Lb(this, 'lb', {
      name: `${short}-grafana`,
      internal: true,
      loadBalancerType: 'application',
      subnets: [...props.subnetIds],
      securityGroups: [props.securityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
      ...(props.accessLogs ? { accessLogs: { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true }, dependsOn: [props.accessLogs.ready] } : {}),
    });
    this.targetGroup = new LbTargetGroup(this, 'targets', {
      name: `${short}-grafana`,
      port: props.grafanaPort,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.vpcId,
      deregistrationDelay: '30',
      healthCheck: { path: props.healthPath, matcher: '200', interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    this.listener = new LbListener(this, 'https', {
      loadBalancerArn: this.loadBalancer.arn,
      port: GRAFANA_HTTPS_PORT,
      protocol: 'HTTPS',
      sslPolicy: GRAFANA_TLS_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
    });
    if (props.domainName && props.hostedZoneId) {
      new Route53Record(this, 'dns', {
        zoneId: props.hostedZoneId,
        name: props.domainName,
        type: 'A',
        alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
      });
    }
    this.url = `https://${props.domainName ?? this.loadBalancer.dnsName}`;
  }
}
