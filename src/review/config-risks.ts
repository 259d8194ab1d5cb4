import type { ConfigPair } from './config-diff';
import { durationMs } from './duration-ms';
import { Risk, risk } from './risk';
import { diffTrees, formatPath, formatValue, isObject, PathStep, Tree } from './tree-diff';

/**
 * Risk flags read from the rendered configs whose text differs between base and head. Each
 * rule looks for a shape (a `block_retention` key, a `tail_sampling` processor, a
 * datasource's exemplar links) rather than for one file, so a config that appears later
 * (the collector's `otel-collector.yaml`) is covered without a change here.
 */
export function configRisks(stack: string, pairs: ReadonlyMap<string, ConfigPair>): Risk[] {
  const out: Risk[] = [];
  // scaling out (or in) moves tail sampling between the collector and the samplers: compare the
  // policies where they were with where they are, not each file on its own
  const moved = movedTailSampling(pairs);
  for (const [file, { base, head }] of pairs) {
    const service = /^otel\/([^/]+)\.env$/.exec(file)?.[1];
    if (service !== undefined && (base === undefined || head === undefined)) {
      out.push(risk(head === undefined ? 'service-removed' : 'service-added', stack, `service ${head === undefined ? 'removed' : 'added'}: ${service}`));
      continue;
    }
    if (file.startsWith('prometheus/rules/')) out.push(...alertingRisks(stack, file, base, head));
    if (file === 'alertmanager/alertmanager.yml') out.push(...alertDeliveryRisks(stack, base, head));
    if (file === 'prometheus.yml' && base !== undefined && head !== undefined) out.push(...alertSendingRisks(stack, base, head));
    if (file === 'loki.yaml' && base !== undefined && head === undefined) {
      out.push(risk('logs-pipeline-removed', stack, 'logs pipeline removed: Loki is gone from the stack, with the logs it stored'));
      continue;
    }
    if (base === undefined || head === undefined) continue;
    if (service !== undefined) out.push(...samplingRisks(stack, service, base, head));
    out.push(...treeRisks(stack, file, base, head), ...(moved ? [] : tailSamplingRisks(stack, file, base, head)), ...exemplarLinkRisks(stack, file, base, head), ...logsPipelineRisks(stack, file, base, head));
    if (file === 'o11y-stack.json') out.push(...componentPortRisks(stack, base, head), ...samplerCountRisks(stack, base, head));
    if (file === 'tempo.yaml') out.push(...tempoTopologyRisks(stack, base, head));
  }
  if (moved) out.push(...tailSamplingRisks(stack, moved.file, moved.base, moved.head));
  return out;
}

/** Tail sampling that moved between otel-collector.yaml and otel-sampler.yaml (the samplers appeared or went). */
function movedTailSampling(pairs: ReadonlyMap<string, ConfigPair>): { file: string; base: Tree; head: Tree } | undefined {
  const sampler = pairs.get('otel-sampler.yaml');
  const collector = pairs.get('otel-collector.yaml');
  if (!sampler || !collector || collector.base === undefined || collector.head === undefined) return undefined;
  if (sampler.base === undefined && sampler.head !== undefined) return { file: 'otel-sampler.yaml', base: collector.base, head: sampler.head };
  if (sampler.base !== undefined && sampler.head === undefined) return { file: 'otel-collector.yaml', base: sampler.base, head: collector.head };
  return undefined;
}

function samplingRisks(stack: string, service: string, base: Tree, head: Tree): Risk[] {
  const b = isObject(base) ? base : {};
  const h = isObject(head) ? head : {};
  const out: Risk[] = [];
  if (b.OTEL_TRACES_SAMPLER !== h.OTEL_TRACES_SAMPLER) {
    out.push(risk('sampling-changed', stack, `sampler changed: ${service} ${formatValue(b.OTEL_TRACES_SAMPLER)} → ${formatValue(h.OTEL_TRACES_SAMPLER)}`));
  }
  if (b.OTEL_TRACES_SAMPLER_ARG !== h.OTEL_TRACES_SAMPLER_ARG) {
    out.push(risk('sampling-changed', stack, `sampling ratio changed: ${service} ${formatValue(b.OTEL_TRACES_SAMPLER_ARG)} → ${formatValue(h.OTEL_TRACES_SAMPLER_ARG)}`));
  }
  return out;
}

