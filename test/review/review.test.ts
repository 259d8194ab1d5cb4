import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { renderJson, REVIEW_JSON_FORMAT } from '../../src/review/json';
import { LIMITS, md, renderMarkdown } from '../../src/review/markdown';
import type { Review } from '../../src/review/review';
import { listFiles, removeTempDirs } from '../support/synth';
import { editedCopy, editTerraform, exampleStacksWith, reviewDirs, synthExample, typicalChange } from './support';

/**
 * The review's findings beyond the risk flags (risks.test.ts): "no changes", what counts as
 * a change (semantic, not textual), how resources and configs read, and the two formats.
 */
let base: string;
/** The example after {@link typicalChange}: a sampling ratio changed, a service added, the tracing retention lengthened. */
let head: string;
let found: Review;
beforeAll(() => {
  base = synthExample();
  head = synthExample({ spec: typicalChange });
  found = reviewDirs(base, head);
});
afterAll(removeTempDirs);

const stack = (r: Review, id: string) => r.stacks.find((s) => s.id === id)!;

describe('no changes', () => {
  it('two synths of the same spec give one "no changes" line naming every stack', () => {
    // the test helper's own stack declarations must build exactly what stacks/stacks.ts builds
    const again = synthExample({ define: exampleStacksWith({}) });
    const r = reviewDirs(base, again);
    expect(r.changed).toBe(false);
    expect(r.risks).toEqual([]);
    expect(r.stacks.map((s) => `${s.id}: ${s.status}`)).toEqual(['local: unchanged', 'local-jaeger: unchanged', 'prod: unchanged', 'prod-peak: unchanged', 'staging: unchanged']);
    expect(renderMarkdown(r)).toBe('## o11y review\n\nNo changes: every stack (local, local-jaeger, prod, prod-peak, staging) is the same in base and head.\n');
  });

  it('reordered keys in every YAML and JSON file, and rewritten cdktf metadata, are no change', () => {
    const reordered = editedCopy(base, (dir) => {
      for (const f of listFiles(dir)) {
        const file = join(dir, f);
        const text = readFileSync(file, 'utf8');
        if (f.endsWith('.json')) {
          const tree = reverseKeys(JSON.parse(text));
          writeFileSync(file, JSON.stringify(tree, null, 4));
        } else if (/\.ya?ml$/.test(f)) writeFileSync(file, stringify(reverseKeys(parse(text)), { indent: 4 }));
      }
      // cdktf's own annotations (`//`: construct paths, unique ids) say nothing about what is deployed
      editTerraform(dir, 'staging', (tf) => {
        for (const byName of Object.values(tf.resource)) for (const r of Object.values(byName)) (r as Record<string, unknown>)['//'] = { metadata: { path: 'moved/elsewhere' } };
        tf['//'] = { metadata: { version: '0.0.0' } };
      });
    });
    expect(readFileSync(join(reordered, 'stacks/local/config/tempo.yaml'), 'utf8')).not.toBe(readFileSync(join(base, 'stacks/local/config/tempo.yaml'), 'utf8'));
    expect(reviewDirs(base, reordered).changed).toBe(false);
  });
});

