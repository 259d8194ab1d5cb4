import { parse } from 'yaml';
import type { Tree } from './tree-diff';

/**
 * Parses large YAML files piece by piece, sharing pieces between the two sides of a review.
 *
 * A 1000-service `prometheus.yml` is 130 KB, and the `yaml` package takes 60–150 ms to parse
 * it; four stacks, two sides: most of a review's time, though all but one scrape job are the
 * same text on both sides. So a block-style document is cut into its top-level entries, and
 * a top-level block sequence into its items; each distinct piece is parsed once per review
 * and the same object is handed to both sides, which the tree diff then skips by identity.
 * Anything beyond plain block style (anchors, aliases, several documents, directives, a root
 * that is not a mapping) is parsed whole, as are files too small to matter.
 */
export class YamlPieces {
  private readonly cache = new Map<string, Tree>();
  /** Whole large texts already parsed: several stacks of a review often render the same file. */
  private readonly wholeTexts = new Map<string, Tree>();

  /** @param minSplitChars below this size a file is parsed whole: the split would cost more than it saves */
  constructor(private readonly minSplitChars = 16 * 1024) {}

  /** The document's tree, equal to `parse(text)`; throws as `parse` does on invalid YAML. */
  parse(text: string): Tree {
    if (text.length < this.minSplitChars) return parse(text) as Tree;
    let tree = this.wholeTexts.get(text);
    if (tree === undefined) {
      try {
        tree = this.inPieces(text);
      } catch {
        // the whole parse names the line and column in the file, not in a piece
        return parse(text) as Tree;
      }
      this.wholeTexts.set(text, tree);
    }
    return tree;
  }

  private inPieces(text: string): Tree {
    const sections = splitSections(text);
    if (!sections) return parse(text) as Tree;
    const out: Record<string, unknown> = {};
    for (const section of sections) {
      const entry = this.section(section);
      const keys = entry && typeof entry === 'object' && !Array.isArray(entry) ? Object.keys(entry) : [];
      // a piece that is not one `key: value` entry, or a key seen twice: let the real parser judge
      if (keys.length !== 1 || keys[0] in out) return parse(text) as Tree;
      out[keys[0]] = (entry as Record<string, unknown>)[keys[0]];
    }
    return out;
  }

  private section(text: string): Tree {
    const items = splitItems(text);
    if (!items) return this.piece(text);
    const list: unknown[] = [];
    for (const item of items.items) {
      const parsed = this.piece(item);
      if (!Array.isArray(parsed) || parsed.length !== 1) return this.piece(text);
      list.push(parsed[0]);
    }
    return { [items.key]: list };
  }

  private piece(text: string): Tree {
    if (!this.cache.has(text)) this.cache.set(text, parse(text) as Tree);
    return this.cache.get(text);
  }
}

/** Anchors, aliases, tags, document markers and directives change what a piece means on its own. */
const NOT_PLAIN = /(^|[\s[{,])[&*!][^\s]|^(---|\.\.\.|%)/m;
/** A top-level entry in block style: `key:` alone or `key: value`, the key plain. */
const TOP_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*:( |$)/;

/** The document cut before each top-level key line; undefined when it is not plain block style. */
function splitSections(text: string): string[] | undefined {
  if (NOT_PLAIN.test(text)) return undefined;
  const sections: string[][] = [];
  for (const line of text.split('\n')) {
    const top = line !== '' && !/^\s/.test(line);
    if (top && line.startsWith('#')) continue;
    if (top) {
      if (!TOP_KEY.test(line)) return undefined;
      sections.push([line]);
    } else if (sections.length > 0) sections[sections.length - 1].push(line);
    else if (line.trim() !== '' && !line.trim().startsWith('#')) return undefined;
  }
  return sections.length > 0 ? sections.map((lines) => lines.join('\n')) : undefined;
}

const ITEM = /^ {2}- /;

/** `key:` followed by a block sequence indented two spaces: its items, each a one-item sequence. */
function splitItems(section: string): { key: string; items: string[] } | undefined {
  const lines = section.split('\n');
  const m = /^([^:]+):$/.exec(lines[0]);
  if (!m || lines.length < 2 || !ITEM.test(lines[1])) return undefined;
  const items: string[] = [];
  for (const line of lines.slice(1)) {
    if (ITEM.test(line)) items.push(line);
    else if (line === '' || line.startsWith('    ')) items[items.length - 1] += `\n${line}`;
    else return undefined;
  }
  return { key: m[1], items };
}