/** Keys whose meaning is the same wherever they stand: a retention, an exemplar switch. */
function treeRisks(stack: string, file: string, base: Tree, head: Tree): Risk[] {
  const out: Risk[] = [];
  for (const c of diffTrees(base, head)) {
    const key = lastKey(c.path);
    if (key === 'block_retention') {
      const [o, n] = [durationMs(c.old), durationMs(c.new)];
      if (o !== undefined && (n === undefined ? c.new === undefined : n < o)) {
        out.push(risk('retention-shortened', stack, `tracing retention shortened: ${formatValue(c.old)} → ${formatValue(c.new)}`));
      }
    }
    // Loki's limits_config (0 or absent means "keep forever": not shorter)
    if (key === 'retention_period' && file === 'loki.yaml') {
      const [o, n] = [durationMs(c.old), durationMs(c.new)];
      if (o !== undefined && o > 0 && n !== undefined && n > 0 && n < o) {
        out.push(risk('retention-shortened', stack, `logs retention shortened: ${formatValue(c.old)} → ${formatValue(c.new)}`));
      }
    }
    const exemplarSwitch = key === 'send_exemplars' || (key === 'enabled' && lastKey(c.path.slice(0, -1)) === 'exemplars');
    if (exemplarSwitch && c.old === true && c.new !== true) {
      out.push(risk('exemplars-turned-off', stack, `exemplars turned off: ${file} ${formatPath(c.path)} true → ${formatValue(c.new)}`));
    }
  }
  return out;
}

function lastKey(path: readonly PathStep[]): string | undefined {
  const last = path[path.length - 1];
  return last && 'key' in last ? last.key : undefined;
}

/**
 * The OpenTelemetry Collector's `tail_sampling` processors (`tail_sampling`,
 * `tail_sampling/<name>`): the `sampling_percentage` of every `probabilistic` policy, also
 * inside `and` and `composite` policies.
 */
function tailSamplingRisks(stack: string, file: string, base: Tree, head: Tree): Risk[] {
  const b = samplingPercentages(base);
  const h = samplingPercentages(head);
  const out: Risk[] = [];
  for (const label of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const [o, n] = [b.get(label), h.get(label)];
    if (o === n) continue;
    const pct = (v: unknown): string => (v === undefined ? 'none' : `${formatValue(v)}%`);
    out.push(risk('sampling-changed', stack, `tail sampling percentage changed: ${file} ${label}: ${pct(o)} → ${pct(n)}`));
  }
  return out;
}

function samplingPercentages(config: Tree): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const processors = isObject(config) && isObject(config.processors) ? config.processors : {};
  const visit = (processor: string, parent: string, policies: unknown): void => {
    (Array.isArray(policies) ? policies : []).filter(isObject).forEach((p, i) => {
      const name = `${parent}${typeof p.name === 'string' ? p.name : `#${i}`}`;
      if (isObject(p.probabilistic) && 'sampling_percentage' in p.probabilistic) out.set(`${processor}policy ${name}`, p.probabilistic.sampling_percentage);
      if (isObject(p.and)) visit(processor, `${name}/`, p.and.and_sub_policy);
      if (isObject(p.composite)) visit(processor, `${name}/`, p.composite.composite_sub_policy);
    });
  };
  for (const [key, proc] of Object.entries(processors)) {
    // the usual single processor goes unnamed in the line; a second one (`tail_sampling/x`) is named
    if (key === 'tail_sampling' && isObject(proc)) visit('', '', proc.policies);
    else if (key.startsWith('tail_sampling/') && isObject(proc)) visit(`${key} `, '', proc.policies);
  }
  return out;
}

/**
 * Prometheus rule files: an alert that no longer exists (by name and its service/slo/component
 * labels), or an SLO objective lowered (`slo:objective:ratio`, the promise to users, made weaker).
 */
