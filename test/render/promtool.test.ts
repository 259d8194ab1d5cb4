/**
 * Every rendered prometheus.yml, checked by Prometheus' own `promtool check config`
 * (Debian's 2.42, at /usr/bin). The renderer keeps to keys 2.42 knows apart from the 3.x-only
 * `otlp:` block, which is removed by name here and checked by the deployed version's promtool in
 * the live tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import { defineStacks } from '../../stacks/stacks';
import type { StackPlan } from '../../src/components/plan';
import { EXAMPLE_STACKS, examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { configFor242 } from '../support/prometheus-2-42';
import { at } from '../support/tempo-manifest';

/** Debian's promtool; `O11Y_PROMTOOL` points elsewhere (e.g. to try the missing-tool failure). */
const PROMTOOL = process.env.O11Y_PROMTOOL ?? '/usr/bin/promtool';
const MISSING_PROMTOOL = `${PROMTOOL} is missing: install Debian's Prometheus with \`apt-get install prometheus\` (CI's .ci/run does)`;

interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'o11y-promtool-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` as `<name>` in the temp dir and runs `promtool check config` on it. */
function checkConfig(name: string, content: string): PromtoolResult {
  // a missing tool must fail the test, never skip it
  if (!existsSync(PROMTOOL)) throw new Error(MISSING_PROMTOOL);
  const file = join(dir, name);
  writeFileSync(file, content);
  const r = spawnSync(PROMTOOL, ['check', 'config', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`${PROMTOOL} could not run: ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('promtool check config', () => {
  it.each(EXAMPLE_STACKS)('accepts the rendered prometheus.yml of the %s stack', (stack) => {
    // without the 3.x-only `otlp:` block (live/validate.test.ts checks the whole file with 3.x's promtool)
    const result = checkConfig(`${stack}.prometheus.yml`, configFor242(renderedFile(examplePlan(stack), 'prometheus.yml')));
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('rejects a deliberately broken config (negative control)', () => {
    const broken = renderedFile(examplePlan('local'), 'prometheus.yml').replace('scrape_interval:', 'scrape_intervall:');
    const result = checkConfig('broken.prometheus.yml', broken);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('field scrape_intervall not found');
  });

  it("accepts the remote_write entries of Tempo's metrics-generator as Prometheus remote_write configs", () => {
    // Tempo parses metrics_generator.storage.remote_write with Prometheus' own RemoteWriteConfig
    // (grafana/tempo modules/generator/storage/config.go), so promtool can judge the entries
    // the Tempo stacks whose generator computes span metrics (behind a tail-sampling collector it is off)
    const generating = EXAMPLE_STACKS.filter((s) => s !== 'local-jaeger' && !examplePlan(s).spec.tracing.tailSampling);
    expect(generating).toEqual(['local']);
    for (const stack of generating) {
      const tempo: unknown = parse(renderedFile(examplePlan(stack), 'tempo.yaml'));
      const remoteWrite = at(tempo, 'metrics_generator.storage.remote_write');
      expect(remoteWrite).toEqual([expect.objectContaining({ send_exemplars: true })]);
      const result = checkConfig(`${stack}.tempo-remote-write.yml`, stringify({ remote_write: remoteWrite }));
      expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    }
  });

  it('rejects a remote_write entry with a misspelled key (negative control)', () => {
    const result = checkConfig('broken-remote-write.yml', stringify({ remote_write: [{ url: 'http://prometheus:9090/api/v1/write', send_exemplar: true }] }));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('field send_exemplar not found');
  });
});

describe('the plans these real-tool tests read', () => {
  it('render the same files as the stacks that `npm run synth` builds', () => {
    const app = Testing.app();
    defineStacks(app, exampleSpec());
    const synthesized = Object.fromEntries(
      app.node.children.map((stack) => [stack.node.id, (stack as unknown as { plan: StackPlan }).plan.files]),
    );
    expect(Object.keys(synthesized).sort()).toEqual([...EXAMPLE_STACKS].sort());
    for (const stack of EXAMPLE_STACKS) expect(examplePlan(stack).files).toEqual(synthesized[stack]);
  });
});