describe('resources', () => {
  it('lists added, removed and changed resources by Terraform address, with the attributes that changed', () => {
    const staging = stack(found, 'staging');
    expect(staging.status).toBe('changed');
    const lifecycle = staging.resources.find((r) => r.address === 'aws_s3_bucket_lifecycle_configuration.traces_lifecycle_520026DC')!;
    expect(lifecycle).toMatchObject({ status: 'changed', type: 'aws_s3_bucket_lifecycle_configuration', name: 'traces_lifecycle_520026DC' });
    expect(lifecycle.changes.map((c) => c.text)).toEqual(['rule[id=expiration-backstop].expiration[0].days: 21 → 28']);
    expect(staging.resources.filter((r) => r.status === 'added').map((r) => r.address)).toEqual([
      'aws_ssm_parameter.otel-env-inventory-api',
      'aws_vpc_security_group_egress_rule.security-groups_prometheus-egress-9470-scrape-targets_29C7F652',
    ]);
  });

  it('a whole uploaded config or SSM value is not dumped: it says "content changed (see config diff)"', () => {
    const staging = stack(found, 'staging');
    const texts = staging.resources.flatMap((r) => r.changes.map((c) => `${r.address} ${c.text}`));
    expect(texts).toContain('aws_ssm_parameter.otel-env-checkout value: content changed (see config diff)');
    expect(texts).toContain('aws_s3_object.tempo_config_tempo-yaml_C79B5F6F content: content changed (see config diff)');
    const local = stack(found, 'local').resources.find((r) => r.address === 'docker_container.prometheus')!;
    // the new job is scraped, and TargetsMissing in the rules watches it
    expect(local.changes.map((c) => c.text)).toEqual(['upload[file=/etc/prometheus/prometheus.yml].content: content changed (see config diff)', 'upload[file=/etc/prometheus/rules/stack.yml].content: content changed (see config diff)']);
  });

  it('JSON held in a string (ECS container definitions) is compared as JSON, item by name', () => {
    const task = stack(found, 'staging').resources.find((r) => r.address === 'aws_ecs_task_definition.tempo_task_EDECD3E8')!;
    expect(task.changes.map((c) => c.path)).toContain('container_definitions[name=tempo].environment[name=CONFIG_SHA256].value');
  });
  it("a long text that changed (the config container's script) shows its first changed region, both sides, in Markdown and JSON", () => {
    const task = stack(found, 'staging').resources.find((r) => r.address === 'aws_ecs_task_definition.tempo_task_EDECD3E8')!;
    const command = task.changes.find((c) => c.path === 'container_definitions[name=config].command[0]')!;
    // the script checks each config file's SHA-256: the tempo.yaml line changed, and only its hash
    const sha = /^echo '([0-9a-f]{64})  \/o11y\/config\/0\/tempo\.yaml' \|…$/;
    expect(command.diff).toEqual({ line: 3, old: expect.stringMatching(sha), new: expect.stringMatching(sha), more: 0 });
    expect(command.diff!.old).not.toBe(command.diff!.new);
    // a hash for a hash: the script's length is unchanged (whatever it is: other lines come and go)
    expect(command.text.startsWith(`container_definitions[name=config].command[0]: line 3: ${JSON.stringify(command.diff!.old)} → ${JSON.stringify(command.diff!.new)} (`)).toBe(true);
    expect(command.text).toMatch(/ \((\d+) → \1 chars\)$/);
    expect(renderMarkdown(found)).toContain(`  - ${md(command.text)}\n`);
    const json = JSON.parse(renderJson(found)) as { stacks: { id: string; resources: { address: string; changes: { path: string; diff?: unknown }[] }[] }[] };
    const fromJson = json.stacks.find((s) => s.id === 'staging')!.resources.find((r) => r.address === task.address)!.changes.find((c) => c.path === command.path)!;
    expect(fromJson.diff).toEqual(command.diff);
  });
});

describe('configs, compared as trees', () => {
  it('a changed value reads with its meaning where known: tracing retention 336h → 504h', () => {
    const tempo = stack(found, 'staging').configs.find((f) => f.file === 'tempo.yaml')!;
    // Tempo holds the retention twice (scheduler and worker): one line says it
    expect(tempo.changes.map((c) => c.text)).toEqual(['tracing retention 336h → 504h']);
    expect(tempo.changes[0]).toMatchObject({ label: 'tracing retention', old: '336h', new: '504h' });
  });

  it('per-service env files read as KEY=value trees; added files are listed', () => {
    const staging = stack(found, 'staging').configs;
    expect(staging.find((f) => f.file === 'otel/checkout.env')!.changes.map((c) => c.text)).toEqual(['sampling ratio 1 → 0.5']);
    expect(staging.filter((f) => f.status === 'added').map((f) => f.file)).toEqual(['otel/inventory-api.env', 'otel/inventory-api.json']);
    expect(stack(found, 'local').configs.find((f) => f.file === 'prometheus.yml')!.changes.map((c) => c.text)).toEqual(['scrape job inventory-api added']);
  });

  it('a removed file is listed as removed', () => {
    const r = reviewDirs(base, synthExample({ spec: (s) => void (s.services = s.services.filter((x) => x.name !== 'catalog')) }));
    expect(stack(r, 'local').configs.filter((f) => f.status === 'removed').map((f) => f.file)).toEqual(['otel/catalog.env']);
  });
});