function alertingRisks(stack: string, file: string, base: Tree | undefined, head: Tree | undefined): Risk[] {
  const rules = (config: Tree | undefined) =>
    (isObject(config) && Array.isArray(config.groups) ? config.groups : [])
      .filter(isObject)
      .flatMap((g) => (Array.isArray(g.rules) ? g.rules : []).filter(isObject));
  const alertKey = (r: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const l = { ...extra, ...(isObject(r.labels) ? r.labels : {}) };
    return [String(r.alert), ...['service', 'slo', 'component', 'severity'].filter((k) => l[k] !== undefined).map((k) => `${k}=${String(l[k])}`)].join(' ');
  };
  // an objective rule per SLO (`vector(0.999)` with service and slo labels), or per objective
  // value listing its services (`label_replace(vector(0.999), "service", "checkout", "", "") or …`)
  const objectiveEntries = (config: Tree | undefined) =>
    rules(config)
      .filter((r) => r.record === 'slo:objective:ratio' && isObject(r.labels))
      .flatMap((r) => {
        const labels = r.labels as Record<string, unknown>;
        const expr = String(r.expr);
        if (labels.service !== undefined) return [{ service: String(labels.service), slo: String(labels.slo), objective: Number(/vector\(([0-9.]+)\)/.exec(expr)?.[1]) }];
        return [...expr.matchAll(/label_replace\(vector\(([0-9.]+)\), "service", "([^"]*)", "", ""\)/g)].map((m) => ({ service: m[2], slo: String(labels.slo), objective: Number(m[1]) }));
      });
  const objectives = (config: Tree | undefined) => new Map(objectiveEntries(config).map((o) => [`${o.service} ${o.slo}`, o.objective] as const));
  // an alert for every SLO (one rule comparing each SLO to its budget) stands for each of them
  const alertKeys = (config: Tree | undefined, r: Record<string, unknown>) => {
    const perSlo = isObject(r.labels) && r.labels.service === undefined && String(r.expr).includes('slo:error_budget:ratio');
    return perSlo ? objectiveEntries(config).map((o) => alertKey(r, { service: o.service, slo: o.slo })) : [alertKey(r)];
  };
  const kept = new Set(rules(head).filter((r) => typeof r.alert === 'string').flatMap((r) => alertKeys(head, r)));
  const out: Risk[] = rules(base)
    .filter((r) => typeof r.alert === 'string')
    .flatMap((r) => alertKeys(base, r))
    .filter((key) => !kept.has(key))
    .map((key) => risk('alerting-weakened', stack, `alert removed: ${file} ${key}`));
  const after = objectives(head);
  for (const [key, before] of objectives(base)) {
    const now = after.get(key);
    if (now !== undefined && now < before) out.push(risk('alerting-weakened', stack, `SLO objective lowered: ${key} ${round(before * 100)}% → ${round(now * 100)}%`));
  }
  return out;
}

const INTEGRATIONS = ['slack_configs', 'pagerduty_configs', 'webhook_configs', 'email_configs', 'opsgenie_configs'] as const;

/**
 * Alertmanager's routing: a receiver removed, a receiver that stops notifying one of its
 * integrations (Slack, PagerDuty…), or a severity whose route now reaches a different receiver
 * or none: each means someone is no longer told.
 */
function alertDeliveryRisks(stack: string, base: Tree | undefined, head: Tree | undefined): Risk[] {
  const receivers = (config: Tree | undefined) =>
    new Map(
      (isObject(config) && Array.isArray(config.receivers) ? config.receivers : [])
        .filter(isObject)
        .map((r) => [String(r.name), INTEGRATIONS.filter((k) => Array.isArray(r[k]) && r[k].length > 0).map((k) => k.replace(/_configs$/, ''))] as const),
    );
  const routes = (config: Tree | undefined) => {
    const route = isObject(config) && isObject(config.route) ? config.route : {};
    const children = (Array.isArray(route.routes) ? route.routes : []).filter(isObject);
    const bySeverity = new Map<string, string>();
    for (const r of children) {
      const m = (Array.isArray(r.matchers) ? r.matchers : []).map(String).map((x) => /^severity="([^"]+)"$/.exec(x)?.[1]).find(Boolean);
      if (m && !bySeverity.has(m)) bySeverity.set(m, String(r.receiver));
    }
    return { bySeverity, fallback: route.receiver === undefined ? undefined : String(route.receiver) };
  };
  const out: Risk[] = [];
  const [b, h] = [receivers(base), receivers(head)];
  for (const [name, integrations] of b) {
    const now = h.get(name);
    if (now === undefined) out.push(risk('alerting-weakened', stack, `alert receiver removed: ${name}${integrations.length ? ` (${integrations.join(', ')})` : ''}`));
    else for (const i of integrations.filter((x) => !now.includes(x))) out.push(risk('alerting-weakened', stack, `alert receiver ${name} no longer notifies ${i}`));
  }
  const [rb, rh] = [routes(base), routes(head)];
  for (const severity of new Set([...rb.bySeverity.keys(), ...rh.bySeverity.keys()])) {
    const was = rb.bySeverity.get(severity) ?? rb.fallback;
    const now = head === undefined ? undefined : (rh.bySeverity.get(severity) ?? rh.fallback);
    if (was !== now) out.push(risk('alerting-weakened', stack, `alerts with severity=${severity} now go to ${now ?? 'no Alertmanager'} (were ${was ?? 'none'})`));
  }
  return out;
}

