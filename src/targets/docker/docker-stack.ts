import { LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Container, ContainerVolumes } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import type { Construct } from 'constructs';
import { assertStackConsistent, Exposure } from '../../checks';
import { Component, imageRef, preludeEntrypoint } from '../../components/component';
import { PROBE_INSTALL_COMMAND, PROBE_INSTALLER, PROBE_MOUNT, PROBE_VOLUME, probeHealthcheck } from '../../components/health-probe';
import { volumeOwnerInit } from '../../components/volume-owner';
import { DOCKER_HUB, registryAndPath } from '../../components/image-reference';
import { StackImagesProps, stackImagesIssues } from '../../components/stack-images';
import { otlpUrls, planStack, StackPlan } from '../../components/plan';
import { dockerTopology, TraceBackend } from '../../components/topology';
import { resolveSpec } from '../../spec/resolve';
import { issue, Issue, throwIfAny } from '../../spec/issues';
import type { ObservabilitySpec } from '../../spec/types';
import { terraformLiteral } from '../terraform-literal';
import { dockerPropsIssues } from '../props-schema';
import { recordStackIssue } from '../collect-issues';
import { environmentStack } from '../declared-environments';
import { writeRenderedFilesOnSynth } from '../rendered-files';
import { annotateWarnings } from '../warnings';

export interface DockerObservabilityStackProps {
  /** The organisation's spec (validated here if it was not loaded from a file). */
  readonly spec: ObservabilitySpec;
  /**
   * Tempo (prod parity) or Jaeger (the light stack).
   * @default "tempo"
   */
  readonly traceBackend?: TraceBackend;
  /**
   * Environment name used for overrides and `deployment.environment.name`.
   * @default - the stack id
   */
  readonly environment?: string;
  /**
   * Terraform state file, relative to the stack's folder in `cdktf.out` (a relative path
   * keeps synth output identical on every machine).
   * @default "../../../terraform.<stack>.tfstate" (the project root)
   */
  readonly statePath?: string;
  /**
   * Where the images come from: a registry mirroring Docker Hub for all of them, or a whole
   * image per component (a digest allowed). The Docker provider reads the credentials of each
   * registry other than Docker Hub and ECR Public from `~/.docker/config.json` (or
   * `$DOCKER_CONFIG`), as `docker login` writes them.
   * @default - the pinned images, from Docker Hub
   */
  readonly images?: StackImagesProps;
}

/** Loopback only: a laptop's stack must not be reachable from the café's Wi-Fi. */
const PUBLISH_IP = '127.0.0.1';

/**
 * The local stack on Docker: one network, a named volume per stateful component, pinned
 * images, health checks, configs uploaded into the containers, ports on 127.0.0.1.
 * Services run on the developer's host and send OTLP to `localhost`.
 */
export class DockerObservabilityStack extends TerraformStack {
  readonly plan!: StackPlan;
  /** The environment this stack resolves the spec for (`deployment.environment.name`). */
  readonly environment: string;
  /** The environments its spec declares (checked against the app's stacks at synth). */
  readonly specEnvironments: readonly string[];