describe('output', () => {
  it('Markdown: the verdict, then the risks, then a table, then one <details> block per changed stack', () => {
    const text = renderMarkdown(found);
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual(['## o11y review', '', '**5 of 5 stacks changed:** local, local-jaeger, prod, prod-peak, staging.', '']);
    expect(lines[4]).toBe(`### Risks (${found.risks.length})`);
    expect(text).toContain('\n- staging: sampling ratio changed: checkout 1 → 0.5\n');
    expect(text).toContain('\n- local: service added: inventory-api\n');
    expect(text.indexOf('### Risks')).toBeLessThan(text.indexOf('### Stacks'));
    expect(text.indexOf('### Stacks')).toBeLessThan(text.indexOf('<details>'));
    expect(text.match(/<details><summary><b>([^<]+)<\/b>/g)).toEqual(['local', 'local-jaeger', 'prod', 'prod-peak', 'staging'].map((s) => `<details><summary><b>${s}</b>`));
    expect(text.match(/<\/details>/g)).toHaveLength(5);
    expect(text).toContain('\n  - tracing retention 336h → 504h\n');
  });

  it('Markdown escapes what GitHub would read as emphasis or HTML in a line', () => {
    expect(renderMarkdown(found)).toContain('- changed `aws_s3_bucket_lifecycle_configuration.traces_lifecycle_520026DC`\n  - rule\\[id=expiration-backstop\\].expiration\\[0\\].days: 21 → 28\n');
  });

  it('Markdown cuts long lists and says how many more there are; JSON keeps them all', () => {
    const many: Review = {
      changed: true,
      risks: Array.from({ length: LIMITS.risksPerKind + 5 }, (_, i) => ({ kind: 'service-added' as const, stack: 'prod', line: `prod: service added: s${String(i).padStart(2, '0')}` })),
      stacks: [
        {
          id: 'prod',
          status: 'changed',
          resources: Array.from({ length: LIMITS.entries + 3 }, (_, i) => ({ address: `aws_ssm_parameter.p${i}`, type: 'aws_ssm_parameter', name: `p${i}`, status: 'added' as const, changes: [] })),
          configs: [{ file: 'tempo.yaml', status: 'changed', changes: Array.from({ length: LIMITS.changesPerEntry + 2 }, (_, i) => ({ path: `k${i}`, text: `k${i}: 1 → 2` })) }],
        },
      ],
    };
    const text = renderMarkdown(many);
    expect(text.match(/^- prod: service added: /gm)).toHaveLength(LIMITS.risksPerKind);
    expect(text).toContain('\n- prod: … and 5 more service-added flags (all in --format json)\n');
    expect(text).toContain(`\n- … and 3 more\n`);
    expect(text).toContain(`\n  - … and 2 more\n`);
    expect(JSON.parse(renderJson(many)).risks).toHaveLength(LIMITS.risksPerKind + 5);
  });

  it('JSON: the same findings in a fixed layout, uncut', () => {
    const json = JSON.parse(renderJson(found)) as { format: string; changed: boolean; risks: { kind: string; stack: string; line: string }[]; stacks: { id: string; status: string; resources: unknown[]; configs: unknown[]; topology: { mermaid: string } }[] };
    expect(Object.keys(json)).toEqual(['format', 'changed', 'risks', 'stacks']);
    expect(json.format).toBe(REVIEW_JSON_FORMAT);
    expect(json.changed).toBe(true);
    expect(json.risks).toContainEqual({ kind: 'sampling-changed', stack: 'staging', line: 'staging: sampling ratio changed: checkout 1 → 0.5' });
    expect(json.risks.map((r) => r.line)).toEqual(found.risks.map((r) => r.line));
    expect(json.stacks.map((s) => s.id)).toEqual(['local', 'local-jaeger', 'prod', 'prod-peak', 'staging']);
    expect(Object.keys(json.stacks[0])).toEqual(['id', 'status', 'resources', 'configs', 'topology']);
    expect(json.stacks[0].topology.mermaid.startsWith('flowchart LR\n')).toBe(true);
  });

  it('two reviews of the same pair print the same bytes', () => {
    const again = reviewDirs(base, head);
    expect(renderMarkdown(again)).toBe(renderMarkdown(found));
    expect(renderJson(again)).toBe(renderJson(found));
  });

  it('stack folders without config/ (a synth of another cdktf app) are reviewed by their Terraform alone', () => {
    const withoutConfig = (dir: string): void => {
      for (const id of readdirSync(join(dir, 'stacks'))) rmSync(join(dir, 'stacks', id, 'config'), { recursive: true });
    };
    const r = reviewDirs(editedCopy(base, withoutConfig), editedCopy(head, withoutConfig));
    expect(stack(r, 'staging').configs).toEqual([]);
    expect(stack(r, 'staging').topology).toBeUndefined();
    expect(stack(r, 'staging').resources.map((x) => x.address)).toEqual(stack(found, 'staging').resources.map((x) => x.address));
  });
});

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
  return v;
}
