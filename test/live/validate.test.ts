/**
 * Every rendered config of every example stack, checked by the real binary at the deployed
 * version: the collector's and Jaeger's own `validate`, Prometheus's same-version promtool.
 * Then each stack's components start from those files and report healthy.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { fileContent } from '../../src/components/plan';
import { GoBuild, TEST_TOOLS, VERSIONS } from '../../src/spec/defaults';
import { ALERTMANAGER_CONFIG_FILE } from '../../src/render/alertmanager';
import { EXAMPLE_STACKS, examplePlan } from '../support/plans';
import { binary, buildDir, LIVE_BUILDS } from './support/binaries';
import { buildInfo, moduleHash } from './support/build-info';
import { COLLECTOR_KINDS, componentTypes } from './support/collector-build';
import { collectorConfigs, liveCollector } from './support/live-plans';
import { LiveNetwork } from './support/netns';
import { defaultBinaries, healthEndpoint, startStack } from './support/stack';

const exec = promisify(execFile);
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'o11y-live-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileOf(stack: string, output: string, content: string): string {
  const path = join(dir, `${stack}-${output.replace(/\//g, '_')}`);
  writeFileSync(path, content);
  return path;
}

async function runTool(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

/**
 * What each binary was built from, as Go recorded it (`go version -m`), against the version
 * table: the module versions are derived here from the pinned image tags, so a recipe that builds
 * other source than the image it stands for fails, whatever version string the build stamps.
 */
describe('the binaries are built from the source of the pinned images (go version -m)', () => {
  const [promMajor, promMinor, promPatch] = VERSIONS.prometheus.tag.replace(/^v/, '').split('.').map(Number);
  const [, jaegerMinor] = VERSIONS.jaeger.tag.split('.').map(Number);
  const expected: [keyof typeof LIVE_BUILDS, string, string, string][] = [
    // Prometheus v3.X.Y is module v0.3XX.Y
    ['prometheus', 'prometheus', 'github.com/prometheus/prometheus', `v0.${promMajor * 100 + promMinor}.${promPatch}`],
    ['prometheus', 'promtool', 'github.com/prometheus/prometheus', `v0.${promMajor * 100 + promMinor}.${promPatch}`],
    ['alertmanager', 'alertmanager', 'github.com/prometheus/alertmanager', VERSIONS.alertmanager.tag],
    ['alertmanager', 'amtool', 'github.com/prometheus/alertmanager', VERSIONS.alertmanager.tag],
    // Jaeger tags each v2 release v1.(63+N) too, on the same commit: only that one is a Go module version
    ['jaeger', 'jaeger', 'github.com/jaegertracing/jaeger', `v1.${63 + jaegerMinor}.0`],
    // a test tool, not deployed: its own pin
    ['telemetrygen', 'telemetrygen', TEST_TOOLS.telemetrygen.module, TEST_TOOLS.telemetrygen.version],
  ];

  it.each(expected)('%s: %s is built from %s %s', async (build, bin, module, version) => {
    const info = await buildInfo(binary(build, bin));
    const pkg = Object.entries(LIVE_BUILDS[build].packages).find(([, b]) => b === bin)![0];
    expect(info.path).toBe(pkg === '.' ? module : `${module}/${pkg}`);
    expect([info.main.path, info.main.version]).toEqual([module, version]);
    const generated = (LIVE_BUILDS[build] as GoBuild).generatedFiles;
    if (!generated) {
      // the proxy's zip, verified against the checksum database
      expect(info.main.replacedBy).toBeUndefined();
      expect(info.main.sum).toMatch(/^h1:/);
      return;
    }
    // built from a copy of the module with the release's generated files added: the copy,
    // those files aside, must hash to the go.sum entry of module@version
    expect(info.main.replacedBy).toEqual({ path: './module', version: '(devel)' });
    const dir = buildDir(LIVE_BUILDS[build]);
    const goSum = readFileSync(join(dir, 'go.sum'), 'utf8').split('\n').find((l) => l.startsWith(`${module} ${version} h1:`));
    expect(goSum).toBeDefined();
    expect(moduleHash(join(dir, 'module'), module, version, Object.keys(generated))).toBe(goSum!.split(' ')[2]);
  });

  it('the collector: every component module of the build manifest, and the core it runs on, at the contrib image release', async () => {
    const want = `v${VERSIONS['otel-collector'].tag}`;
    const info = await buildInfo(liveCollector().binary);
    const modules = [...liveCollector().manifest.matchAll(/gomod: (\S+) /g)].map((m) => m[1]);
    expect(modules.length).toBeGreaterThan(10);
    const got = [...modules, 'go.opentelemetry.io/collector/otelcol'].map((m) => {
      const d = info.deps.get(m);
      return `${m} ${d ? `${d.version}${d.replacedBy ? ` => ${d.replacedBy.path}` : ''}` : 'not in the binary'}`;
    });
    expect(got).toEqual([...modules, 'go.opentelemetry.io/collector/otelcol'].map((m) => `${m} ${want}`));
  });
});

