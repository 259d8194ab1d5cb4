import { COMPONENT_NAMES } from '../components/component';
import { MAX_DECISION_WAIT_SECONDS, MAX_MSK_VOLUME_GIB, MAX_SAMPLERS, MAX_TEMPO_PARTITIONS, MAX_TEMPO_REPLICAS, MAX_TOTAL_SPANS_PER_SECOND, HEARTBEAT_RECEIVER, UNROUTED_RECEIVER } from './defaults';
import { DURATION_HINT, DURATION_PATTERN, INTERVAL_HINT, INTERVAL_PATTERN, intervalSeconds, LATENCY_HINT, LATENCY_PATTERN } from './duration';
import { issue, Issue } from './issues';
import { bool, dict, Infer, isPlainObject, joinPath, list, num, obj, oneOf, optional, refine, refineRaw, required, Schema, str } from './schema-kit';
import { ALERT_SEVERITIES, ObservabilitySpec, OTLP_PROTOCOLS, PROPAGATORS, SLO_INDICATORS, TEMPO_MODES } from './types';

export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
export const NAME_HINT = "[a-z][a-z0-9-]* (a lowercase letter, then lowercase letters, digits or '-')";

/**
 * Resource attributes the stack sets itself: a service may not set them, or two sources
 * would disagree about which environment or service a span came from.
 */
export const RESERVED_ATTRIBUTES = ['service.name', 'service.version', 'service.namespace', 'deployment.environment.name', 'deployment.environment'] as const;

const name = (maxLength: number) => str({ pattern: NAME_PATTERN, patternHint: NAME_HINT, minLength: 1, maxLength });
const duration = str({ pattern: DURATION_PATTERN, patternHint: DURATION_HINT });
const sampling = obj({ ratio: required(num({ min: 0, max: 1 })) });
const attributeKey = str({ pattern: /^[A-Za-z][A-Za-z0-9_.\-]*$/, patternHint: "an attribute key like team or app.tier (letters, digits, '_', '.', '-')", maxLength: 255 });
const attributes = refine(dict(attributeKey, str({ maxLength: 255 })), (attrs, path, issues) => {
  for (const k of Object.keys(attrs)) {
    if ((RESERVED_ATTRIBUTES as readonly string[]).includes(k)) {
      issues.push(issue(`${path}.${k}`, 'is set by o11y-stack itself (from the service name, version, namespace and environment); remove it', attrs[k]));
    }
  }
}, `The stack sets ${RESERVED_ATTRIBUTES.join(', ')} itself: no key may be one of them.`);
const latency = str({ pattern: LATENCY_PATTERN, patternHint: LATENCY_HINT });
const tailSampling = obj({
  enabled: optional(bool()),
  keepErrors: optional(bool()),
  slowerThan: optional(latency),
  ratio: optional(num({ min: 0, max: 1 })),
  decisionWait: optional(
    refine(str({ pattern: INTERVAL_PATTERN, patternHint: INTERVAL_HINT }), (v, path, issues) => {
      const s = intervalSeconds(v);
      if (s > MAX_DECISION_WAIT_SECONDS) issues.push(issue(path, `must be at most ${MAX_DECISION_WAIT_SECONDS / 60}m: the collector holds every trace in memory that long`, v));
    }, `At most ${MAX_DECISION_WAIT_SECONDS / 60}m.`),
  ),
  expectedSpansPerSecond: optional(num({ integer: true, min: 1, max: MAX_TOTAL_SPANS_PER_SECOND })),
  samplers: optional(num({ integer: true, min: 1, max: MAX_SAMPLERS })),
});
const replicas = (max: number) => optional(num({ integer: true, min: 1, max }));
const tempoKafka = obj({
  instanceType: optional(str({ pattern: /^kafka\.[a-z0-9]+\.[a-z0-9]+$/, patternHint: 'an MSK broker type like kafka.m7g.large', maxLength: 64 })),
  retention: optional(duration),
  volumeGiB: optional(num({ integer: true, min: 1, max: MAX_MSK_VOLUME_GIB })),
});
const tempoDistributed = obj({
  partitions: replicas(MAX_TEMPO_PARTITIONS),
  liveStores: replicas(MAX_TEMPO_PARTITIONS),
  blockBuilders: replicas(MAX_TEMPO_PARTITIONS),
  distributors: replicas(MAX_TEMPO_REPLICAS),
  queriers: replicas(MAX_TEMPO_REPLICAS),
  queryFrontends: replicas(MAX_TEMPO_REPLICAS),
  backendWorkers: replicas(MAX_TEMPO_REPLICAS),
  metricsGenerators: replicas(MAX_TEMPO_PARTITIONS),
  kafka: optional(tempoKafka),
});
const tracing = obj({
  retention: optional(duration),
  slowerThan: optional(latency),
  tailSampling: optional(tailSampling),
  mode: optional(oneOf(TEMPO_MODES)),
  distributed: optional(tempoDistributed),
});
const metrics = obj({
  retention: optional(duration),
  scrapeInterval: optional(str({ pattern: INTERVAL_PATTERN, patternHint: INTERVAL_HINT })),
});

