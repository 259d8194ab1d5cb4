/**
 * What runs, independent of where: one descriptor per component. The Docker target, the
 * compose export and the AWS target all place these same descriptors, so local and cloud
 * cannot drift apart.
 */
import type { OtlpSignal } from '../render/otel-env';
import { formatImageReference, ImageReference } from './image-reference';

/** Every component a stack may run; a new component is added here first. */
export const COMPONENT_NAMES = [
  'tempo',
  'jaeger',
  'prometheus',
  'grafana',
  'otel-collector',
  'otel-sampler',
  'loki',
  'alertmanager',
  // Tempo distributed: one component per -target= (docs/tempo-distributed.md)
  'tempo-distributor',
  'tempo-live-store',
  'tempo-block-builder',
  'tempo-query-frontend',
  'tempo-querier',
  'tempo-backend-scheduler',
  'tempo-backend-worker',
  'tempo-metrics-generator',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** What a listening port is for; the endpoint check matches OTLP protocols against these. */
export type PortPurpose = 'otlp-grpc' | 'otlp-http' | 'http' | 'grpc' | 'metrics' | 'health' | 'memberlist';

export interface ComponentPort {
  readonly name: string;
  readonly port: number;
  readonly purpose: PortPurpose;
  /**
   * Who must reach it from outside the stack: `services` (OTLP in), `humans` (UIs),
   * or nobody (only other components).
   */
  readonly audience: 'services' | 'humans' | 'internal';
}

/** A rendered config file: `content` is exactly what is deployed and written under `config/`. */
export interface ConfigFile {
  /** Path under `cdktf.out/stacks/<stack>/config/`. */
  readonly output: string;
  /** Absolute path in the container. */
  readonly mountPath: string;
  readonly content: string;
}

export interface HealthCheck {
  /** Docker `HEALTHCHECK` test, exec form (`["CMD", …]`). */
  readonly test: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
  /** The HTTP endpoint the test probes (also used by load balancers on AWS). */
  readonly httpPath: string;
  readonly port: number;
}

/** A secret the component reads from its environment; never rendered into config. */
export interface ComponentSecret {
  readonly name: string;
  readonly description: string;
  /** Env var the component (or its prelude) reads. */
  readonly env: string;
  /**
   * `generated`: the target makes a random value and keeps it (Grafana's admin password).
   * `provided`: someone else holds it (a Slack webhook URL), and each target asks for it: an
   * environment variable at `docker compose up`, a sensitive Terraform variable for the Docker
   * stack, a Secrets Manager ARN in the AWS stack's props.
   */
  readonly source: 'generated' | 'provided';
}

/**
 * The environment variable a secret's value travels in, from its name (`slack-webhook-url` →
 * `SLACK_WEBHOOK_URL`): the compose variable asked for at `up`, and a provided secret's variable
 * in the container.
 */
export function secretEnv(secret: string): string {
  return secret.toUpperCase().replace(/-/g, '_');
}

/**
 * A POSIX shell prelude run before the image's program (a busybox image has `/bin/sh`), e.g. to
 * write secrets from the environment into the files a config reads them from. No `${` in it:
 * Terraform would read that as an interpolation.
 */
export interface Prelude {
  /** The image's program, exec'd with the component's args once the script succeeds. */
  readonly program: string;
  readonly script: string;
}

export interface ComponentVolume {
  readonly name: string;
  readonly mountPath: string;
  /**
   * The image has no directory there (the collector's, built from scratch): a new Docker volume
   * is then root-owned, and the Docker target hands it to the component's `user` before it starts
   * (ECS task storage is handed over for every volume anyway).
   * @default false - the image's own directory, owned by its user, whose ownership a new volume takes
   */
  readonly notInImage?: boolean;
}

export interface ComponentFlow {
  readonly to: ComponentName;
  /** What travels, in a few words: `span metrics (remote write)`. */
  readonly what: string;
}

export interface Component {
  readonly name: ComponentName;
  /** The pinned image, or the one the stack's `images` prop chose (a mirror registry, an override). */
  readonly image: ImageReference;
  /** Arguments after the image entrypoint. */
  readonly args: readonly string[];
  /**
   * Replaces the image's entrypoint with a shell that runs this first, then the program.
   * @default - the image's entrypoint
   */
  readonly prelude?: Prelude;
  readonly ports: readonly ComponentPort[];
  readonly files: readonly ConfigFile[];
  /** Plain, non-secret environment. Keys sorted for stable output. */
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly ComponentSecret[];
  /**
   * How the runtime checks the container. Absent when the image has nothing to run one with
   * (the collector's image is built from scratch: no shell, no wget).
   * @default - none
   */
  readonly healthcheck?: HealthCheck;
  /**
   * An HTTP health endpoint to probe from a sidecar container in the same task, for an image
   * that has nothing to run a check with (the collector's is built from scratch). Targets that
   * can run sidecars (ECS) make the probe an essential container with this check.
   * @default - none
   */
  readonly healthProbe?: { readonly port: number; readonly httpPath: string };
  /** Named persistent volumes: name → mount path. */
  readonly volumes: readonly ComponentVolume[];
  /** Numeric user the image runs as (volume ownership). @default - the image's */
  readonly user?: string;
  /** Components that must be started first. */
  readonly dependsOn: readonly ComponentName[];
  /**
   * Where this component's data goes (for the topology picture in reviews): traces, span
   * metrics, queries answered. Direction is the data's, not the connection's.
   */
  readonly flows: readonly ComponentFlow[];
  /**
   * The signals its OTLP ports take (the pipelines behind its receiver): the services' env
   * turns off every other signal their SDKs would send here.
   * @default - none (not an OTLP receiver)
   */
  readonly otlpSignals?: readonly OtlpSignal[];
  /**
   * A hard memory limit the container must run under because the component sizes itself from
   * its cgroup limit (the collector's memory_limiter); targets without task sizes (Docker) set it.
   * @default - no limit
   */
  readonly memoryLimitMiB?: number;
  /**
   * Identical instances the target runs: Docker as `<name>-0…<name>-<n-1>`, each also answering
   * to `<name>` (one DNS name for all), ECS as the service's desired count in Cloud Map.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Instances that each need a stable identity (Tempo's live-stores and block-builders take their
   * Kafka partition from a trailing ordinal): the target runs `count` single instances, each its
   * own service named `<name>-<i>` (i from 0) with `env` set to that name. Excludes `replicas`.
   * @default - none: identical replicas
   */
  readonly ordinals?: { readonly count: number; readonly env: string };
  /**
   * A stateless component targets may scale on CPU between `min` and `max` instances (ECS
   * service auto scaling); Docker runs one.
   * @default - a fixed count (`replicas`)
   */
  readonly autoscale?: { readonly min: number; readonly max: number; readonly targetCpuPercent: number };
  /**
   * Seconds the runtime waits after SIGTERM before it kills the container (ECS `stopTimeout`,
   * Docker `stop_timeout`, compose `stop_grace_period`): what the component's own shutdown must
   * finish (Loki's chunk flush, the collector's in-flight exports), whose own timeouts the synth
   * check (src/checks/shutdown.ts) holds within it. Fargate allows at most 120.
   */
  readonly stopTimeoutSeconds: number;
  /**
   * After a crash the target restarts the container where it ran, keeping its storage (an ECS
   * container `restartPolicy`: the task and its ephemeral storage stay), rather than replacing
   * the task: the collector's persistent queue lives there. Docker restarts every container in
   * place anyway (`restart: unless-stopped`).
   * @default false
   */
  readonly restartInTask?: boolean;
  /** Sizing hints for targets that need them (Fargate). */
  readonly resources: { readonly cpu: number; readonly memoryMiB: number };
}

/** `repository[:tag][@digest]`, what Docker, compose and ECS pull. */
export function imageRef(c: Component): string {
  return formatImageReference(c.image);
}

/**
 * The entrypoint of a component with a prelude (`sh -c '<script>; exec <program> "$@"' <name>`),
 * its args following as `$@`. `program` replaces the image's path where the binary lives elsewhere.
 */
export function preludeEntrypoint(c: Component, program?: string): string[] | undefined {
  if (!c.prelude) return undefined;
  return ['/bin/sh', '-c', `${c.prelude.script}\nexec '${program ?? c.prelude.program}' "$@"`, c.name];
}

export function portOf(c: Component, purpose: PortPurpose): ComponentPort | undefined {
  return c.ports.find((p) => p.purpose === purpose);
}

/** The names of `count` ordinal instances of `name`: `<name>-0` … `<name>-<count-1>`. */
export function ordinalNames(name: ComponentName, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${name}-${i}`);
}

/**
 * The names of a component's instances where each is its own service (`ordinals`), else its
 * name: what each registers under (Cloud Map) and is called by (`Topology.instanceHost`).
 */
export function instanceNames(c: Component): string[] {
  return c.ordinals ? ordinalNames(c.name, c.ordinals.count) : [c.name];
}
