import type { StackPlan } from '../components/plan';
import { tempoRoleOf } from '../components/tempo-distributed';
import { TEMPO_ENV } from '../render/tempo';
import { TEMPO_KAFKA_MAX_BATCH_BYTES } from '../spec/defaults';
import { issue, Issue } from '../spec/issues';
import { at, renderedYaml } from './config-tree';

/**
 * Distributed Tempo as deployed: the topic's partitions (what tempo.yaml creates it with) must be
 * exactly what the live-stores and block-builders consume, because Tempo 3.0.3 assigns them by
 * instance ordinal (pkg/ingest/util.go IngesterPartitionID: live-store-N reads partition N;
 * block-builder-N reads partitions_per_instance from N × it). A partition nobody reads never
 * reaches S3 or a query; an instance without a partition fails. Also: every role that talks to
 * Kafka is told the broker address and its identity, and the records fit the topic.
 */
export function checkTempoKafka(plan: StackPlan): Issue[] {
  const cfg = renderedYaml(plan, 'tempo.yaml');
  if (cfg === undefined || at(cfg, 'ingest.kafka') === undefined) return [];
  const issues: Issue[] = [];
  const partitions = at(cfg, 'ingest.kafka.auto_create_topic_default_partitions');
  const perBuilder = at(cfg, 'block_builder.partitions_per_instance');
  const byName = (n: string) => plan.components.find((c) => c.name === n);
  const liveStores = byName('tempo-live-store')?.ordinals?.count ?? 0;
  const builders = byName('tempo-block-builder')?.ordinals?.count ?? 0;
  if (typeof partitions !== 'number' || partitions < 1) {
    issues.push(issue('tempo.yaml: ingest.kafka.auto_create_topic_default_partitions', 'must be the number of partitions of the topic (at least 1)', partitions));
    return issues;
  }
  if (liveStores !== partitions) {
    issues.push(issue('tempo-live-store instances', `must equal the topic's partitions (${partitions}, tempo.yaml ingest.kafka.auto_create_topic_default_partitions): each live-store consumes the partition of its ordinal`, liveStores));
  }
  if (typeof perBuilder !== 'number' || builders * perBuilder !== partitions) {
    issues.push(issue('tempo.yaml: block_builder.partitions_per_instance', `× ${builders} block-builders must cover the topic's ${partitions} partitions exactly: each block-builder consumes partitions_per_instance partitions from its ordinal on`, perBuilder));
  }
  const generators = byName('tempo-metrics-generator')?.replicas ?? (byName('tempo-metrics-generator') ? 1 : 0);
  if (generators > partitions) {
    issues.push(issue('tempo-metrics-generator replicas', `must be at most the topic's ${partitions} partitions: the generators share them as one consumer group`, generators));
  }
  const maxRecord = at(cfg, 'ingest.kafka.producer_max_record_size_bytes');
  if (typeof maxRecord === 'number' && maxRecord > TEMPO_KAFKA_MAX_BATCH_BYTES) {
    issues.push(issue('tempo.yaml: ingest.kafka.producer_max_record_size_bytes', `must fit Tempo's largest batch (${TEMPO_KAFKA_MAX_BATCH_BYTES} bytes), which the brokers' message.max.bytes is set for`, maxRecord));
  }
  // the roles read the broker address and their identity from the environment (-config.expand-env)
  const expands = (c: { args: readonly string[] }) => c.args.includes('-config.expand-env=true');
  for (const c of plan.components) {
    const role = tempoRoleOf(c.name);
    if (role === undefined || role === 'all') continue;
    if (!expands(c)) issues.push(issue(`${c.name} args`, `must include -config.expand-env=true: tempo.yaml reads \${${TEMPO_ENV.kafkaAddress}} and \${${TEMPO_ENV.instanceId}} from the environment`, c.args));
    if ((role === 'live-store' || role === 'block-builder') && c.ordinals?.env !== TEMPO_ENV.instanceId) {
      issues.push(issue(`${c.name} ordinals`, `must set ${TEMPO_ENV.instanceId} on each instance: Tempo takes the partition from its trailing number`, c.ordinals?.env));
    }
  }
  return issues;
}
