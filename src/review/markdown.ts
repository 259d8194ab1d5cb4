import type { Change } from './change';
import type { Review, StackReview } from './review';
import type { Risk } from './risk';

/**
 * The review as GitHub-flavoured Markdown, for a pull-request comment: verdict, risk flags
 * and a table first; each stack's details (topology, resources, configs) folded in a
 * `<details>` block. Long lists are cut (the JSON output has everything), so a 1000-service
 * change still fits in a comment and is read in a minute.
 */
export const LIMITS = {
  /** Risk lines of one kind in one stack. */
  risksPerKind: 10,
  /** Resources or config files listed per stack. */
  entries: 50,
  /** Changes listed per resource or file. */
  changesPerEntry: 20,
} as const;

export function renderMarkdown(r: Review): string {
  const out: string[] = ['## o11y review', ''];
  const ids = r.stacks.map((s) => s.id);
  if (!r.changed) {
    out.push(`No changes: ${ids.length ? `every stack (${ids.join(', ')}) is` : 'both synth outputs are'} the same in base and head.`);
    return `${out.join('\n')}\n`;
  }
  const changed = r.stacks.filter((s) => s.status !== 'unchanged');
  const same = r.stacks.filter((s) => s.status === 'unchanged');
  out.push(`**${changed.length} of ${r.stacks.length} stacks changed:** ${changed.map((s) => `${s.id}${s.status === 'changed' ? '' : ` (${s.status})`}`).join(', ')}.${same.length ? ` No changes: ${same.map((s) => s.id).join(', ')}.` : ''}`, '');

  out.push(`### Risks (${r.risks.length})`, '');
  if (r.risks.length === 0) out.push('No risk flags.');
  else out.push(...riskLines(r.risks));
  out.push('');

  out.push('### Stacks', '', '| stack | resources | configs | risks |', '| --- | --- | --- | --- |');
  for (const s of r.stacks) {
    const risks = r.risks.filter((x) => x.stack === s.id).length;
    out.push(`| ${s.id} | ${s.status === 'unchanged' ? 'no changes' : counts(s.resources)} | ${s.status === 'unchanged' ? 'no changes' : counts(s.configs)} | ${risks || ''} |`);
  }
  out.push('');
  for (const s of changed) out.push(...details(s));
  return `${out.join('\n')}\n`;
}

function riskLines(risks: readonly Risk[]): string[] {
  const out: string[] = [];
  const shown = new Map<string, number>();
  const hidden = new Map<string, number>();
  for (const x of risks) {
    const group = `${x.stack}\u0000${x.kind}`;
    const n = shown.get(group) ?? 0;
    if (n < LIMITS.risksPerKind) {
      out.push(`- ${md(x.line)}`);
      shown.set(group, n + 1);
    } else hidden.set(group, (hidden.get(group) ?? 0) + 1);
  }
  for (const [group, n] of hidden) {
    const [stack, kind] = group.split('\u0000');
    out.push(`- ${md(`${stack}: … and ${n} more ${kind} flags (all in --format json)`)}`);
  }
  return out;
}

function counts(entries: readonly { readonly status: 'added' | 'removed' | 'changed' }[]): string {
  if (entries.length === 0) return 'no changes';
  const by = (st: string): number => entries.filter((e) => e.status === st).length;
  return (['added', 'changed', 'removed'] as const)
    .map((st) => [st, by(st)] as const)
    .filter(([, n]) => n > 0)
    .map(([st, n]) => `${n} ${st}`)
    .join(', ');
}

function details(s: StackReview): string[] {
  const title = s.status === 'changed' ? `resources: ${counts(s.resources)}; configs: ${counts(s.configs)}` : `stack ${s.status}`;
  const out = [`<details><summary><b>${s.id}</b>: ${title}</summary>`, ''];
  if (s.topology) {
    const t = s.topology;
    out.push('#### Topology (head)', '', '```mermaid', t.mermaid, '```', '');
    const said: [string, readonly string[]][] = [
      ['Added', t.addedNodes],
      ['Changed', t.changedNodes],
      ['Removed', t.removedNodes],
      ['New flows', t.addedEdges],
      ['Removed flows', t.removedEdges],
    ];
    for (const [what, items] of said) if (items.length) out.push(`- ${what}: ${md(cut(items, LIMITS.entries).join('; '))}`);
    if (said.some(([, items]) => items.length)) out.push('');
  }
  out.push(...entryList('Resources', s.resources.map((r) => ({ ...r, name: r.address }))));
  out.push(...entryList('Configs', s.configs.map((f) => ({ ...f, name: f.file }))));
  out.push('</details>', '');
  return out;
}

/** `- changed \`name\`` with its changes below, the list cut at {@link LIMITS}.entries; nothing for an empty list. */
function entryList(title: string, entries: readonly { readonly name: string; readonly status: string; readonly changes: readonly Change[] }[]): string[] {
  if (entries.length === 0) return [];
  const out = [`#### ${title}`, ''];
  for (const e of entries.slice(0, LIMITS.entries)) out.push(`- ${e.status} ${code(e.name)}`, ...changeLines(e.changes));
  if (entries.length > LIMITS.entries) out.push(`- … and ${entries.length - LIMITS.entries} more`);
  out.push('');
  return out;
}

function changeLines(changes: readonly Change[]): string[] {
  const lines = changes.slice(0, LIMITS.changesPerEntry).map((c) => `  - ${md(c.text)}`);
  if (changes.length > LIMITS.changesPerEntry) lines.push(`  - … and ${changes.length - LIMITS.changesPerEntry} more`);
  return lines;
}

function cut(items: readonly string[], n: number): string[] {
  return items.length > n ? [...items.slice(0, n), `… and ${items.length - n} more`] : [...items];
}

/** Text that Markdown would otherwise read as emphasis, HTML, a table cell or a link. */
export function md(text: string): string {
  return text.replace(/[\\`*_<>|~[\]]/g, (c) => `\\${c}`);
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
