import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { Construct } from 'constructs';

/** Short, so a replaced task's new address is picked up quickly by Tempo, Prometheus and the services. */
export const DISCOVERY_TTL_SECONDS = 10;

export interface DiscoveryProps {
  /** The private DNS namespace (the topology's `discoveryDomain`). */
  readonly domain: string;
  readonly vpcId: string;
  /** The names that register (components, each ordinal instance its own); each resolves as `<name>.<domain>`. */
  readonly names: readonly string[];
}

/**
 * Cloud Map with private DNS: the names the rendered configs use (`tempo.<domain>`) resolve
 * in the VPC to the task's address. Plain DNS rather than Service Connect, because the services
 * that send OTLP are not necessarily ECS services in this namespace: any client in the VPC
 * (Lambda, EC2, EKS) can resolve an A record. Services register their own `<service>.<domain>`
 * records (the namespace id is an output) so Prometheus can scrape them.
 */
export class Discovery extends Construct {
  readonly namespace: ServiceDiscoveryPrivateDnsNamespace;
  readonly services: Readonly<Record<string, ServiceDiscoveryService>>;

  constructor(scope: Construct, id: string, props: DiscoveryProps) {
    super(scope, id);
    this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, 'namespace', {
      name: props.domain,
      vpc: props.vpcId,
      description: 'o11y-stack components',
    });
    const services: Record<string, ServiceDiscoveryService> = {};
    for (const c of props.names) {
      services[c] = new ServiceDiscoveryService(this, c, {
        name: c,
        dnsConfig: {
          namespaceId: this.namespace.id,
          dnsRecords: [{ type: 'A', ttl: DISCOVERY_TTL_SECONDS }],
          routingPolicy: 'MULTIVALUE',
        },
        // `terraform destroy` must not stall on an instance a stopping task has not yet deregistered
        forceDestroy: true,
      });
    }
    this.services = services;
  }
}
