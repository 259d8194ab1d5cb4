import { formatTextChange, TextChange, textChange } from './text-change';
import { formatPath, formatValue, isCut, isObject, Tree, TreeChange } from './tree-diff';

/** One changed value, as the review reports it (Terraform attribute or config key). */
export interface Change {
  /** Dotted path (`rule[id=expiration-backstop].expiration[0].days`). */
  readonly path: string;
  /** What the path means, where known (`tracing retention`). */
  readonly label?: string;
  /** Absent when added, or when the value is a whole file's content (see {@link Change.text}). */
  readonly old?: Tree;
  /** Absent when removed, or when the value is a whole file's content. */
  readonly new?: Tree;
  /**
   * Where a text too long to show whole changed: its first changed region, both sides
   * (`text` shows the same). Absent for short values, which `text` shows whole.
   */
  readonly diff?: TextChange;
  /** The line a reviewer reads: `tracing retention 336h → 504h`, `path: 44 → 74`, `path: added 9464`. */
  readonly text: string;
}

/** A tree change as a review line, named by `label` when the path has a known meaning. */
export function describe(change: TreeChange, label?: string): Change {
  const path = formatPath(change.path);
  const subject = label ?? `${path}:`;
  const base = { path, ...(label ? { label } : {}) };
  if (!('old' in change)) return { ...base, new: change.new, text: `${subject} added${shown(change.new, label)}` };
  if (!('new' in change)) return { ...base, old: change.old, text: `${subject} removed${shown(change.old, label)}` };
  const { old, new: now } = change;
  // two long texts cut at 40 characters would read the same: say where they differ
  const diff = typeof old === 'string' && typeof now === 'string' && (isCut(old) || isCut(now)) ? textChange(old, now) : undefined;
  if (diff) return { ...base, old, new: now, diff, text: `${subject} ${formatTextChange(diff, old as string, now as string)}` };
  return { ...base, old: change.old, new: change.new, text: `${subject} ${formatValue(change.old)} → ${formatValue(change.new)}` };
}

/** The value that appeared or went; a labelled object (`service inventory`) is named by its label alone. */
function shown(v: Tree, label: string | undefined): string {
  return label && (isObject(v) || Array.isArray(v)) ? '' : ` ${formatValue(v)}`;
}

/** Lines that say the same thing twice (Tempo's two retention keys) are kept once. */
export function uniqueByText<T extends { readonly text: string }>(changes: readonly T[]): T[] {
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.text) && (seen.add(c.text), true));
}
