/**
 * The documentation of the output cannot drift from a real synth: docs/output.md's tree lists
 * every kind of file the five example stacks write under `config/`, and nothing they do not;
 * docs/spec.md's list of the ports a local stack publishes is what both Docker stacks publish.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleApp, removeTempDirs, synthToDisk, StackOutput, TerraformJson } from '../support/synth';
import { REPO } from './markdown';

let outputs: Map<string, StackOutput>;
beforeAll(() => {
  outputs = synthToDisk(exampleApp());
}, 120_000);
afterAll(removeTempDirs);

/** A written path as the tree names its kind: one line per service or dashboard, not per file. */
function kind(path: string): string {
  return path
    .replace(/^otel\/[^/]+\.env$/, 'otel/<service>.env')
    .replace(/^otel\/[^/]+\.json$/, 'otel/<service>.json')
    .replace(/^grafana\/dashboards\/[^/]+\.json$/, 'grafana/dashboards/<uid>.json');
}

/** The paths docs/output.md's tree lists under `config/`. */
function documentedTree(): string[] {
  const text = readFileSync(join(REPO, 'docs', 'output.md'), 'utf8');
  const block = text.slice(text.indexOf('```\ncdktf.out/stacks/<stack>/'), text.indexOf('```', text.indexOf('```\ncdktf.out/stacks/<stack>/') + 3));
  const lines = block.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('config/'));
  return lines.slice(start + 1).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
}

describe('docs/output.md', () => {
  it("lists every kind of file the example stacks write under config/, and only those", () => {
    const written = [...new Set([...outputs.values()].flatMap((o) => [...o.config.keys()].map(kind)))].sort();
    expect(documentedTree().sort()).toEqual(written);
  });
});

describe('docs/spec.md', () => {
  it('lists exactly the ports the Docker stacks publish on the host', () => {
    const published = new Set<number>();
    for (const id of ['local', 'local-jaeger']) {
      const json: TerraformJson = outputs.get(id)!.json;
      const containers = Object.values((json.resource as Record<string, Record<string, { ports?: { external: number }[] }>>).docker_container);
      for (const c of containers) for (const p of c.ports ?? []) published.add(p.external);
    }
    const text = readFileSync(join(REPO, 'docs', 'spec.md'), 'utf8');
    const listed = text.match(/one the stack publishes: ([\d, ]+)\)/)![1].split(',').map((p) => Number(p.trim()));
    expect(listed).toEqual([...published].sort((a, b) => a - b));
  });
});