  constructor(scope: Construct, id: string, props: DockerObservabilityStackProps) {
    super(scope, id);
    // first, and whatever the props hold: app-wide rules read these even from a failing stack
    ({ environment: this.environment, specEnvironments: this.specEnvironments } = environmentStack(id, props));
    try {
      throwIfAny(`stack '${id}'`, dockerPropsIssues(props));
      const environment = props.environment ?? id;
      const spec = resolveSpec(props.spec, environment);
      const traceBackend = props.traceBackend ?? 'tempo';
      if (traceBackend === 'tempo' && spec.tracing.tempo.mode === 'distributed') {
        const at = spec.tracing.tempo.modeFrom === 'spec' ? `tracing.mode (environment '${environment}')` : `tracing.tailSampling (environment '${environment}')`;
        const why = spec.tracing.tempo.modeFrom === 'spec' ? 'distributed' : `${spec.tracing.tempo.ingestSpansPerSecond} spans/s for Tempo, which makes it distributed`;
        throwIfAny(`stack '${id}'`, [issue(at, "distributed Tempo runs on AWS only (its roles meet through Kafka, Amazon MSK): a Docker stack runs Tempo monolithic; set tracing.mode: monolithic for this environment", why)]);
      }
      const plan = planStack(spec, dockerTopology(traceBackend), props.images);
      this.plan = plan;
      const prefix = `${spec.name}-${environment}`;

      const { exposures, issues } = publishedPorts(plan);
      assertStackConsistent(id, plan, exposures, [...issues, ...stackImagesIssues(props.images, plan.components.map((c) => c.name))]);
      annotateWarnings(this, plan);

      new LocalBackend(this, { path: props.statePath ?? `../../../terraform.${id}.tfstate` });
      const registries = loginRegistries(plan);
      new DockerProvider(this, 'docker', registries.length > 0 ? { registryAuth: registries.map((address) => ({ address })) } : {});
      new RandomProvider(this, 'random', {});

      const network = new Network(this, 'network', { name: `${prefix}-o11y`, driver: 'bridge' });
      const probe = plan.components.some((c) => probeHealthcheck(c)) ? this.probeInstaller(prefix, plan.probeImage) : undefined;

      const images = new Map(plan.components.map((c) => [c.name, new Image(this, `${c.name}-image`, { name: imageRef(c), keepLocally: true })]));
      for (const c of plan.components) {
        const image = images.get(c.name)!;
        const replicas = c.replicas ?? 1;
        // a volume per replica (`…-collector-queue-0`…): each sampler keeps its own queue
        const volumesOf = (i: number) => c.volumes.map((v) => ({
          volumeName: new Volume(this, replicas > 1 ? `${c.name}-${v.name}-${i}` : `${c.name}-${v.name}`, { name: replicas > 1 ? `${prefix}-${v.name}-${i}` : `${prefix}-${v.name}` }).name,
          containerPath: v.mountPath,
        }));
        const owner = volumeOwnerInit(c, plan.components);
        // an image with nothing to run a check with: the installed probe binary runs it
        const probed = probe && probeHealthcheck(c);
        const healthcheck = c.healthcheck ?? probed;
        // a generated secret is made by Terraform at apply time and kept in state; a provided one
        // is a sensitive variable (TF_VAR_<name>); neither is in this JSON
        const secrets = c.secrets.map((s) => {
          if (s.source === 'provided') {
            const variable = new TerraformVariable(this, secretVariableName(s.name), { type: 'string', sensitive: true, nullable: false, description: `${s.description} (${c.name}): set TF_VAR_${secretVariableName(s.name)}` });
            return { env: s.env, value: variable.stringValue };
          }
          const password = new Password(this, s.name, { length: 32, special: false });
          new TerraformOutput(this, `${password.node.id}-value`, { value: password.result, sensitive: true, description: `${s.description}: terraform output -raw ${password.node.id}-value` });
          return { env: s.env, value: password.result };
        });
        // replicas are named apart (`otel-sampler-0`…) and all answer to the component's name,
        // so one DNS name resolves to every one of them (the gateway's resolver) and Prometheus
        // scrapes each; the hostname is what the sampler labels its series with
        plan.topology.replicaHosts(c.name, replicas).forEach((host, i) => {
        const volumes: ContainerVolumes[] = volumesOf(i);
        // hands volumes the image has no directory for to the component's user, then exits;
        // Terraform waits for it (attach) before it creates the component's container
        const init = owner
          ? new Container(this, replicas > 1 ? `${host}-volume-owner` : owner.name, {
              name: `${prefix}-${replicas > 1 ? `${host}-volume-owner` : owner.name}`,
              image: images.get(owner.imageOf)!.imageId,
              entrypoint: [...owner.entrypoint],
              user: '0',
              volumes: volumes.filter((v) => owner.volumes.some((o) => o.mountPath === v.containerPath)),
              networkMode: 'none',
              attach: true,
              mustRun: false,
            })
          : undefined;
        if (probed) volumes.push({ volumeName: probe.volumeName, containerPath: PROBE_MOUNT, readOnly: true });
        const before = [...(init ? [init] : []), ...(probed ? [probe.installer] : [])];
        new Container(this, replicas > 1 ? host : c.name, {
          ...(before.length > 0 ? { dependsOn: before } : {}),
          name: `${prefix}-${host}`,
          ...(replicas > 1 ? { hostname: host } : {}),
          image: image.imageId,
          entrypoint: preludeEntrypoint(c)?.map((x) => terraformLiteral(x)),
          command: [...c.args],
          user: c.user,
          restart: 'unless-stopped',
          env: [
            ...Object.entries(c.env).map(([k, v]) => `${k}=${v}`),
            ...secrets.map((s) => `${s.env}=${s.value}`),
          ],
          upload: c.files.map((f) => ({ file: f.mountPath, content: terraformLiteral(f.content) })),
          ports: c.ports.filter((p) => p.audience !== 'internal').map((p) => ({ internal: p.port, external: p.port, ip: PUBLISH_IP, protocol: 'tcp' })),
          networksAdvanced: [{ name: network.name, aliases: replicas > 1 ? [host, c.name] : [c.name] }],
          volumes,
          healthcheck: healthcheck
            ? {
                test: [...healthcheck.test],
                interval: `${healthcheck.intervalSeconds}s`,
                timeout: `${healthcheck.timeoutSeconds}s`,
                retries: healthcheck.retries,
                startPeriod: `${healthcheck.startPeriodSeconds}s`,
              }
            : undefined,
          // the entry point: apply returns once its health check passes, not merely once it started
          ...(probed ? { wait: true, waitTimeout: 120 } : {}),
          memory: c.memoryLimitMiB,
          // no swap beyond the limit the collector's memory_limiter is sized to; said explicitly,
          // as Docker would otherwise set twice the limit and every later plan would want it null
          memorySwap: c.memoryLimitMiB,
          // Prometheus scrapes services on the host; host-gateway makes this name work on Linux too
          host: c.name === 'prometheus' ? [{ host: 'host.docker.internal', ip: 'host-gateway' }] : undefined,
          logOpts: { 'max-size': '10m', 'max-file': '3' },
          // SIGTERM, then this long before SIGKILL (Docker's default is 10 s)
          stopTimeout: c.stopTimeoutSeconds,
        });
        });
      }

      new TerraformOutput(this, 'grafana-url', { value: `http://localhost:${portFor(plan, 'grafana')}` });
      new TerraformOutput(this, 'otlp-endpoints', { value: otlpUrls(plan.components, plan.topology) });
      writeRenderedFilesOnSynth(this, plan.files);
    } catch (e) {
      // under o11y validate / synth, every stack reports its problems, not only the first one
      if (!recordStackIssue(this, e)) throw e;
    }
  }

