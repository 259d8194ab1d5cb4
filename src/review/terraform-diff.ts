import { Change, describe } from './change';
import { diffTrees, formatPath, isObject, PathStep, sameTree, Tree, TreeChange } from './tree-diff';

/** One addressable block of a stack's Terraform JSON: a resource, data source, output, provider … */
export interface TerraformEntry {
  /** Terraform's address: `aws_s3_bucket.traces_bucket_80A6BACF`, `data.aws_vpc.vpc`, `output.grafana-url`. */
  readonly address: string;
  /** Resource or data source type; `output`, `provider`, `terraform` … for the other blocks. */
  readonly type: string;
  readonly name: string;
  readonly value: Tree;
}

export interface ResourceDiff {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** For a changed entry: its attributes that changed. */
  readonly changes: readonly Change[];
}

/** The stack's blocks by address. Cdktf's `//` annotations are no block. */
export function terraformEntries(tf: Readonly<Record<string, unknown>> | undefined): Map<string, TerraformEntry> {
  const out = new Map<string, TerraformEntry>();
  if (!tf) return out;
  const add = (address: string, type: string, name: string, value: Tree): void => void out.set(address, { address, type, name, value });
  for (const [block, body] of Object.entries(tf)) {
    if (block === '//') continue;
    if ((block === 'resource' || block === 'data') && isObject(body)) {
      for (const [type, byName] of Object.entries(body)) {
        if (!isObject(byName)) continue;
        for (const [name, value] of Object.entries(byName)) add(block === 'data' ? `data.${type}.${name}` : `${type}.${name}`, type, name, value);
      }
    } else if (isObject(body) && ['output', 'provider', 'variable', 'module'].includes(block)) {
      for (const [name, value] of Object.entries(body)) add(`${block}.${name}`, block, name, value);
    } else add(block, block, block, body);
  }
  return out;
}

/** Resources (and other blocks) added, removed and changed, sorted by address. */
export function compareTerraform(base: ReadonlyMap<string, TerraformEntry>, head: ReadonlyMap<string, TerraformEntry>): ResourceDiff[] {
  const out: ResourceDiff[] = [];
  for (const address of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const b = base.get(address);
    const h = head.get(address);
    const { type, name } = (h ?? b)!;
    if (!b) out.push({ address, type, name, status: 'added', changes: [] });
    else if (!h) out.push({ address, type, name, status: 'removed', changes: [] });
    else if (!sameTree(b.value, h.value)) {
      const changes = attributeChanges(b.value, h.value);
      if (changes.length > 0) out.push({ address, type, name, status: 'changed', changes });
    }
  }
  return out;
}

/**
 * Attributes that hold a whole rendered file: the same content is compared, key by key, in
 * the config diff, so here it is only said to have changed.
 */
const CONTENT_KEYS = new Set(['content', 'content_base64', 'value', 'source']);

/** Changed attributes of one block. JSON held in a string (IAM policies, ECS container definitions) is compared as JSON. */
export function attributeChanges(base: Tree, head: Tree, path: readonly PathStep[] = []): Change[] {
  return diffTrees(base, head, path).flatMap((c) => expand(c));
}

function expand(c: TreeChange): Change[] {
  if (typeof c.old !== 'string' || typeof c.new !== 'string') return [describe(c)];
  const last = c.path[c.path.length - 1];
  const key = last && 'key' in last ? last.key : undefined;
  const long = (s: string): boolean => s.includes('\n') || s.length > 200;
  if (key !== undefined && CONTENT_KEYS.has(key) && (long(c.old) || long(c.new) || isJsonText(c.old))) {
    return [{ path: formatPath(c.path), text: `${formatPath(c.path)}: content changed (see config diff)` }];
  }
  const oldJson = jsonText(c.old);
  const newJson = jsonText(c.new);
  if (oldJson !== undefined && newJson !== undefined) return attributeChanges(oldJson, newJson, c.path);
  if (long(c.old) || long(c.new)) {
    // the first changed region says what changed; the whole texts would swamp the JSON
    const { old: _old, new: _new, ...region } = describe(c);
    return [region];
  }
  return [describe(c)];
}

function isJsonText(s: string): boolean {
  return jsonText(s) !== undefined;
}

/** A JSON object or array held in a string, parsed; undefined for anything else. */
export function jsonText(s: string): Tree | undefined {
  const t = s.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(s) as Tree;
  } catch {
    return undefined;
  }
}
