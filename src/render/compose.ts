import { Component, imageRef, preludeEntrypoint, secretEnv } from '../components/component';
import type { StackPlan } from '../components/plan';
import { PROBE_INSTALL_COMMAND, PROBE_INSTALLER, PROBE_MOUNT, PROBE_VOLUME, probeHealthcheck } from '../components/health-probe';
import { formatImageReference } from '../components/image-reference';
import { volumeOwnerInit } from '../components/volume-owner';
import { GENERATED_HEADER, toYaml } from './serialize';

/** Compose interpolates `$VAR`; a literal `$` in inlined config content is written `$$`. */
function escapeCompose(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

function configName(c: Component, output: string): string {
  return `${c.name}-${output.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/**
 * A self-contained docker-compose.yml for people without Terraform, from the same component
 * descriptors the Docker target places: configs are inlined (`configs.<name>.content`, Compose
 * v2.23+), ports bound to 127.0.0.1, secrets asked from the environment at `up` time.
 */
export function renderCompose(plan: StackPlan, projectName: string): string {
  const services: Record<string, unknown> = {};
  const configs: Record<string, unknown> = {};
  const volumes: Record<string, unknown> = {};
  // an image with nothing to run a check with gets the probe binary from a one-shot service
  // (src/components/health-probe.ts); it is a dependency, so `up --wait` accepts its exit
  if (plan.components.some((c) => probeHealthcheck(c))) {
    volumes[PROBE_VOLUME] = {};
    services[PROBE_INSTALLER] = { image: plan.probeImage, command: PROBE_INSTALL_COMMAND.map(escapeCompose), restart: 'no', volumes: [`${PROBE_VOLUME}:${PROBE_MOUNT}`] };
  }
  for (const c of plan.components) {
    for (const f of c.files) configs[configName(c, f.output)] = { content: escapeCompose(f.content) };
    const replicas = c.replicas ?? 1;
    // a volume per replica (`collector-queue-0`…), as in the Terraform stack
    const volumeName = (name: string, i: number) => (replicas > 1 ? `${name}-${i}` : name);
    for (let i = 0; i < replicas; i++) for (const v of c.volumes) volumes[volumeName(v.name, i)] = {};
    const owner = volumeOwnerInit(c, plan.components);
    const env: Record<string, string> = { ...c.env };
    for (const s of c.secrets) {
      const variable = secretEnv(s.name);
      env[s.env] = `\${${variable}:?set ${variable} (${s.description}) before docker compose up}`;
    }
    const probed = probeHealthcheck(c);
    const hc = c.healthcheck ?? probed;
    const service: Record<string, unknown> = {
      image: imageRef(c),
      ...(c.prelude ? { entrypoint: preludeEntrypoint(c)!.map(escapeCompose) } : {}),
      ...(c.args.length > 0 ? { command: c.args.map(escapeCompose) } : {}),
      ...(c.user ? { user: c.user } : {}),
      restart: 'unless-stopped',
      ...(Object.keys(env).length > 0 ? { environment: env } : {}),
      ...(c.ports.some((p) => p.audience !== 'internal')
        ? { ports: c.ports.filter((p) => p.audience !== 'internal').map((p) => `127.0.0.1:${p.port}:${p.port}`) }
        : {}),
      // SIGTERM, then this long before SIGKILL (Docker's default is 10 s)
      stop_grace_period: `${c.stopTimeoutSeconds}s`,
      ...(c.files.length > 0 ? { configs: c.files.map((f) => ({ source: configName(c, f.output), target: f.mountPath })) } : {}),
      ...(hc
        ? {
            healthcheck: {
              test: [...hc.test],
              interval: `${hc.intervalSeconds}s`,
              timeout: `${hc.timeoutSeconds}s`,
              retries: hc.retries,
              start_period: `${hc.startPeriodSeconds}s`,
            },
          }
        : {}),
      // no swap beyond the limit, as in the Terraform stack
      ...(c.memoryLimitMiB !== undefined ? { mem_limit: `${c.memoryLimitMiB}m`, memswap_limit: `${c.memoryLimitMiB}m` } : {}),
      ...(c.name === 'prometheus' ? { extra_hosts: ['host.docker.internal:host-gateway'] } : {}),
      ...(c.dependsOn.length > 0 || probed
        ? {
            depends_on: Object.fromEntries([
              ...(probed ? [[PROBE_INSTALLER, { condition: 'service_completed_successfully' }]] : []),
              ...c.dependsOn.flatMap((d) => {
                const dep = plan.components.find((x) => x.name === d);
                const condition = dep && (dep.healthcheck ?? probeHealthcheck(dep)) ? 'service_healthy' : 'service_started';
                return plan.topology.replicaHosts(d, dep?.replicas ?? 1).map((name) => [name, { condition }]);
              }),
            ]),
          }
        : {}),
    };
    // replicas are services of their own (`otel-sampler-0`…), each also answering to the
    // component's name: one DNS name for all of them, as the gateway's resolver expects
    plan.topology.replicaHosts(c.name, replicas).forEach((host, i) => {
      const name = replicas > 1 ? host : c.name;
      const mounts = (vs: typeof c.volumes) => vs.map((v) => `${volumeName(v.name, i)}:${v.mountPath}`);
      // hands volumes the image has no directory for to the component's user, then exits
      const ownerName = owner ? `${name}-volume-owner` : undefined;
      if (owner) services[ownerName!] = { image: formatImageReference(owner.image), entrypoint: [...owner.entrypoint], user: '0', network_mode: 'none', volumes: mounts(owner.volumes) };
      const own = {
        ...(c.volumes.length > 0 || probed ? { volumes: [...mounts(c.volumes), ...(probed ? [`${PROBE_VOLUME}:${PROBE_MOUNT}:ro`] : [])] } : {}),
        ...(ownerName ? { depends_on: { ...(service.depends_on as Record<string, unknown> | undefined), [ownerName]: { condition: 'service_completed_successfully' } } } : {}),
      };
      services[name] = replicas > 1 ? { ...service, ...own, hostname: host, networks: { default: { aliases: [c.name] } } } : { ...service, ...own };
    });
  }
  return toYaml({ name: projectName, services, volumes, configs }, `${GENERATED_HEADER}\nStart: docker compose -f <this file> up -d`);
}
