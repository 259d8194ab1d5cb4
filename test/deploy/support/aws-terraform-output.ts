/**
 * What the AWS deploy test reads from Terraform's machine-readable output: the per-resource
 * outcome of `terraform apply -json` (its `apply_complete` and `apply_errored` messages and error
 * diagnostics, whose detail carries the emulator's own words), and the changes of a plan from
 * `terraform show -json <planfile>`, down to the attributes that differ.
 */

export interface ApplyOutcome {
  /** Addresses created (or updated) by the apply. */
  readonly applied: readonly string[];
  /** Address → the error Terraform printed for it (summary and detail, whitespace folded). */
  readonly failed: Readonly<Record<string, string>>;
  /** Error diagnostics that name no resource (a provider or backend problem). */
  readonly otherErrors: readonly string[];
}

interface JsonLogLine {
  readonly type?: string;
  readonly hook?: { readonly resource?: { readonly addr?: string } };
  readonly diagnostic?: { readonly severity?: string; readonly summary?: string; readonly detail?: string; readonly address?: string };
}

const fold = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Reads the lines of `terraform apply -json`. */
export function applyOutcome(jsonLines: string): ApplyOutcome {
  const applied = new Set<string>();
  const failed: Record<string, string> = {};
  const otherErrors: string[] = [];
  const errored = new Set<string>();
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line) as JsonLogLine;
    const addr = m.hook?.resource?.addr;
    if (m.type === 'apply_complete' && addr) applied.add(addr);
    if (m.type === 'apply_errored' && addr) errored.add(addr);
    if (m.type === 'diagnostic' && m.diagnostic?.severity === 'error') {
      const text = fold(`${m.diagnostic.summary ?? ''}: ${m.diagnostic.detail ?? ''}`);
      if (m.diagnostic.address) failed[m.diagnostic.address] = failed[m.diagnostic.address] ? `${failed[m.diagnostic.address]} | ${text}` : text;
      else otherErrors.push(text);
    }
  }
  // an error hook whose diagnostic named no address still fails its resource
  for (const a of errored) failed[a] ??= `apply errored (its error named no resource: ${otherErrors.join(' | ') || 'none'})`;
  for (const a of Object.keys(failed)) applied.delete(a);
  return { applied: [...applied].sort(), failed, otherErrors };
}

/** A resource's type from its address (`aws_s3_bucket.traces_bucket_80A6BACF` → `aws_s3_bucket`). */
export function typeOf(address: string): string {
  return address.replace(/^(data\.)?/, '').split('.')[0];
}

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** Top-level attributes whose value differs before → after (an unknown after counts). */
  readonly attributes: readonly string[];
  /** Each of those attributes' value before and after (`after` undefined when known only after apply). */
  readonly values: Readonly<Record<string, { readonly before: unknown; readonly after: unknown }>>;
}

interface PlanJson {
  readonly resource_changes?: readonly RawChange[];
}
interface RawChange {
  readonly address: string;
  readonly type: string;
  readonly mode?: string;
  readonly change: { readonly actions: readonly string[]; readonly before?: unknown; readonly after?: unknown; readonly after_unknown?: unknown };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `after_unknown` mirrors the value's shape with `true` where a value is known only after apply. */
const anyUnknown = (v: unknown): boolean => v === true || (typeof v === 'object' && v !== null && Object.values(v).some(anyUnknown));

function changedAttributes(c: RawChange['change']): string[] {
  const before = isRecord(c.before) ? c.before : {};
  const after = isRecord(c.after) ? c.after : {};
  const unknown = isRecord(c.after_unknown) ? c.after_unknown : {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter((k) => anyUnknown(unknown[k]) || JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    .sort();
}

function changes(list: readonly RawChange[] | undefined): PlannedChange[] {
  return (list ?? [])
    .filter((c) => c.mode !== 'data' && !c.change.actions.every((a) => a === 'no-op' || a === 'read'))
    .map((c) => {
      const attributes = changedAttributes(c.change);
      const [before, after] = [c.change.before, c.change.after].map((v) => (isRecord(v) ? v : {}));
      const values = Object.fromEntries(attributes.map((a) => [a, { before: before[a] ?? null, after: after[a] ?? null }]));
      return { address: c.address, type: c.type, actions: c.change.actions, attributes, values };
    });
}

/** Managed resources a plan changes (no-ops and data reads left out). */
export function planChanges(showJson: string): { readonly changes: PlannedChange[] } {
  return { changes: changes((JSON.parse(showJson) as PlanJson).resource_changes) };
}

/** Counts by resource type, sorted by type. */
export function countByType(addresses: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of addresses) out[typeOf(a)] = (out[typeOf(a)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
