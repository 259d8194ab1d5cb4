import { isObject, Tree } from './tree-diff';

/**
 * The head stack's topology from `config/o11y-stack.json` (src/components/stack-manifest.ts)
 * as a Mermaid `flowchart LR`, and what changed in it against the base: added nodes and
 * edges are drawn green, changed nodes (image, sampling) amber, removed ones listed in words.
 * Nodes are the manifest's components and `service:<name>`s; any component name works.
 */
export interface TopologyDiff {
  readonly mermaid: string;
  readonly addedNodes: readonly string[];
  readonly removedNodes: readonly string[];
  readonly changedNodes: readonly string[];
  readonly addedEdges: readonly string[];
  readonly removedEdges: readonly string[];
}

interface Node {
  readonly id: string;
  /** `service:checkout` or the component name, as flows name them. */
  readonly key: string;
  readonly label: string;
  /** What a change of the node is judged by (image; sampler and endpoint). */
  readonly signature: string;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly what: string;
}

/** Services drawn one by one at most; the others are one node (Mermaid draws at most 500 edges). */
export const MAX_DRAWN_SERVICES = 20;

const OTHERS = 'service:*';

export function compareTopology(base: Tree | undefined, head: Tree): TopologyDiff {
  const [bNodes, hNodes] = [nodesOf(base), nodesOf(head)];
  const [bEdges, hEdges] = [edgesOf(base), edgesOf(head)];
  const edgeKey = (e: Edge): string => `${e.from} → ${e.to} (${e.what})`;
  const bEdgeKeys = new Set(bEdges.map(edgeKey));
  const hEdgeKeys = new Set(hEdges.map(edgeKey));
  const added = [...hNodes.keys()].filter((k) => !bNodes.has(k));
  const removed = [...bNodes.keys()].filter((k) => !hNodes.has(k));
  const changed = [...hNodes.keys()].filter((k) => bNodes.has(k) && bNodes.get(k)!.signature !== hNodes.get(k)!.signature);
  const addedEdges = hEdges.filter((e) => !bEdgeKeys.has(edgeKey(e)));
  // edges of a removed node go with it; only edges between nodes still there are listed
  const removedEdges = bEdges.filter((e) => !hEdgeKeys.has(edgeKey(e)) && hNodes.has(e.from) && hNodes.has(e.to));

  // a large stack: draw the services that changed, and the rest as one node
  // a large stack: draw the services that were added, then those that changed, up to the
  // limit, and the rest as one node
  const services = [...hNodes.keys()].filter((k) => k.startsWith('service:'));
  const notable = new Set([...added, ...changed].filter((k) => k.startsWith('service:')).slice(0, MAX_DRAWN_SERVICES));
  const folded = services.length > MAX_DRAWN_SERVICES ? new Set(services.filter((k) => !notable.has(k))) : new Set<string>();
  const foldedChanged = changed.filter((k) => folded.has(k)).length;
  const drawn = [...hNodes.values()].filter((n) => !folded.has(n.key));
  const ids = new Map<string, string>(drawn.map((n) => [n.key, n.id]));
  if (folded.size > 0) ids.set(OTHERS, uniqueId('svc_others', new Set(ids.values())));
  const target = (k: string): string => ids.get(folded.has(k) ? OTHERS : k)!;

  const lines = ['flowchart LR'];
  for (const n of drawn) lines.push(`  ${n.id}["${escape(n.label)}"]`);
  if (folded.size > 0) lines.push(`  ${ids.get(OTHERS)}["${folded.size} more services${foldedChanged ? ` (${foldedChanged} changed)` : ''}"]`);
  const drawnEdges = new Map<string, { from: string; to: string; what: Set<string>; added: boolean }>();
  for (const e of hEdges) {
    const [from, to] = [target(e.from), target(e.to)];
    if (!from || !to) continue;
    const k = `${from} ${to}`;
    const d = drawnEdges.get(k) ?? { from, to, what: new Set<string>(), added: false };
    d.what.add(e.what);
    d.added ||= !bEdgeKeys.has(edgeKey(e)) && base !== undefined;
    drawnEdges.set(k, d);
  }
  const addedIdx: number[] = [];
  [...drawnEdges.values()].forEach((e, i) => {
    lines.push(`  ${e.from} -->|"${escape([...e.what].sort().join(', '))}"| ${e.to}`);
    if (e.added) addedIdx.push(i);
  });
  if (base !== undefined) {
    const cls = (keys: readonly string[]): string[] => keys.filter((k) => ids.has(k) && !folded.has(k)).map((k) => ids.get(k)!);
    const [addedIds, changedIds] = [cls(added), cls(changed)];
    lines.push('  classDef added fill:#dafbe1,stroke:#1a7f37,stroke-width:2px');
    lines.push('  classDef changed fill:#fff8c5,stroke:#9a6700,stroke-width:2px');
    if (addedIds.length) lines.push(`  class ${addedIds.join(',')} added`);
    if (changedIds.length) lines.push(`  class ${changedIds.join(',')} changed`);
    if (addedIdx.length) lines.push(`  linkStyle ${addedIdx.join(',')} stroke:#1a7f37,stroke-width:2px`);
  }
  return {
    mermaid: lines.join('\n'),
    addedNodes: base === undefined ? [] : added.map(nodeName),
    removedNodes: removed.map(nodeName),
    changedNodes: changed.map(nodeName),
    addedEdges: base === undefined ? [] : addedEdges.map(edgeText),
    removedEdges: removedEdges.map(edgeText),
  };
}

function nodeName(key: string): string {
  return key.startsWith('service:') ? `service ${key.slice('service:'.length)}` : key;
}

function edgeText(e: Edge): string {
  return `${nodeName(e.from)} → ${nodeName(e.to)} (${e.what})`;
}

/** Components first, then services, each in the manifest's order. */
function nodesOf(manifest: Tree | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (!isObject(manifest)) return out;
  const used = new Set<string>();
  const add = (key: string, prefix: string, name: string, label: string, signature: string): void => {
    const id = uniqueId(`${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`, used);
    used.add(id);
    out.set(key, { id, key, label, signature });
  };
  for (const c of (Array.isArray(manifest.components) ? manifest.components : []).filter(isObject)) {
    const name = String(c.name);
    add(name, 'cmp', name, `${name}<br/>${String(c.image)}`, String(c.image));
  }
  for (const s of (Array.isArray(manifest.services) ? manifest.services : []).filter(isObject)) {
    const name = String(s.name);
    const sampling = s.samplerArg !== undefined ? `${String(s.sampler)} ${String(s.samplerArg)}` : String(s.sampler);
    add(`service:${name}`, 'svc', name, `${name}<br/>${sampling}`, `${sampling} ${String(s.endpoint)}`);
  }
  return out;
}

function edgesOf(manifest: Tree | undefined): Edge[] {
  if (!isObject(manifest)) return [];
  return (Array.isArray(manifest.flows) ? manifest.flows : []).filter(isObject).map((f) => ({ from: String(f.from), to: String(f.to), what: String(f.what) }));
}

/** Mermaid ids are letters, digits and `_`: a name that maps onto a taken id gets a number. */
function uniqueId(candidate: string, used: ReadonlySet<string>): string {
  let id = candidate;
  for (let i = 2; used.has(id); i++) id = `${candidate}_${i}`;
  return id;
}

/** Quotes end a Mermaid label; `#quot;` is Mermaid's entity for one. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;');
}
