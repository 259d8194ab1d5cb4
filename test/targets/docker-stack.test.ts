import { isAbsolute, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Password } from '@cdktf/provider-random/lib/password';
import { Testing } from 'cdktf';
import { loadSpec } from '../../src/spec/load';
import { IMAGES } from '../../src/spec/defaults';
import { O11yValidationError } from '../../src/spec/issues';
import type { ObservabilitySpec, ServiceSpec } from '../../src/spec/types';
import { DockerObservabilityStack } from '../../src/targets/docker/docker-stack';
import { PROBE_INSTALLER, PROBE_VOLUME } from '../../src/components/health-probe';
import {
  EXAMPLE_SPEC,
  exampleApp,
  ExampleApp,
  hasTemplateSequence,
  PlannedStack,
  removeTempDirs,
  resourcesOf,
  StackOutput,
  stringsIn,
  synthJson,
  synthToDisk,
  terraformBinary,
  terraformEvaluate,
  terraformLiteral,
  TerraformJson,
  testApp,
} from '../support/synth';

interface Upload {
  readonly file: string;
  readonly content: string;
}
interface ContainerJson {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  readonly env: string[];
  readonly upload: Upload[];
  readonly ports?: { internal: number; external: number; ip?: string; protocol?: string }[];
  readonly volumes?: { volume_name?: string; container_path: string; host_path?: string }[];
  readonly networks_advanced?: { name: string; aliases?: string[] }[];
  readonly healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  readonly host?: { host: string; ip: string }[];
  readonly stop_timeout?: number;
  readonly depends_on?: string[];
  readonly entrypoint?: string[];
  readonly user?: string;
  readonly attach?: boolean;
  readonly must_run?: boolean;
}

const allContainers = (json: TerraformJson) => resourcesOf(json, 'docker_container') as unknown as Record<string, ContainerJson>;
/** The components' containers, without the one-shot containers: the health-probe installer and those that hand a volume to its user. */
const containers = (json: TerraformJson) => Object.fromEntries(Object.entries(allContainers(json)).filter(([id]) => !id.endsWith('-volume-owner') && id !== PROBE_INSTALLER));

