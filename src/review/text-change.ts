import { diffLines, diffWordsWithSpace, type ChangeObject } from 'diff';

/**
 * Where a long text changed, as a reviewer reads it: the first changed region of each side with
 * a little unchanged text around it. A 2984-character container command or a 111-character
 * PromQL expression that changed is otherwise only "changed", and its two cut-off starts look
 * the same.
 */
export interface TextChange {
  /** The 1-based line of the old text the first changed region starts on (1 for a one-line text). */
  readonly line: number;
  /** The first changed region of the old text, with unchanged context either side (`…` where cut). */
  readonly old: string;
  /** The same region of the new text. */
  readonly new: string;
  /** Changed regions after the first; absent when the texts differ too much to count them. */
  readonly more?: number;
}

/** Unchanged characters shown before and after the changed region, on its line. */
const CONTEXT_CHARS = 30;
/** The longest changed part shown of each side. */
const REGION_CHARS = 100;
/**
 * The most edits (lines or words) the diff looks for; beyond it the texts are only compared
 * from both ends. jsdiff's Myers diff is O(N·D): this keeps a 4 MB rule file with many changes fast.
 */
const MAX_EDITS = 100;

/** The first changed region of two texts, by line for texts with line breaks, else by word; undefined when equal. */
export function textChange(a: string, b: string): TextChange | undefined {
  if (a === b) return undefined;
  const multiline = a.includes('\n') || b.includes('\n');
  const parts = multiline ? diffLines(a, b, { maxEditLength: MAX_EDITS }) : diffWordsWithSpace(a, b, { maxEditLength: MAX_EDITS });
  const regions = parts ? changedRegions(parts) : [{ a0: 0, a1: a.length, b0: 0, b1: b.length }];
  const first = narrow(a, b, regions[0]);
  return {
    line: multiline ? a.slice(0, first.a0).split('\n').length : 1,
    old: shown(a, first.a0, first.a1),
    new: shown(b, first.b0, first.b1),
    ...(parts ? { more: regions.length - 1 } : {}),
  };
}

/** A text change as the end of a review line: `line 42: "…interval: 15s" → "…interval: 30s" (2 more changed regions; 2984 → 2984 chars)`. */
export function formatTextChange(t: TextChange, a: string, b: string): string {
  const more = t.more === undefined ? 'more changes; ' : t.more > 0 ? `${t.more} more changed region${t.more === 1 ? '' : 's'}; ` : '';
  const where = a.includes('\n') || b.includes('\n') ? `line ${t.line}: ` : '';
  return `${where}${JSON.stringify(t.old)} → ${JSON.stringify(t.new)} (${more}${a.length} → ${b.length} chars)`;
}

/** Offsets of a region in each text: [a0, a1) of the old, [b0, b1) of the new. */
interface Region {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** Runs of consecutive removed and added parts, as offsets into both texts. */
function changedRegions(parts: readonly ChangeObject<string>[]): Region[] {
  const out: Region[] = [];
  let a = 0;
  let b = 0;
  let open: Region | undefined;
  for (const p of parts) {
    if (!p.added && !p.removed) {
      open = undefined;
      a += p.value.length;
      b += p.value.length;
      continue;
    }
    if (!open) out.push((open = { a0: a, a1: a, b0: b, b1: b }));
    if (p.removed) open.a1 = a += p.value.length;
    else open.b1 = b += p.value.length;
  }
  return out;
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * The region without what both sides share at its ends (a changed line differs in a few
 * characters), widened to whole words so `15s → 30s` does not read `1 → 3`.
 */
function narrow(a: string, b: string, r: Region): Region {
  let { a0, a1, b0, b1 } = r;
  while (a0 < a1 && b0 < b1 && a[a0] === b[b0]) (a0++, b0++);
  while (a1 > a0 && b1 > b0 && a[a1 - 1] === b[b1 - 1]) (a1--, b1--);
  while (a0 > 0 && b0 > 0 && WORD.test(a[a0 - 1]) && a[a0 - 1] === b[b0 - 1]) (a0--, b0--);
  while (a1 < a.length && b1 < b.length && WORD.test(a[a1]) && a[a1] === b[b1]) (a1++, b1++);
  return { a0, a1, b0, b1 };
}

/** text[from, to) with up to {@link CONTEXT_CHARS} of its line either side; `…` marks where the line is cut. */
function shown(text: string, from: number, to: number): string {
  const lineStart = from === 0 ? 0 : text.lastIndexOf('\n', from - 1) + 1;
  const nl = text.indexOf('\n', to);
  const lineEnd = nl < 0 ? text.length : nl;
  const start = Math.max(lineStart, from - CONTEXT_CHARS);
  const end = Math.min(Math.max(lineEnd, to), to + CONTEXT_CHARS);
  const region = to - from > REGION_CHARS ? `${text.slice(from, from + REGION_CHARS)}…` : text.slice(from, to);
  return `${start > lineStart ? '…' : ''}${text.slice(start, from)}${region}${text.slice(to, end)}${end < Math.max(lineEnd, to) ? '…' : ''}`;
}
