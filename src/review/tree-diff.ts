/**
 * A semantic diff of two parsed documents (YAML, JSON, dotenv, Terraform JSON): object keys
 * are compared by name, so a reordered key is no change; arrays of named objects (scrape
 * jobs, datasources, IAM statements, lifecycle rules) are matched by that name, so inserting
 * one item does not shift every item after it.
 */

export type Tree = unknown;

/** One step of a path: an object key, an array index, or an array item matched by a key field. */
export type PathStep = { readonly key: string } | { readonly index: number } | { readonly field: string; readonly value: string };

export interface TreeChange {
  readonly path: readonly PathStep[];
  /** Absent when the value was added. */
  readonly old?: Tree;
  /** Absent when the value was removed. */
  readonly new?: Tree;
}

/**
 * Fields that name an item of an array, tried in this order: the first one that every item
 * of both arrays has, with values unique within each array, matches the items.
 */
const ITEM_KEYS = ['name', 'job_name', 'id', 'uid', 'refId', 'Sid', 'key', 'containerName', 'sourceVolume', 'containerPath', 'file'] as const;

/** Cdktf's own annotations (`//` with construct paths and metadata): never a real change. */
const IGNORED_KEYS = new Set(['//']);

/** Beyond this many insertions and deletions two lists are compared index by index. */
const MAX_EDITS = 1000;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of parsed documents, ignoring key order and cdktf's `//` annotations. */
export function sameTree(a: Tree, b: Tree): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameTree(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    // counted rather than listed: a review walks hundreds of thousands of nodes
    let keys = 0;
    for (const k in a) {
      if (IGNORED_KEYS.has(k)) continue;
      if (!Object.prototype.hasOwnProperty.call(b, k) || !sameTree(a[k], b[k])) return false;
      keys++;
    }
    for (const k in b) if (!IGNORED_KEYS.has(k)) keys--;
    return keys === 0;
  }
  return false;
}

/** Every leaf-most difference between two documents, in a stable order (sorted keys). */
export function diffTrees(a: Tree, b: Tree, path: readonly PathStep[] = []): TreeChange[] {
  const out: TreeChange[] = [];
  if (!sameTree(a, b)) walk(a, b, [...path], out);
  return out;
}

/** `a` and `b` differ; callers check, so equal subtrees cost no path. */
function walk(a: Tree, b: Tree, path: PathStep[], out: TreeChange[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !IGNORED_KEYS.has(k)).sort();
    for (const k of keys) {
      const [inA, inB] = [Object.prototype.hasOwnProperty.call(a, k), Object.prototype.hasOwnProperty.call(b, k)];
      if (!inB) out.push({ path: [...path, { key: k }], old: a[k] });
      else if (!inA) out.push({ path: [...path, { key: k }], new: b[k] });
      else if (!sameTree(a[k], b[k])) walk(a[k], b[k], [...path, { key: k }], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const field = itemKey(a, b);
    if (field) diffKeyedArrays(a as Record<string, unknown>[], b as Record<string, unknown>[], field, path, out);
    else diffAlignedArrays(a, b, path, out);
    return;
  }
  out.push({ path, old: a, new: b });
}

function itemKey(a: readonly unknown[], b: readonly unknown[]): string | undefined {
  if (a.length + b.length === 0) return undefined;
  const all = [...a, ...b];
  if (!all.every(isObject)) return undefined;
  return ITEM_KEYS.find((k) => {
    const named = (xs: readonly unknown[]): boolean => {
      const seen = new Set<string>();
      for (const x of xs) {
        const v = (x as Record<string, unknown>)[k];
        if (typeof v !== 'string' && typeof v !== 'number') return false;
        if (seen.has(String(v))) return false;
        seen.add(String(v));
      }
      return true;
    };
    return named(a) && named(b);
  });
}

function diffKeyedArrays(a: Record<string, unknown>[], b: Record<string, unknown>[], field: string, path: PathStep[], out: TreeChange[]): void {
  const byKey = (xs: Record<string, unknown>[]): Map<string, Record<string, unknown>> => new Map(xs.map((x) => [String(x[field]), x]));
  const ma = byKey(a);
  const mb = byKey(b);
  const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  for (const k of keys) {
    const step = { field, value: k };
    const x = ma.get(k);
    const y = mb.get(k);
    if (y === undefined) out.push({ path: [...path, step], old: x });
    else if (x === undefined) out.push({ path: [...path, step], new: y });
    else if (!sameTree(x, y)) walk(x, y, [...path, step], out);
  }
}

/**
 * Lists without a naming field (command-line flags, port mappings, lifecycle blocks) are
 * aligned on their longest common subsequence of equal items: an inserted flag reads as one
 * addition, and an item changed in place (`--storage.tsdb.retention.time=15d` → `=7d`) as one
 * change at its index, compared further inside when it is an object.
 */
function diffAlignedArrays(a: readonly unknown[], b: readonly unknown[], path: PathStep[], out: TreeChange[]): void {
  // the equal head and tail by deep comparison (no strings built: most of a long list is equal)
  let start = 0;
  while (start < a.length && start < b.length && sameTree(a[start], b[start])) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && sameTree(a[endA - 1], b[endB - 1])) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA).map(canonical);
  const midB = b.slice(start, endB).map(canonical);
  const pairs = lcsPairs(midA, midB) ?? [];
  // the gaps between matched items: removals and additions paired index by index
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...pairs, [midA.length, midB.length] as const]) {
    const gapA = mi - i;
    const gapB = mj - j;
    for (let k = 0; k < Math.max(gapA, gapB); k++) {
      const ia = start + i + k;
      const ib = start + j + k;
      if (k < gapA && k < gapB) {
        if (!sameTree(a[ia], b[ib])) walk(a[ia], b[ib], [...path, { index: ib }], out);
      }
      else if (k < gapA) out.push({ path: [...path, { index: ia }], old: a[ia] });
      else out.push({ path: [...path, { index: ib }], new: b[ib] });
    }
    i = mi + 1;
    j = mj + 1;
  }
}

