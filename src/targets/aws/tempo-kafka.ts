import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktf/provider-aws/lib/msk-configuration';
import { Fn, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { KAFKA_MESSAGE_MAX_BYTES, TEMPO_BYTES_PER_SPAN, TEMPO_MONOLITH_SPANS_PER_SECOND } from '../../spec/defaults';
import type { ResolvedTempo } from '../../spec/resolved';

/**
 * Amazon MSK, provisioned. Not MSK Serverless: it accepts only IAM authentication over TLS, and
 * Tempo 3.0.3's Kafka client speaks neither (pkg/ingest/writer_client.go at v3.0.3 dials plain TCP
 * and offers only SASL/PLAIN, which MSK does not support). So the cluster listens in plaintext on
 * 9092 inside the VPC, reachable from exactly the Tempo roles that produce or consume (security
 * groups), encrypted at rest (the stack's KMS key when given) and between brokers.
 * docs/tempo-distributed.md has the trade-off and what changes once Tempo ships TLS and AWS_MSK_IAM.
 */
export const MSK_KAFKA_VERSION = '3.8.x';
/** Each partition on three brokers, a write acknowledged by two: one broker (or zone) may fail. */
export const KAFKA_REPLICATION_FACTOR = 3;
export const KAFKA_MIN_INSYNC_REPLICAS = 2;
/** Headroom over the retained bytes on each broker's volume. */
export const KAFKA_VOLUME_HEADROOM = 1.5;
/** MSK's smallest useful volume, GiB. */
export const MIN_KAFKA_VOLUME_GIB = 100;

/** MSK places brokers in 2 or 3 zones: the stack gives it its first (up to) 3 private subnets, one per zone. */
export const MSK_MAX_CLIENT_SUBNETS = 3;

/** Brokers: at least the replication factor, a multiple of the zones (MSK spreads them evenly over the client subnets). */
export function kafkaBrokerCount(subnets: number): number {
  const zones = Math.min(subnets, MSK_MAX_CLIENT_SUBNETS);
  return Math.ceil(KAFKA_REPLICATION_FACTOR / zones) * zones;
}

/**
 * EBS per broker: the bytes Tempo ingests over the retention, three replicas spread over the
 * brokers, plus headroom. Without a volume in the spec, the ingest where distributed becomes the
 * default (55 000 spans/s) stands in for an unknown one.
 */
export function kafkaVolumeGiB(tempo: ResolvedTempo, brokers: number): number {
  const kafka = tempo.distributed!.kafka;
  if (kafka.volumeGiB !== undefined) return kafka.volumeGiB;
  const bytesPerSecond = (tempo.ingestSpansPerSecond ?? TEMPO_MONOLITH_SPANS_PER_SECOND) * TEMPO_BYTES_PER_SPAN;
  const retained = bytesPerSecond * kafka.retentionHours * 3600 * KAFKA_REPLICATION_FACTOR;
  return Math.max(MIN_KAFKA_VOLUME_GIB, Math.ceil((retained / brokers / 2 ** 30) * KAFKA_VOLUME_HEADROOM));
}

/**
 * The brokers' settings (`server.properties`), sorted: the topic Tempo auto-creates gets the
 * partitions the live-stores and block-builders are counted for; batches of Tempo's size are accepted.
 */
export function kafkaServerProperties(tempo: ResolvedTempo): string {
  const d = tempo.distributed!;
  const props: Record<string, string | number | boolean> = {
    // the cluster is Tempo's alone: Tempo creates its topic on first start (ingest.kafka.auto_create_topic_enabled)
    'auto.create.topics.enable': true,
    'default.replication.factor': KAFKA_REPLICATION_FACTOR,
    'min.insync.replicas': KAFKA_MIN_INSYNC_REPLICAS,
    'num.partitions': d.partitions,
    'message.max.bytes': KAFKA_MESSAGE_MAX_BYTES,
    'replica.fetch.max.bytes': KAFKA_MESSAGE_MAX_BYTES,
    'log.retention.hours': d.kafka.retentionHours,
    'unclean.leader.election.enable': false,
  };
  return Object.keys(props)
    .sort()
    .map((k) => `${k}=${String(props[k])}`)
    .join('\n');
}

export interface TempoKafkaProps {
  /** Prefix of the names, e.g. `shop-prod-o11y`. */
  readonly name: string;
  readonly tempo: ResolvedTempo;
  /** Private subnets, one per zone (MSK takes the first 3). */
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  /**
   * Encrypts the brokers' volumes and their log group.
   * @default - AWS managed keys
   */
  readonly kmsKeyArn?: string;
  readonly logRetentionDays: number;
}

export class TempoKafka extends Construct {
  readonly cluster: MskCluster;
  readonly configuration: MskConfiguration;
  readonly logGroup: CloudwatchLogGroup;
  readonly brokers: number;
  readonly volumeGiB: number;
  /** One broker's `host:port` (Tempo 3.0.3 takes one seed address and finds the others from it). */
  readonly seedBroker: string;

  constructor(scope: Construct, id: string, props: TempoKafkaProps) {
    super(scope, id);
    const d = props.tempo.distributed!;
    this.brokers = kafkaBrokerCount(props.subnetIds.length);
    this.volumeGiB = kafkaVolumeGiB(props.tempo, this.brokers);
    this.configuration = new MskConfiguration(this, 'configuration', {
      name: `${props.name}-tempo`,
      description: 'Tempo traces topic: partitions, batch size, retention (o11y-stack)',
      kafkaVersions: [MSK_KAFKA_VERSION],
      serverProperties: kafkaServerProperties(props.tempo),
    });
    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/msk/${props.name}/tempo`, retentionInDays: props.logRetentionDays, ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}) });
    this.cluster = new MskCluster(this, 'cluster', {
      clusterName: `${props.name}-tempo`,
      kafkaVersion: MSK_KAFKA_VERSION,
      numberOfBrokerNodes: this.brokers,
      brokerNodeGroupInfo: {
        instanceType: d.kafka.instanceType,
        clientSubnets: props.subnetIds.slice(0, MSK_MAX_CLIENT_SUBNETS),
        securityGroups: [props.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: this.volumeGiB } },
      },
      // Tempo 3.0.3 has neither TLS nor SASL/IAM: plaintext, reachable only from Tempo's roles
      clientAuthentication: { unauthenticated: true },
      encryptionInfo: {
        ...(props.kmsKeyArn ? { encryptionAtRestKmsKeyArn: props.kmsKeyArn } : {}),
        encryptionInTransit: { clientBroker: 'PLAINTEXT', inCluster: true },
      },
      configurationInfo: { arn: this.configuration.arn, revision: this.configuration.latestRevision },
      loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: this.logGroup.name } } },
    });
    // a local, so the expression (with its quoted ",") stays out of the JSON-encoded container definitions
    this.seedBroker = new TerraformLocal(this, 'seed-broker', Fn.element(Fn.split(',', this.cluster.bootstrapBrokers), 0)).asString;
  }
}