const logs = obj({
  retention: optional(duration),
});
const sloSettings = obj({ window: optional(duration) });
const slo = refine(
  obj({
    name: required(oneOf(SLO_INDICATORS)),
    objective: required(num({ min: 90, max: 99.999 })),
    threshold: optional(latency),
  }),
  (v, path, issues) => {
    if (v.name === 'latency' && v.threshold === undefined) issues.push(issue(`${path}.threshold`, 'is required for a latency SLO: the longest a good request may take, like 300ms'));
    if (v.name === 'availability' && v.threshold !== undefined) issues.push(issue(`${path}.threshold`, 'applies to latency SLOs only', v.threshold));
  },
  'A latency SLO needs a threshold; an availability SLO has none.',
);
const slos = refine(list(slo, { itemsHint: 'SLO' }), (v, path, issues) => {
  const seen = new Set<string>();
  v.forEach((x, i) => {
    if (seen.has(x.name)) issues.push(issue(`${path}[${i}].name`, `duplicates another ${x.name} SLO of this service: one per indicator`, x.name));
    seen.add(x.name);
  });
}, 'At most one SLO per indicator (name).');

const secretName = str({ pattern: NAME_PATTERN, patternHint: `a secret name, ${NAME_HINT}`, minLength: 1, maxLength: 63 });
const webhook = refine(obj({ url: optional(str({ pattern: /^https?:\/\/[^\s'"`$\\]+$/, patternHint: 'an http:// or https:// URL without spaces, quotes or $', maxLength: 2048 })), urlSecret: optional(secretName) }), (v, path, issues) => {
  if ((v.url === undefined) === (v.urlSecret === undefined)) issues.push(issue(path, 'needs exactly one of url and urlSecret (a URL that carries a token belongs in a secret)', v));
}, 'Exactly one of url and urlSecret.');
const receiver = refine(
  obj({
    name: required(name(63)),
    slack: optional(
      obj({
        channel: required(str({ pattern: /^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/, patternHint: 'a Slack channel like #sre-alerts (lowercase letters, digits, ".", "_", "-")' })),
        webhookUrlSecret: required(secretName),
      }),
    ),
    pagerduty: optional(obj({ routingKeySecret: required(secretName) })),
    webhook: optional(webhook),
  }),
  (v, path, issues) => {
    if (v.name === UNROUTED_RECEIVER) issues.push(issue(`${path}.name`, `is the receiver o11y-stack renders for alerts no route sends anywhere; choose another name`, v.name));
    if (v.name === HEARTBEAT_RECEIVER) issues.push(issue(`${path}.name`, `is the receiver o11y-stack renders for the Watchdog alert (alerting.heartbeat); choose another name`, v.name));
    if (!v.slack && !v.pagerduty && !v.webhook) issues.push(issue(path, 'needs at least one of slack, pagerduty and webhook', v.name));
  },
  `At least one of slack, pagerduty and webhook; the names ${UNROUTED_RECEIVER} and ${HEARTBEAT_RECEIVER} are taken.`,
);
const alerting = refine(
  obj({
    receivers: optional(list(receiver, { itemsHint: 'receiver' })),
    route: optional(obj({ page: optional(name(63)), ticket: optional(name(63)), default: optional(name(63)) })),
    heartbeat: optional(webhook),
  }),
  (v, path, issues) => {
    const names = new Map<string, number>();
    (v.receivers ?? []).forEach((r, i) => {
      if (names.has(r.name)) issues.push(issue(`${path}.receivers[${i}].name`, `duplicates receivers[${names.get(r.name)}].name`, r.name));
      else names.set(r.name, i);
    });
    for (const key of [...ALERT_SEVERITIES, 'default'] as const) {
      const target = v.route?.[key];
      if (target !== undefined && !names.has(target)) {
        issues.push(issue(`${path}.route.${key}`, `names no receiver of this alerting block (known: ${[...names.keys()].join(', ') || 'none'})`, target));
      }
    }
  },
  'Receiver names are unique; each route names a receiver of this alerting block.',
);

const service = obj({
  name: required(name(63)),
  version: optional(str({ minLength: 1, maxLength: 255 })),
  namespace: optional(str({ minLength: 1, maxLength: 255 })),
  protocol: optional(oneOf(OTLP_PROTOCOLS)),
  sampling: optional(sampling),
  metrics: optional(
    obj({
      port: required(num({ integer: true, min: 1, max: 65535 })),
      path: optional(str({ pattern: /^\/[A-Za-z0-9_.~\/-]*$/, patternHint: "an absolute URL path like /metrics" })),
    }),
  ),
  attributes: optional(attributes),
  slos: optional(slos),
});

const serviceOverride = obj({ sampling: optional(sampling), attributes: optional(attributes) });

const environment = obj({
  sampling: optional(sampling),
  tracing: optional(tracing),
  metrics: optional(metrics),
  logs: optional(logs),
  slo: optional(sloSettings),
  alerting: optional(alerting),
  services: optional(dict(name(63), serviceOverride)),
});

/**
 * Services one spec may list. Each AWS stack writes one SSM parameter per service (its OTEL_*
 * environment), and AWS allows 10,000 standard parameters per account and Region; it is also
 * the size the benchmarks and tests cover (bench/README.md, "Validate benchmark").
 */
export const MAX_SERVICES = 10_000;
const MAX_SERVICES_REASON = `an AWS stack writes one SSM parameter per service and AWS allows ${MAX_SERVICES.toLocaleString('en-US')} standard parameters per account and Region; split the services over several specs (one per organisation unit or account)`;

const baseSchema = obj({
  name: required(name(24)),
  services: required(list(service, { minItems: 1, maxItems: MAX_SERVICES, maxReason: MAX_SERVICES_REASON, itemsHint: 'service' })),
  sampling: optional(sampling),
  propagators: optional(list(oneOf(PROPAGATORS), { minItems: 1, itemsHint: 'propagator' })),
  tracing: optional(tracing),
  metrics: optional(metrics),
  logs: optional(logs),
  slo: optional(sloSettings),
  alerting: optional(alerting),
  environments: optional(dict(name(32), environment)),
});

/**
 * The one schema of the spec file. Cross-field rules (unique names, overrides naming real
 * services) run on the raw value even when other parts are invalid, so one run reports
 * every problem.
 */
export const specSchema: Schema<Infer<typeof baseSchema>> = refineRaw(
  baseSchema,
  crossFieldRules,
  `Service names are unique and none is a stack component's (${COMPONENT_NAMES.join(', ')}); each key of environments.*.services names a service in services.`,
);

function crossFieldRules(v: unknown, path: string, issues: Issue[]): void {
  const at = (p: string) => joinPath(path, p);
  if (!isPlainObject(v)) return;
  const seen = new Map<string, number>();
  (Array.isArray(v.services) ? v.services : []).forEach((s: unknown, i: number) => {
    if (!isPlainObject(s) || typeof s.name !== 'string') return;
    const first = seen.get(s.name);
    if ((COMPONENT_NAMES as readonly string[]).includes(s.name)) {
      // Prometheus scrapes each component and each service under a job of that name
      issues.push(issue(`${at('services')}[${i}].name`, `is the name of a stack component (${COMPONENT_NAMES.join(', ')}): its scrape job would clash with the component's; rename the service`, s.name));
    }
    if (first !== undefined) issues.push(issue(`${at('services')}[${i}].name`, `duplicates services[${first}].name`, s.name));
    else seen.set(s.name, i);
  });
  if (!isPlainObject(v.environments)) return;
  for (const [env, o] of Object.entries(v.environments)) {
    if (!isPlainObject(o) || !isPlainObject(o.services)) continue;
    for (const svc of Object.keys(o.services)) {
      // a key that is not even a valid name already has its own problem
      if (NAME_PATTERN.test(svc) && !seen.has(svc)) {
        issues.push(issue(joinPath(joinPath(joinPath(at('environments'), env), 'services'), svc), `names no service in services (known: ${[...seen.keys()].join(', ')})`, svc));
      }
    }
  }
}

// The schema and the documented interface must describe the same type, both ways.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const schemaMatchesType: Equal<Infer<typeof specSchema>, ObservabilitySpec> = true;
const keysMatch: Equal<keyof Infer<typeof specSchema>, keyof ObservabilitySpec> = true;
void schemaMatchesType;
void keysMatch;
