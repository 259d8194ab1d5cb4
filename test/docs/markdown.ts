/**
 * Reading the documentation the way GitHub renders it, for the docs tests: the Markdown files
 * (README.md and docs/*.md), their fenced code blocks, their headings' anchors and their links.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { slug } from '../../scripts/spec-reference';

export const REPO = join(__dirname, '..', '..');

/** README.md and every docs/*.md, as paths relative to the repository, in a stable order. */
export function markdownFiles(): string[] {
  const docs = readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export function readDoc(file: string): string {
  return readFileSync(join(REPO, file), 'utf8');
}

/**
 * A fenced code block. `lang` is the info string's first word, `flags` the rest (` ```yaml output `
 * → lang `yaml`, flags `['output']`); `text` has the fence's indentation removed (a block inside
 * a list item is indented); `line` is the 1-based line of the opening fence.
 */
export interface CodeBlock {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly flags: readonly string[];
  readonly text: string;
}

/** Every fenced block (``` or ~~~) of a Markdown text, in order. */
export function codeBlocks(file: string, markdown = readDoc(file)): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ *(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a code fence that never closes`);
    blocks.push({ file, line: i + 1, lang: lang.toLowerCase(), flags: rest.split(/\s+/).filter((f) => f !== ''), text: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** The text outside fenced code blocks, with each fenced line blanked (line numbers stay). */
export function prose(markdown: string): string[] {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const m = /^ *(`{3,}|~{3,})/.exec(line);
    if (m && fence === undefined) {
      fence = m[1];
      out.push('');
    } else if (m && fence !== undefined && m[1][0] === fence[0] && m[1].length >= fence.length && /^ *(`{3,}|~{3,})\s*$/.test(line)) {
      fence = undefined;
      out.push('');
    } else out.push(fence === undefined ? line : '');
  }
  return out;
}

/** The anchors of a Markdown text's headings, a repeated one numbered as GitHub does (`-1`, `-2`). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(markdown)) {
    const h = /^#{1,6} +(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const base = slug(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** A relative link of a Markdown file: `[text](target)` outside code, with its line. */
export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** Every inline link outside code blocks and code spans. */
export function links(file: string, markdown = readDoc(file)): Link[] {
  const out: Link[] = [];
  prose(markdown).forEach((line, i) => {
    const text = line.replace(/(`+)[\s\S]*?\1/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ file, line: i + 1, target: m[1] });
  });
  // link text may wrap over lines; the `](target)` part never does in these files
  return out;
}