describe('every rendered config passes the real binary', () => {
  const collectors = collectorConfigs();

  it('has collector configs to check: every stack runs one', () => {
    // and the scaled-out laptop stack of the scale-out test: its load-balancing collector and its samplers
    expect(collectors.map((c) => `${c.stack} ${c.file}`)).toEqual([
      'local otel-collector.yaml',
      'local-jaeger otel-collector.yaml',
      'staging otel-collector.yaml',
      'prod otel-collector.yaml',
      'prod-peak otel-collector.yaml',
      'prod-peak otel-sampler.yaml',
      'local-samplers-3 otel-collector.yaml',
      'local-samplers-3 otel-sampler.yaml',
    ]);
  });

  it.each(collectors.map((c) => [`${c.stack} ${c.file}`, c.yaml]))('the collector built for the stacks has every component %s names', async (_stack, yaml) => {
    const built = parse(await runTool(liveCollector().binary, ['components'])) as Record<string, { name: string }[]>;
    const types = componentTypes(yaml);
    for (const kind of COLLECTOR_KINDS) {
      const have = (built[kind] ?? []).map((c) => c.name);
      for (const t of types[kind]) expect(`${kind}.${t}: ${have.includes(t) ? 'built' : `missing (built: ${have.join(', ')})`}`).toBe(`${kind}.${t}: built`);
    }
  });

  it.each(collectors.map((c) => [c.stack, c.file, c.yaml]))('otelcol validate accepts the %s %s', async (stack, file, yaml) => {
    await runTool(liveCollector().binary, ['validate', `--config=${fileOf(stack, file, yaml)}`], { HOSTNAME: `${stack}-sampler-0` });
  });

  it('otelcol validate refuses a config that names a component the build lacks (the check can fail)', async () => {
    const yaml = collectors.find((c) => c.stack === 'staging')!.yaml.replace('tail_sampling:', 'tail_samplingx:').replace('- tail_sampling', '- tail_samplingx');
    await expect(runTool(liveCollector().binary, ['validate', `--config=${fileOf('broken', 'otel-collector.yaml', yaml)}`])).rejects.toThrow(/tail_samplingx/);
  });

  const jaegers = EXAMPLE_STACKS.flatMap((s) => {
    const y = fileContent(examplePlan(s), 'jaeger.yaml');
    return y ? [[s, y]] : [];
  });
  it.each(jaegers)('jaeger validate accepts the %s jaeger.yaml', async (stack, yaml) => {
    await runTool(binary('jaeger', 'jaeger'), ['validate', '--config', fileOf(stack, 'jaeger.yaml', yaml)]);
  });

  it('jaeger validate and promtool refuse a misspelt key (the checks can fail)', async () => {
    const [stack, yaml] = jaegers[0];
    await expect(runTool(binary('jaeger', 'jaeger'), ['validate', '--config', fileOf(`${stack}-broken`, 'jaeger.yaml', yaml.replace('max_traces', 'max_tracez'))])).rejects.toThrow(/max_tracez/);
    const prom = fileContent(examplePlan('staging'), 'prometheus.yml')!.replace('scrape_interval', 'scrape_intervall');
    await expect(runTool(binary('prometheus', 'promtool'), ['check', 'config', fileOf('broken', 'prometheus.yml', prom)])).rejects.toThrow(/scrape_intervall/);
  });

  it.each(EXAMPLE_STACKS.map((s) => [s]))('amtool check-config accepts the %s alertmanager.yml', async (stack) => {
    const out = await runTool(binary('alertmanager', 'amtool'), ['check-config', fileOf(stack, 'alertmanager.yml', fileContent(examplePlan(stack), ALERTMANAGER_CONFIG_FILE)!)]);
    expect(out).toMatch(/SUCCESS/);
  });

  it.each([
    ['prod', 'heartbeat', 'sre-channel'],
    ['staging', 'heartbeat', 'sre-channel'],
    ['local', 'unrouted', 'unrouted'],
  ] as const)('amtool routes the %s Watchdog to %s alone, whatever its severity, and a ticket to %s', async (stack, receiver, ticket) => {
    const file = fileOf(`${stack}-routes`, 'alertmanager.yml', fileContent(examplePlan(stack), ALERTMANAGER_CONFIG_FILE)!);
    const route = (...labels: string[]) => runTool(binary('alertmanager', 'amtool'), ['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
    expect((await route('alertname=Watchdog', 'severity=none', 'component=prometheus')).trim()).toBe(receiver);
    expect((await route('alertname=Watchdog', 'severity=page')).trim()).toBe(receiver);
    expect((await route('alertname=TargetDown', 'severity=ticket', 'job=loki')).trim()).toBe(ticket);
  });

  it('amtool refuses a route to an unknown receiver and a misspelt key (the check can fail)', async () => {
    const yaml = fileContent(examplePlan('prod'), ALERTMANAGER_CONFIG_FILE)!;
    await expect(runTool(binary('alertmanager', 'amtool'), ['check-config', fileOf('broken-route', 'alertmanager.yml', yaml.replace('receiver: oncall', 'receiver: on-call'))])).rejects.toThrow(/on-call/);
    await expect(runTool(binary('alertmanager', 'amtool'), ['check-config', fileOf('broken-key', 'alertmanager.yml', yaml.replace('routing_key_file', 'routing_key_fil'))])).rejects.toThrow(/routing_key_fil/);
  });

  it.each(EXAMPLE_STACKS.map((s) => [s]))('promtool check config accepts the %s prometheus.yml', async (stack) => {
    const out = await runTool(binary('prometheus', 'promtool'), ['check', 'config', fileOf(stack, 'prometheus.yml', fileContent(examplePlan(stack), 'prometheus.yml')!)]);
    expect(out).toMatch(/SUCCESS/);
  });
});

describe('each stack starts from its rendered files and reports healthy', () => {
  it.each(EXAMPLE_STACKS.map((s) => [s]))('%s', async (stack) => {
    const plan = examplePlan(stack);
    const runDir = mkdtempSync(join(dir, `${stack}-`));
    const network = new LiveNetwork(join(runDir, 'logs'));
    try {
      const running = await startStack(plan, network, runDir, defaultBinaries());
      const started = Object.keys(running.components).sort();
      // Grafana and Tempo are AGPL: Tempo's ingest runs on a Jaeger stand-in, its other distributed roles not at all
      const expected = plan.components.map((c) => c.name).filter((n) => n !== 'grafana' && !(n.startsWith('tempo-') && n !== 'tempo-distributor')).sort();
      expect(started).toEqual(expected);
      for (const r of Object.values(running.components)) {
        const { port, path } = healthEndpoint(r!.component);
        expect((await fetch(`${r!.url(port)}${path}`)).status).toBe(200);
      }
    } finally {
      await network.destroy();
    }
  });
});