/** `${docker_volume.x.name}` → `x` (and the same for other types/attributes). */
function referencedName(expr: string | undefined, type: string, attribute: string): string | undefined {
  const m = new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.${attribute}\\}$`).exec(expr ?? '');
  return m?.[1];
}

/** Is `path` the mount point or inside it? */
const under = (path: string, mount: string) => path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);

const exampleSpec = (): ObservabilitySpec => loadSpec(EXAMPLE_SPEC);

function withServices(spec: ObservabilitySpec, ...extra: ServiceSpec[]): ObservabilitySpec {
  return { ...spec, services: [...spec.services, ...extra] };
}

/** The validation error a stack's constructor throws, or a failure if it throws none. */
function constructionError(build: () => void): O11yValidationError {
  try {
    build();
  } catch (e) {
    if (e instanceof O11yValidationError) return e;
    throw e;
  }
  throw new Error('expected the stack to be rejected, but it was built');
}

let example: ExampleApp;
let local: PlannedStack;
let jaeger: PlannedStack;
let localJson: TerraformJson;
let jaegerJson: TerraformJson;
let onDisk: Map<string, StackOutput>;

beforeAll(() => {
  example = exampleApp();
  local = example.stacks.get('local')!;
  jaeger = example.stacks.get('local-jaeger')!;
  localJson = synthJson(local);
  jaegerJson = synthJson(jaeger);
  onDisk = synthToDisk(example);
});
afterAll(removeTempDirs);

describe('the local Docker stack (Tempo)', () => {
  test('it creates exactly one network, and every container joins it under its component name', () => {
    const synthesized = Testing.synth(local);
    expect(synthesized).toHaveResourceWithProperties(Network, { name: 'shop-local-o11y', driver: 'bridge' });
    const networks = Object.keys(resourcesOf(localJson, 'docker_network'));
    expect(networks).toHaveLength(1);
    for (const [id, c] of Object.entries(containers(localJson))) {
      expect(c.networks_advanced).toEqual([{ name: `\${docker_network.${networks[0]}.name}`, aliases: [id] }]);
    }
  });

  test('it runs Tempo, the collector, Prometheus, Loki and Grafana, one container each', () => {
    expect(Object.keys(containers(localJson)).sort()).toEqual(['alertmanager', 'grafana', 'loki', 'otel-collector', 'prometheus', 'tempo']);
  });

  test('every stateful component keeps its data directory on a named volume of its own', () => {
    const cs = containers(localJson);
    const volumes = resourcesOf(localJson, 'docker_volume');
    const mountsOf = (id: string) =>
      (cs[id].volumes ?? []).map((v) => {
        expect(v.host_path).toBeUndefined();
        const vol = referencedName(v.volume_name, 'docker_volume', 'name');
        expect(vol && volumes[vol]).toBeTruthy();
        return { volume: vol!, path: v.container_path };
      });

    // Tempo: every directory its config names (WAL, blocks, live store, generator WAL, work path)
    const tempoYaml = onDisk.get('local')!.config.get('tempo.yaml')!;
    const tempoDirs = [...stringsIn(parseYaml(tempoYaml))].filter(([k, v]) => /(path|_dir)$/.test(k) && v.startsWith('/')).map(([, v]) => v);
    expect(tempoDirs.length).toBeGreaterThanOrEqual(3);
    for (const dir of tempoDirs) expect(mountsOf('tempo').some((m) => under(dir, m.path))).toBe(true);

    // Prometheus: its TSDB directory, from the flag it runs with
    const tsdb = cs.prometheus.command.find((a) => a.startsWith('--storage.tsdb.path='))!.split('=')[1];
    expect(mountsOf('prometheus').some((m) => under(tsdb, m.path))).toBe(true);

    // Grafana: GF_PATHS_DATA of the official image (grafana/grafana Dockerfile) unless overridden
    const dataDir = cs.grafana.env.find((e) => e.startsWith('GF_PATHS_DATA='))?.split('=')[1] ?? '/var/lib/grafana';
    expect(mountsOf('grafana').some((m) => under(dataDir, m.path))).toBe(true);

    // one volume per component: never shared, never orphaned, names unique on the host
    const used = Object.keys(cs).flatMap((id) => mountsOf(id).map((m) => m.volume));
    expect([...used].sort()).toEqual(Object.keys(volumes).sort());
    const names = Object.values(volumes).map((v) => v.name as string);
    expect(new Set(names).size).toBe(names.length);
  });

  test("the collector's persistent queue is a volume of its own, handed to the collector's user (10001) by a one-shot container before the collector starts", () => {
    const all = allContainers(localJson);
    const collector = all['otel-collector'];
    const queue = collector.volumes!.find((v) => v.container_path === '/var/lib/otelcol/file_storage')!;
    expect(referencedName(queue.volume_name, 'docker_volume', 'name')).toBe('otel-collector-collector-queue');
    const owner = all['otel-collector-volume-owner'];
    expect(owner).toEqual(expect.objectContaining({ entrypoint: ['chown', '10001', '/var/lib/otelcol/file_storage'], user: '0', attach: true, must_run: false, volumes: [queue] }));
    // the stack's Prometheus image (busybox: it has chown); the collector's is built from scratch
    expect(owner.image).toBe(all.prometheus.image);
    expect(collector.depends_on).toEqual(['docker_container.otel-collector-volume-owner', `docker_container.${PROBE_INSTALLER}`]);
    const yaml = parseYaml(onDisk.get('local')!.config.get('otel-collector.yaml')!) as { extensions: Record<string, { directory: string }> };
    expect(yaml.extensions['file_storage/queue'].directory).toBe(queue.container_path);
  });

  test("every container gets its component's stop timeout, not Docker's 10 s", () => {
    for (const [id, c] of Object.entries(containers(localJson))) {
      expect([id, c.stop_timeout]).toEqual([id, local.plan.components.find((x) => x.name === id)!.stopTimeoutSeconds]);
    }
    expect(containers(localJson).loki.stop_timeout).toBe(120);
  });

  test('every image is pinned to the tag in src/spec/defaults.ts, never latest', () => {
    const synthesized = Testing.synth(local);
    const images = resourcesOf(localJson, 'docker_image');
    for (const c of ['tempo', 'prometheus', 'grafana'] as const) {
      expect(synthesized).toHaveResourceWithProperties(Image, { name: `${IMAGES[c].repository}:${IMAGES[c].tag}` });
    }
    for (const [id, c] of Object.entries(containers(localJson))) {
      const image = referencedName(c.image, 'docker_image', 'image_id');
      expect(image).toBeDefined();
      const ref = images[image!].name as string;
      const want = IMAGES[id as keyof typeof IMAGES];
      expect(ref).toBe(`${want.repository}:${want.tag}`);
    }
    for (const i of Object.values(images)) {
      const ref = i.name as string;
      const tag = ref.slice(ref.lastIndexOf(':') + 1);
      expect(ref.lastIndexOf(':')).toBeGreaterThan(ref.lastIndexOf('/'));
      expect(tag).not.toBe('latest');
      expect(tag).not.toBe('');
    }
  });

  test("every container has a health check, the collector's run by the probe binary installed into its volume (its image has nothing to run one with)", () => {
    const all = { ...containers(localJson), ...containers(jaegerJson) };
    expect(all['otel-collector'].healthcheck!.test).toEqual(['CMD', '/o11y-probe/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:13133/']);
    // apply waits for it to be healthy; the probe is installed first, from the static busybox
    expect(all['otel-collector']).toMatchObject({ wait: true, depends_on: ['docker_container.otel-collector-volume-owner', `docker_container.${PROBE_INSTALLER}`] });
    expect(all['otel-collector'].volumes).toContainEqual({ volume_name: `\${docker_volume.${PROBE_VOLUME}.name}`, container_path: '/o11y-probe', read_only: true });
    const installer = resourcesOf(localJson, 'docker_container')[PROBE_INSTALLER] as unknown as ContainerJson & { must_run: boolean };
    expect(installer).toMatchObject({ must_run: false, restart: 'no', volumes: [{ volume_name: `\${docker_volume.${PROBE_VOLUME}.name}`, container_path: '/o11y-probe' }] });
    expect(resourcesOf(localJson, 'docker_image')[`${PROBE_INSTALLER}-image`]).toMatchObject({ name: 'busybox:1.37.0-musl' });
    for (const [name, c] of Object.entries(all)) {
      const h = c.healthcheck;
      expect([name, h === undefined]).toEqual([name, false]);
      expect(h).toBeDefined();
      expect(h!.test[0]).toBe('CMD');
      expect(h!.test.length).toBeGreaterThan(1);
      expect(h!.interval).toMatch(/^[1-9][0-9]*s$/);
      expect(h!.timeout).toMatch(/^[1-9][0-9]*s$/);
      expect(h!.retries).toBeGreaterThan(0);
    }
  });

  test('every published port is bound to 127.0.0.1 only', () => {
    for (const json of [localJson, jaegerJson]) {
      const ports = Object.values(containers(json)).flatMap((c) => c.ports ?? []);
      expect(ports.length).toBeGreaterThan(0);
      for (const p of ports) expect(p.ip).toBe('127.0.0.1');
    }
    const published = Object.values(containers(localJson)).flatMap((c) => (c.ports ?? []).map((p) => p.external));
    // OTLP in, the UIs, and the stores' query APIs (Loki 3100, Tempo 3200: logcli, tempo-cli, o11y verify)
    expect(published.sort()).toEqual([3000, 3100, 3200, 4317, 4318, 9090, 9093]);
  });

  test('Grafana refuses anonymous users, and its admin password is a Terraform reference, not a literal', () => {
    const synthesized = Testing.synth(local);
    const env = containers(localJson).grafana.env;
    expect(env).toContain('GF_AUTH_ANONYMOUS_ENABLED=false');
    const passwords = env.filter((e) => e.startsWith('GF_SECURITY_ADMIN_PASSWORD'));
    expect(passwords).toHaveLength(1);
    const [name, value] = [passwords[0].slice(0, passwords[0].indexOf('=')), passwords[0].slice(passwords[0].indexOf('=') + 1)];
    expect(name).toBe('GF_SECURITY_ADMIN_PASSWORD');
    const password = referencedName(value, 'random_password', 'result');
    expect(password).toBeDefined();
    expect(resourcesOf(localJson, 'random_password')[password!]).toBeDefined();
    expect(synthesized).toHaveResourceWithProperties(Password, { special: false });
    expect(resourcesOf(localJson, 'random_password')[password!].length).toBeGreaterThanOrEqual(20);
    // the one output that hands the password out is marked sensitive
    const outputs = Object.values(localJson.output ?? {}).filter((o) => JSON.stringify(o.value).includes(`random_password.${password}.`));
    expect(outputs.length).toBeGreaterThan(0);
    for (const o of outputs) expect(o.sensitive).toBe(true);
  });

  test("each container's uploaded file is byte-for-byte the rendered file of the plan and of config/", () => {
    for (const [stack, json] of [[local, localJson], [jaeger, jaegerJson]] as const) {
      const disk = onDisk.get(stack.node.id)!;
      for (const [id, c] of Object.entries(containers(json))) {
        const component = stack.plan.components.find((x) => x.name === id)!;
        expect(c.upload.map((u) => u.file).sort()).toEqual(component.files.map((f) => f.mountPath).sort());
        for (const u of c.upload) {
          const output = component.files.find((f) => f.mountPath === u.file)!.output;
          const rendered = stack.plan.files.find((f) => f.output === output)!.content;
          expect(disk.config.get(output)).toBe(rendered);
          expect({ file: u.file, content: terraformLiteral(u.content) }).toEqual({ file: u.file, content: rendered });
        }
      }
    }
  });

  (terraformBinary() ? test : test.skip)('Terraform itself reads every uploaded file as the rendered file (terraform on PATH)', () => {
    const values: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const [stack, json] of [[local, localJson], [jaeger, jaegerJson]] as const) {
      for (const [id, c] of Object.entries(containers(json))) {
        const component = stack.plan.components.find((x) => x.name === id)!;
        c.upload.forEach((u, i) => {
          const key = `${stack.node.id}_${id}_${i}`;
          values[key] = u.content;
          want[key] = stack.plan.files.find((f) => f.output === component.files.find((x) => x.mountPath === u.file)!.output)!.content;
        });
      }
    }
    expect(terraformEvaluate(values)).toEqual(want);
  });

  (terraformBinary() ? test : test.skip)("the tests' reading of Terraform's template escapes is Terraform's own (terraform on PATH)", () => {
    // what a JSON string may hold: escapes, lone and doubled markers, backslashes and quotes that are not escapes
    const samples: Record<string, string> = {
      dollar: 'a $${x} b',
      percent: 'a %%{y} b',
      both: '$${x}%%{y}',
      tripleDollar: '$$${x}',
      quadDollar: '$$$${x}',
      triplePercent: '%%%{y}',
      grafanaEscape: 'rate(x{$$__tags}[5m]) $__interval $$',
      backslashN: 'line1\\nline2',
      quotes: 'say \\"hi\\" "there"',
      newline: 'real\nnewline\n',
      lone: '$ % { } $x %y',
    };
    const local = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, terraformLiteral(v)]));
    expect(local).toEqual(terraformEvaluate(samples));
    // and what is an interpolation to Terraform is not a literal to the tests
    expect(() => terraformLiteral('x ${y}')).toThrow(/not a literal/);
    expect(() => terraformLiteral('x %{ if true }y%{ endif }')).toThrow(/not a literal/);
  });

  test('the local backend keeps state at a relative path, in the project root', () => {
    const backend = localJson.terraform?.backend ?? {};
    expect(Object.keys(backend)).toEqual(['local']);
    const path = backend.local.path as string;
    expect(isAbsolute(path)).toBe(false);
    // terraform runs in cdktf.out/stacks/local
    expect(posix.normalize(posix.join('cdktf.out/stacks/local', path))).toBe('terraform.local.tfstate');
    expect(jaegerJson.terraform?.backend?.local.path).toBe('../../../terraform.local-jaeger.tfstate');
  });

  test('Prometheus can reach services on the host: host.docker.internal maps to the host gateway', () => {
    const prom = containers(localJson).prometheus;
    expect(prom.host).toEqual([{ host: 'host.docker.internal', ip: 'host-gateway' }]);
    // and that is the name the scrape config uses for every service
    const config = parseYaml(onDisk.get('local')!.config.get('prometheus.yml')!) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const serviceJobs = config.scrape_configs.filter((s) => local.plan.spec.services.some((x) => x.name === s.job_name));
    expect(serviceJobs.length).toBe(local.plan.spec.services.filter((s) => s.metrics).length);
    for (const j of serviceJobs) for (const t of j.static_configs.flatMap((s) => s.targets)) expect(t.split(':')[0]).toBe('host.docker.internal');
    expect(Testing.synth(local)).toHaveResourceWithProperties(Container, { name: 'shop-local-prometheus', host: [{ host: 'host.docker.internal', ip: 'host-gateway' }] });
  });
});

describe('the local Docker stack with Jaeger', () => {
  test('it runs Jaeger instead of Tempo: no Tempo container, image or volume', () => {
    expect(Object.keys(containers(jaegerJson)).sort()).toEqual(['alertmanager', 'grafana', 'jaeger', 'loki', 'otel-collector', 'prometheus']);
    const images = Object.values(resourcesOf(jaegerJson, 'docker_image')).map((i) => i.name as string);
    expect(images.sort()).toEqual([...[IMAGES.alertmanager, IMAGES.grafana, IMAGES.jaeger, IMAGES.loki, IMAGES['otel-collector'], IMAGES.prometheus].map((i) => `${i.repository}:${i.tag}`), 'busybox:1.37.0-musl'].sort());
    expect(images.some((i) => i.startsWith(`${IMAGES.tempo.repository}:`))).toBe(false);
    expect(Object.values(resourcesOf(jaegerJson, 'docker_volume')).some((v) => String(v.name).includes('tempo'))).toBe(false);
    expect(Testing.synth(jaeger)).toHaveResourceWithProperties(Container, {
      name: 'shop-local-jaeger-jaeger',
      // OTLP reaches Jaeger through the collector only: just the UI is published
      ports: [{ internal: 16686, external: 16686, ip: '127.0.0.1', protocol: 'tcp' }],
    });
  });
});

describe('a spec attribute holding Terraform template syntax', () => {
  const tricky = (): ObservabilitySpec => {
    const spec = exampleSpec();
    return { ...spec, services: spec.services.map((s, i) => (i === 0 ? { ...s, attributes: { ...s.attributes, note: 'costs ${x} and %{y}' } } : s)) };
  };

  test('reaches the service env file intact, and Terraform evaluates no part of it', () => {
    const stack = new DockerObservabilityStack(testApp(), 'local', { spec: tricky(), traceBackend: 'tempo' });
    const env = stack.plan.files.find((f) => f.output === 'otel/checkout.env')!.content;
    // attribute values are percent-encoded down to [A-Za-z0-9._-/@:]: `$`, `{` and `}` too
    expect(env).toContain('note=costs%20%24%7Bx%7D%20and%20%25%7By%7D');
    const json = synthJson(stack);
    for (const [path, s] of stringsIn(json)) {
      if (!hasTemplateSequence(s)) continue;
      // the only interpolations in the Docker stack are references to its own resources
      const refs = s.match(/\$\{[^}]*\}/g) ?? [];
      for (const r of refs) expect({ path, ref: r }).toEqual({ path, ref: expect.stringMatching(/^\$\{(docker_[a-z]+|random_password)\.[A-Za-z0-9_-]+\.[a-z_]+\}$/) });
    }
    expect(JSON.stringify(json)).not.toContain('${x}');
    expect(JSON.stringify(json)).not.toContain('%{y}');
  });

  test('leaves every uploaded file equal to its rendered file', () => {
    const stack = new DockerObservabilityStack(testApp(), 'local', { spec: tricky(), traceBackend: 'tempo' });
    for (const [id, c] of Object.entries(containers(synthJson(stack)))) {
      const component = stack.plan.components.find((x) => x.name === id)!;
      for (const u of c.upload) {
        expect(terraformLiteral(u.content)).toBe(component.files.find((f) => f.mountPath === u.file)!.content);
      }
    }
  });
});

describe('the checks of the Docker stack', () => {
  test("a service's metrics port that the stack publishes (Grafana's 3000) is rejected with the exact message", () => {
    const spec = withServices(exampleSpec(), { name: 'admin', metrics: { port: 3000 } });
    const err = constructionError(() => new DockerObservabilityStack(testApp(), 'local', { spec, traceBackend: 'tempo' }));
    expect(err.message).toBe("stack 'local': 1 problem\n  - services.admin.metrics.port: is published by the stack's grafana on the host; pick another port (got 3000)");
  });

  test("a service's metrics port on an OTLP port is rejected, naming the component that publishes it", () => {
    const spec = withServices(exampleSpec(), { name: 'admin', metrics: { port: 4318 } });
    expect(constructionError(() => new DockerObservabilityStack(testApp(), 'local', { spec })).lines).toEqual([
      "services.admin.metrics.port: is published by the stack's otel-collector on the host; pick another port (got 4318)",
    ]);
    expect(constructionError(() => new DockerObservabilityStack(testApp(), 'local-jaeger', { spec, traceBackend: 'jaeger' })).lines).toEqual([
      "services.admin.metrics.port: is published by the stack's otel-collector on the host; pick another port (got 4318)",
    ]);
  });

  test("Jaeger's UI port is published only by the Jaeger variant", () => {
    const spec = withServices(exampleSpec(), { name: 'admin', metrics: { port: 16686 } });
    expect(() => new DockerObservabilityStack(testApp(), 'local', { spec, traceBackend: 'tempo' })).not.toThrow();
    expect(constructionError(() => new DockerObservabilityStack(testApp(), 'local-jaeger', { spec, traceBackend: 'jaeger' })).message).toBe(
      "stack 'local-jaeger': 1 problem\n  - services.admin.metrics.port: is published by the stack's jaeger on the host; pick another port (got 16686)",
    );
  });

  test('two services with the same metrics port are rejected with the exact message', () => {
    const spec = withServices(exampleSpec(), { name: 'admin', metrics: { port: 9464 } });
    const err = constructionError(() => new DockerObservabilityStack(testApp(), 'local', { spec }));
    expect(err.message).toBe("stack 'local': 1 problem\n  - services.admin.metrics.port: is also checkout's metrics port; on one host two services cannot share it (got 9464)");
  });

  test('every problem is reported at once', () => {
    const spec = withServices(exampleSpec(), { name: 'admin', metrics: { port: 3000 } }, { name: 'ops', metrics: { port: 3000 } });
    expect(constructionError(() => new DockerObservabilityStack(testApp(), 'local', { spec })).lines).toEqual([
      "services.admin.metrics.port: is published by the stack's grafana on the host; pick another port (got 3000)",
      "services.ops.metrics.port: is published by the stack's grafana on the host; pick another port (got 3000)",
      "services.ops.metrics.port: is also admin's metrics port; on one host two services cannot share it (got 3000)",
    ]);
  });
});