  /**
   * The one-shot container that copies the static probe binary into the stack's probe volume
   * (src/components/health-probe.ts); it exits when done, so it must not be kept running.
   */
  private probeInstaller(prefix: string, image: string): { volumeName: string; installer: Container } {
    const volumeName = new Volume(this, PROBE_VOLUME, { name: `${prefix}-${PROBE_VOLUME}` }).name;
    const installer = new Container(this, PROBE_INSTALLER, {
      name: `${prefix}-${PROBE_INSTALLER}`,
      image: new Image(this, `${PROBE_INSTALLER}-image`, { name: image, keepLocally: true }).imageId,
      command: [...PROBE_INSTALL_COMMAND],
      mustRun: false,
      restart: 'no',
      volumes: [{ volumeName, containerPath: PROBE_MOUNT }],
    });
    return { volumeName, installer };
  }
}

/**
 * The registries the images come from that may need a login: the provider pulls anonymously
 * from any registry without a `registry_auth` block. Docker Hub and ECR Public serve the pinned
 * images anonymously.
 */
function loginRegistries(plan: StackPlan): string[] {
  const hosts = plan.components.map((c) => registryAndPath(c.image.repository).registry);
  return [...new Set(hosts)].filter((h) => h !== DOCKER_HUB && h !== 'public.ecr.aws').sort();
}

/** A receiver secret's Terraform variable: `slack-webhook-url` → `slack_webhook_url` (set as TF_VAR_slack_webhook_url). */
export function secretVariableName(secret: string): string {
  return secret.replace(/-/g, '_');
}

function portFor(plan: StackPlan, name: Component['name']): number {
  return plan.components.find((c) => c.name === name)!.ports.find((p) => p.audience === 'humans')!.port;
}

/**
 * The host addresses this target publishes, and ports that would clash on the developer's
 * host: a service's metrics port equal to a port the stack publishes.
 */
export function publishedPorts(plan: StackPlan): { exposures: Exposure[]; issues: Issue[] } {
  const exposures: Exposure[] = plan.components.flatMap((c) =>
    c.ports.filter((p) => p.audience !== 'internal').map((p) => ({ component: c.name, purpose: p.purpose, hosts: ['localhost', PUBLISH_IP], port: p.port })),
  );
  const issues: Issue[] = [];
  plan.spec.services.forEach((s) => {
    const clash = s.metrics && exposures.find((e) => e.port === s.metrics!.port);
    if (clash) issues.push(issue(`services.${s.name}.metrics.port`, `is published by the stack's ${clash.component} on the host; pick another port`, s.metrics!.port));
  });
  const seen = new Map<number, string>();
  plan.spec.services.forEach((s) => {
    if (!s.metrics) return;
    const other = seen.get(s.metrics.port);
    if (other) issues.push(issue(`services.${s.name}.metrics.port`, `is also ${other}'s metrics port; on one host two services cannot share it`, s.metrics.port));
    else seen.set(s.metrics.port, s.name);
  });
  return { exposures, issues };
}
