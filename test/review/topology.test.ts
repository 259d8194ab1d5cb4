import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareTopology, MAX_DRAWN_SERVICES } from '../../src/review/topology';
import { removeTempDirs } from '../support/synth';
import { synthExample, typicalChange } from './support';

/**
 * The Mermaid picture of a stack, checked the way Mermaid reads a flowchart: node ids are
 * letters, digits and `_` (and never the keyword `end`), every edge joins declared nodes,
 * `class` names declared nodes and `linkStyle` indexes existing edges.
 */
interface Parsed {
  readonly nodes: Map<string, string>;
  readonly edges: { from: string; to: string; label: string }[];
  readonly classes: Map<string, string[]>;
  readonly linkStyles: number[];
}

const ID = '[A-Za-z][A-Za-z0-9_]*';

function parseFlowchart(text: string): Parsed {
  const [first, ...rest] = text.split('\n');
  expect(first).toBe('flowchart LR');
  const nodes = new Map<string, string>();
  const edges: Parsed['edges'] = [];
  const classes = new Map<string, string[]>();
  const linkStyles: number[] = [];
  for (const line of rest) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^  (${ID})\\["([^"]*)"\\]$`).exec(line))) {
      expect(nodes.has(m[1])).toBe(false);
      nodes.set(m[1], m[2]);
    } else if ((m = new RegExp(`^  (${ID}) -->\\|"([^"]*)"\\| (${ID})$`).exec(line))) edges.push({ from: m[1], to: m[3], label: m[2] });
    else if ((m = /^ {2}classDef (\w+) [\w:#,.-]+$/.exec(line))) classes.set(m[1], classes.get(m[1]) ?? []);
    else if ((m = new RegExp(`^  class (${ID}(?:,${ID})*) (\\w+)$`).exec(line))) classes.set(m[2], [...(classes.get(m[2]) ?? []), ...m[1].split(',')]);
    else if ((m = /^ {2}linkStyle (\d+(?:,\d+)*) [\w:#,.-]+$/.exec(line))) linkStyles.push(...m[1].split(',').map(Number));
    else throw new Error(`not a line of the flowchart grammar used here: ${JSON.stringify(line)}`);
  }
  for (const id of nodes.keys()) expect(id.toLowerCase()).not.toBe('end');
  for (const e of edges) {
    expect(nodes.has(e.from)).toBe(true);
    expect(nodes.has(e.to)).toBe(true);
  }
  for (const ids of classes.values()) for (const id of ids) expect(nodes.has(id)).toBe(true);
  for (const i of linkStyles) expect(i).toBeLessThan(edges.length);
  return { nodes, edges, classes, linkStyles };
}

let base: string;
let head: string;
beforeAll(() => {
  base = synthExample();
  head = synthExample({ spec: typicalChange });
});
afterAll(removeTempDirs);

const manifest = (dir: string, stack: string): unknown => JSON.parse(readFileSync(join(dir, 'stacks', stack, 'config', 'o11y-stack.json'), 'utf8'));

describe('the topology picture', () => {
  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'])('draws every component, service and flow of %s’s manifest as valid Mermaid', (id) => {
    const m = manifest(head, id) as { components: { name: string }[]; services: { name: string }[]; flows: unknown[] };
    const p = parseFlowchart(compareTopology(manifest(base, id), m).mermaid);
    expect(p.nodes.size).toBe(m.components.length + m.services.length);
    // flows between the same two nodes share one arrow
    expect(p.edges.length).toBeLessThanOrEqual(m.flows.length);
    expect(p.nodes.get('svc_inventory_api')).toMatch(/^inventory-api<br\/>/);
  });

  it('marks the added service and its flows, and the service whose sampling changed', () => {
    const t = compareTopology(manifest(base, 'staging'), manifest(head, 'staging'));
    const p = parseFlowchart(t.mermaid);
    expect(p.classes.get('added')).toEqual(['svc_inventory_api']);
    expect(p.classes.get('changed')).toEqual(['svc_checkout']);
    expect(p.linkStyles.map((i) => p.edges[i].from)).toEqual(['svc_inventory_api', 'svc_inventory_api']);
    expect(t.addedNodes).toEqual(['service inventory-api']);
    expect(t.changedNodes).toEqual(['service checkout']);
    expect(t.addedEdges).toHaveLength(2);
    expect(t.removedNodes).toEqual([]);
  });

  it('lists removed nodes and flows in words (they are not in the head picture)', () => {
    const t = compareTopology(manifest(head, 'local'), manifest(base, 'local'));
    expect(t.removedNodes).toEqual(['service inventory-api']);
    expect(t.mermaid).not.toContain('inventory');
  });

  it('a new stack has no change marks', () => {
    const t = compareTopology(undefined, manifest(head, 'prod'));
    expect(parseFlowchart(t.mermaid).classes.size).toBe(0);
    expect([t.addedNodes, t.addedEdges, t.removedNodes]).toEqual([[], [], []]);
  });

  it(`folds unchanged services into one node above ${MAX_DRAWN_SERVICES}, drawing the changed ones`, () => {
    const grown = (n: number, extra: string[] = []) => ({
      components: [{ name: 'otel-collector', image: 'c:1' }, { name: 'tempo', image: 't:1' }],
      services: [...Array.from({ length: n }, (_, i) => `svc-${i}`), ...extra].map((name) => ({ name, sampler: 'parentbased_traceidratio', samplerArg: '1', endpoint: 'x' })),
      flows: [...Array.from({ length: n }, (_, i) => `svc-${i}`), ...extra].map((s) => ({ from: `service:${s}`, to: 'otel-collector', what: 'traces' })).concat([{ from: 'otel-collector', to: 'tempo', what: 'sampled traces' }]),
    });
    const p = parseFlowchart(compareTopology(grown(1000), grown(1000, ['new-one'])).mermaid);
    expect([...p.nodes.values()]).toEqual(['otel-collector<br/>c:1', 'tempo<br/>t:1', 'new-one<br/>parentbased_traceidratio 1', '1000 more services']);
    expect(p.edges.map((e) => `${e.from} ${e.to}`)).toEqual(['svc_others cmp_otel_collector', 'svc_new_one cmp_otel_collector', 'cmp_otel_collector cmp_tempo']);
    expect(p.classes.get('added')).toEqual(['svc_new_one']);
  });

  it('makes distinct, safe ids of names Mermaid would not accept', () => {
    const m = {
      components: [{ name: 'end', image: 'x' }],
      services: ['a-b', 'a.b', 'end'].map((name) => ({ name, sampler: 'always_on', endpoint: 'e' })),
      flows: [{ from: 'service:a-b', to: 'end', what: 'say "hi"' }],
    };
    const p = parseFlowchart(compareTopology(m, m).mermaid);
    expect([...p.nodes.keys()]).toEqual(['cmp_end', 'svc_a_b', 'svc_a_b_2', 'svc_end']);
    expect(p.edges).toEqual([{ from: 'svc_a_b', to: 'cmp_end', label: 'say #quot;hi#quot;' }]);
  });
});