/** A value as one string, object keys sorted and cdktf's annotations left out: equal values, equal strings. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).filter((k) => !IGNORED_KEYS.has(k)).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Index pairs of a longest common subsequence, in order, by Myers' O((N+M)·D) algorithm: a
 * review usually compares long lists with few edits (D), where the textbook O(N·M) table
 * would cost a million cells for a thousand services. Undefined beyond {@link MAX_EDITS} edits.
 */
export function lcsPairs(a: readonly string[], b: readonly string[]): [number, number][] | undefined {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  let v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(n + m, MAX_EDITS); d++) {
    trace.push(v);
    v = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, offset, n, m, a, b);
    }
  }
  return undefined;
}

/** Walks Myers' trace back from the end, collecting the diagonal (equal) steps. */
function backtrack(trace: readonly Int32Array[], offset: number, n: number, m: number, a: readonly string[], b: readonly string[]): [number, number][] {
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK];
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY && a[x - 1] === b[y - 1]) {
      pairs.push([x - 1, y - 1]);
      x--;
      y--;
    }
    x = prevX;
    y = prevY;
  }
  return pairs.reverse();
}

/** `rule[id=expiration-backstop].expiration[0].days` */
export function formatPath(path: readonly PathStep[]): string {
  let s = '';
  for (const step of path) {
    if ('key' in step) s += s === '' ? step.key : `.${step.key}`;
    else if ('index' in step) s += `[${step.index}]`;
    else s += `[${step.field}=${step.value}]`;
  }
  return s;
}

/** The longest scalar shown whole; longer ones are cut with their length said. */
const SHOWN_CHARS = 100;

/** A string {@link formatValue} shows cut: one with a line break or longer than {@link SHOWN_CHARS}. */
export function isCut(v: string): boolean {
  return v.includes('\n') || v.length > SHOWN_CHARS;
}

/** A value as a reviewer reads it: bare strings and numbers, compact JSON for the rest. */
export function formatValue(v: Tree): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') {
    if (v === '') return '""';
    if (isCut(v)) return `${JSON.stringify(v.slice(0, 40)).slice(0, -1)}…" (${v.length} chars)`;
    return v;
  }
  const text = JSON.stringify(v);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}… (${text.length} chars)` : text;
}