/** prometheus.yml: fewer Alertmanagers to send to (none: alerts fire where nobody looks). */
function alertSendingRisks(stack: string, base: Tree, head: Tree): Risk[] {
  const targets = (config: Tree) => {
    const alerting = isObject(config) && isObject(config.alerting) ? config.alerting : {};
    return (Array.isArray(alerting.alertmanagers) ? alerting.alertmanagers : [])
      .filter(isObject)
      .flatMap((am) => (Array.isArray(am.static_configs) ? am.static_configs : []).filter(isObject).flatMap((sc) => (Array.isArray(sc.targets) ? sc.targets.map(String) : [])));
  };
  const kept = new Set(targets(head));
  return targets(base)
    .filter((t) => !kept.has(t))
    .map((t) => risk('alerting-weakened', stack, `Prometheus no longer sends alerts to ${t}`));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * A collector config whose OTLP logs pipelines (`logs`, `logs/<name>`) are fewer in the head:
 * the services keep sending logs (their env says otlp) and nothing takes them any more.
 */
function logsPipelineRisks(stack: string, file: string, base: Tree, head: Tree): Risk[] {
  const logsPipelines = (config: Tree): string[] => {
    const service = isObject(config) && isObject(config.service) ? config.service : {};
    const pipelines = isObject(service.pipelines) ? service.pipelines : {};
    return Object.entries(pipelines)
      .filter(([id, p]) => id.split('/')[0] === 'logs' && isObject(p) && Array.isArray(p.receivers) && p.receivers.includes('otlp'))
      .map(([id]) => id);
  };
  const kept = new Set(logsPipelines(head));
  return logsPipelines(base)
    .filter((id) => !kept.has(id))
    .map((id) => risk('logs-pipeline-removed', stack, `logs pipeline removed: ${file} service.pipelines.${id} no longer takes the services' OTLP logs`));
}

/** Grafana provisioning: a Prometheus datasource that loses a link from exemplars to traces. */
function exemplarLinkRisks(stack: string, file: string, base: Tree, head: Tree): Risk[] {
  const links = (config: Tree): Map<string, Set<string>> => {
    const out = new Map<string, Set<string>>();
    const sources = isObject(config) && Array.isArray(config.datasources) ? config.datasources : [];
    for (const ds of sources.filter(isObject)) {
      const dests = isObject(ds.jsonData) && Array.isArray(ds.jsonData.exemplarTraceIdDestinations) ? ds.jsonData.exemplarTraceIdDestinations : [];
      out.set(String(ds.name), new Set(dests.filter(isObject).map((d) => String(d.name))));
    }
    return out;
  };
  const b = links(base);
  const h = links(head);
  const out: Risk[] = [];
  for (const [ds, names] of [...b].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const kept = h.get(ds);
    if (!kept) continue;
    for (const name of [...names].sort()) {
      if (!kept.has(name)) out.push(risk('exemplars-turned-off', stack, `exemplars turned off: ${file} datasource ${ds}: exemplar link ${name} removed`));
    }
  }
  return out;
}

/**
 * `config/o11y-stack.json`: a component listening, for services or humans, on a port it did
 * not before. Ports only the stack's own components reach (`audience: internal`) are left out.
 */
/**
 * The number of tail-sampling collectors behind the load-balancing tier: a change re-maps trace
 * ids to samplers, so for about one decision wait a trace's later spans reach a sampler that did
 * not see its earlier ones, and each decides on part of it.
 */
function samplerCountRisks(stack: string, base: Tree, head: Tree): Risk[] {
  const samplers = (manifest: Tree): number => {
    const components = isObject(manifest) && Array.isArray(manifest.components) ? manifest.components.filter(isObject) : [];
    const s = components.find((c) => c.name === 'otel-sampler');
    return s === undefined ? 1 : Number(s.replicas ?? 1);
  };
  const [b, h] = [samplers(base), samplers(head)];
  if (b === h) return [];
  return [risk('sampling-changed', stack, `tail-sampling collectors ${b} → ${h}: trace ids are re-mapped to samplers, so traces in flight during the deploy are decided in parts (about one decision wait)`)];
}

/**
 * tempo.yaml: Tempo switching between monolithic and distributed (an `ingest.kafka` section), and
 * the Kafka topic's partition count (`auto_create_topic_default_partitions`), which Tempo applies
 * only when it creates the topic: Kafka never shrinks a topic and grows one only when told.
 */
function tempoTopologyRisks(stack: string, base: Tree, head: Tree): Risk[] {
  const kafka = (t: Tree) => (isObject(t) && isObject(t.ingest) && isObject(t.ingest.kafka) ? t.ingest.kafka : undefined);
  const [b, h] = [kafka(base), kafka(head)];
  if (!b && h) {
    return [risk('tempo-topology-changed', stack, "Tempo mode monolithic → distributed: the monolith's traces not yet in blocks (its WAL and live-store, up to the last hour) go with its task; blocks in the bucket stay searchable")];
  }
  if (b && !h) {
    return [risk('tempo-topology-changed', stack, 'Tempo mode distributed → monolithic: spans in Kafka and the live-stores not yet in blocks go with the MSK cluster and those tasks; blocks in the bucket stay searchable')];
  }
  if (!b || !h) return [];
  const [bp, hp] = [Number(b.auto_create_topic_default_partitions), Number(h.auto_create_topic_default_partitions)];
  if (bp === hp) return [];
  return [
    risk(
      'tempo-topology-changed',
      stack,
      hp < bp
        ? `Kafka partitions ${bp} → ${hp}: Kafka never removes a topic's partitions, so partitions ${hp}-${bp - 1} keep receiving spans that no live-store or block-builder reads any more (lost to queries and to S3) until the topic is recreated`
        : `Kafka partitions ${bp} → ${hp}: Tempo sizes the topic only when it creates it, so the existing topic keeps ${bp}: grow it first (kafka-topics --alter --partitions ${hp}), or the new live-stores and block-builders find no partition to consume`,
    ),
  ];
}

function componentPortRisks(stack: string, base: Tree, head: Tree): Risk[] {
  const ports = (manifest: Tree): Map<string, string> => {
    const out = new Map<string, string>();
    const components = isObject(manifest) && Array.isArray(manifest.components) ? manifest.components : [];
    for (const c of components.filter(isObject)) {
      for (const p of (Array.isArray(c.ports) ? c.ports : []).filter(isObject).filter((p) => p.audience !== 'internal')) {
        out.set(`${String(c.name)}:${String(p.port)}`, `component ${String(c.name)} port ${String(p.port)} (${String(p.name)}, audience ${String(p.audience)})`);
      }
    }
    return out;
  };
  const b = ports(base);
  return [...ports(head)].filter(([k]) => !b.has(k)).map(([, text]) => risk('port-opened', stack, `port opened: ${text}`));
}
