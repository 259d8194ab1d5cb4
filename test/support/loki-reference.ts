/**
 * Checks a loki.yaml against Loki 3.7.6's configuration reference
 * (`/work/shared/reference/loki-3.7.6-configuration.md`, generated upstream from Loki's config
 * structs by `make doc`). Loki parses its config strictly: an unknown key stops it at start-up,
 * and Loki is AGPL, so we never build it to find out: the reference is the oracle.
 *
 * The reference's chapter "Configuration file reference" holds one ```yaml block for the root
 * (`### Supported contents and default values of loki.yaml`) and one per named block
 * (`### common`, `### period_config`, …). Inside those blocks every line is one of:
 *
 *   blank or `# comment` (any indent)    → ignored; comments may even quote yaml or ``` fences
 *   `[key: <type> | default = …]`         → a field; `<type>` is classified by `typeOf`
 *   `[: <map of string to X>]`            → an inline (`yaml:",inline"`) map: any key, value X
 *   `[<block_name>]`                      → an embedded (squashed) block: its keys join this one
 *   `key:`                                → an anonymous nested block, children indented by 2;
 *                                           without children (`ruler.external_labels:`) its contents are unknown
 *
 * Anything else throws, so a new pattern upstream surfaces here instead of being skipped.
 */
import { readFileSync } from 'node:fs';

export const LOKI_REFERENCE_FILE = '/work/shared/reference/loki-3.7.6-configuration.md';

/** The type of a key, as the reference spells it between `<` and `>`. */
export type LokiType =
  /** `<string>`, `<int>`, `<duration>`…: any YAML value but a mapping */
  | { readonly kind: 'scalar'; readonly name: string }
  /** `<period_config>`: a named block documented in its own `### period_config` section */
  | { readonly kind: 'block'; readonly name: string }
  /** `key:` followed by its indented children */
  | { readonly kind: 'inline'; readonly block: LokiBlock }
  /** `<list of period_configs>`, `<list of strings>` */
  | { readonly kind: 'list'; readonly of: LokiType }
  /** `<map of string to X>`: any key, each value an X */
  | { readonly kind: 'map'; readonly of: LokiType }
  /** a Go type the reference names but never documents (`<RemoteWriteConfig>`): anything goes */
  | { readonly kind: 'undocumented'; readonly name: string };

export interface LokiBlock {
  readonly fields: Map<string, LokiType>;
  /** Named blocks squashed into this one by `[<name>]`. */
  readonly embeds: string[];
  /** The value type of any key, set by an inline map `[: <map of string to X>]`. */
  anyKey?: LokiType;
}

export interface LokiReference {
  /** The top level of loki.yaml. */
  readonly root: LokiBlock;
  /** Every named block, by its section heading. */
  readonly blocks: ReadonlyMap<string, LokiBlock>;
  /** Every `<type>` (as written, sorted) whose element type is neither a scalar nor a documented block, and every childless `key:`. */
  readonly undocumented: readonly string[];
  /** The type at a key path (`schema_config.configs[0].index.period`; `[]` for any index), or undefined if Loki has no such key. */
  typeAt(path: string): LokiType | undefined;
  /** The keys a block accepts at a key path, embedded blocks included; undefined when the path is not a block. */
  keysAt(path: string): string[] | undefined;
}

/**
 * Type names that are YAML scalars: the reference's "Generic placeholders" plus those its
 * generator emits for Go scalar types (`<float>`, `<url>`, `<time>`, `<daytime>` for
 * period_config.from, `<Regexp>` for attributes_config.regex, `<Time>`).
 */
const SCALARS = new Set([
  'boolean', 'int', 'float', 'duration', 'string', 'secret', 'labelname', 'labelvalue', 'filename', 'host',
  'url', 'time', 'daytime', 'Time', 'Regexp',
]);

const ROOT_HEADING = '### Supported contents and default values of `loki.yaml`';
const CHAPTER = '## Configuration file reference';

const FIELD = /^\[([A-Za-z0-9_]*): <([^>]*)>(?: \| default = .*)?\]$/;
const EMBED = /^\[<([a-z0-9_]+)>\]$/;
const INLINE = /^([A-Za-z0-9_]+):$/;

interface Line {
  readonly n: number; // 1-based, for error messages
  readonly text: string;
}

/** Parses the whole reference. Throws on any line inside a schema ```yaml block it cannot classify. */
export function parseLokiReference(markdown: string, file = LOKI_REFERENCE_FILE): LokiReference {
  const sections = chapterSections(markdown.split('\n'), file);
  const names = new Set([...sections.keys()].filter((h) => h !== ROOT_HEADING).map((h) => h.slice(4)));
  const undocumented = new Set<string>();

  const element = (name: string): LokiType => {
    if (SCALARS.has(name)) return { kind: 'scalar', name };
    if (names.has(name)) return { kind: 'block', name };
    return { kind: 'undocumented', name };
  };
  const typeOf = (raw: string): LokiType => {
    const map = /^map of string to (.*)$/.exec(raw);
    if (map) return { kind: 'map', of: typeOf(map[1]) };
    const list = /^list of (.+)$/.exec(raw);
    if (!list) return element(raw);
    // element names are plural (`strings`, `period_configs`); an undocumented one (`StreamRetentions`) stays as written
    const singular = element(list[1].replace(/s$/, ''));
    return { kind: 'list', of: singular.kind === 'undocumented' ? element(list[1]) : singular };
  };
  const innermost = (t: LokiType): LokiType => (t.kind === 'list' || t.kind === 'map' ? innermost(t.of) : t);

  const parseBlock = (body: readonly Line[]): LokiBlock => {
    const root = newBlock();
    // the blocks open at each indentation; `opened` is a `key:` that has not shown a child yet
    const stack: { indent: number; block: LokiBlock }[] = [{ indent: 0, block: root }];
    let opened: { parent: LokiBlock; key: string; indent: number } | undefined;
    // `ruler.external_labels:` has no children: the generator cannot see inside its Go type
    // (prometheus labels.Labels, a map of label names), so nothing about its keys is known
    const childless = (): void => {
      if (!opened) return;
      opened.parent.fields.set(opened.key, { kind: 'undocumented', name: `${opened.key}:` });
      undocumented.add(`${opened.key}: (no children)`);
      stack.pop();
      opened = undefined;
    };
    for (const { n, text } of body) {
      const content = text.trimStart();
      if (content === '' || content.startsWith('#')) continue;
      const fail = (why: string): never => {
        throw new Error(`${file}:${n}: ${why}: ${text}`);
      };
      const indent = text.length - content.length;
      if (opened && indent === opened.indent + 2) opened = undefined;
      else if (opened && indent <= opened.indent) childless();
      else if (opened) fail('a nested block `key:` must be followed by children indented by 2');
      while (indent < stack[stack.length - 1].indent) stack.pop();
      if (indent !== stack[stack.length - 1].indent) fail('indentation does not match any open block');
      const { block } = stack[stack.length - 1];
      const define = (key: string, type: LokiType): void => {
        if (block.fields.has(key)) fail(`key ${key} is documented twice in one block`);
        block.fields.set(key, type);
      };
      let m: RegExpExecArray | null;
      if ((m = FIELD.exec(content))) {
        const type = typeOf(m[2]);
        if (innermost(type).kind === 'undocumented') undocumented.add(`<${m[2]}>`);
        if (m[1] !== '') define(m[1], type);
        else if (type.kind === 'map' && !block.anyKey) block.anyKey = type.of;
        else fail('a field without a key must be the one inline map of its block');
      } else if ((m = EMBED.exec(content))) {
        if (!names.has(m[1])) fail(`embedded block ${m[1]} has no section`);
        block.embeds.push(m[1]);
      } else if ((m = INLINE.exec(content))) {
        const child = newBlock();
        define(m[1], { kind: 'inline', block: child });
        stack.push({ indent: indent + 2, block: child });
        opened = { parent: block, key: m[1], indent };
      } else {
        fail('cannot classify this line');
      }
    }
    childless();
    return root;
  };

  const blocks = new Map<string, LokiBlock>();
  let root: LokiBlock | undefined;
  for (const [heading, body] of sections) {
    if (heading === ROOT_HEADING) root = parseBlock(body);
    else blocks.set(heading.slice(4), parseBlock(body));
  }
  if (!root) throw new Error(`${file}: no section ${ROOT_HEADING}`);
  return makeReference(root, blocks, [...undocumented].sort());
}

/**
 * The schema ```yaml block of every `### ` section in the "Configuration file reference" chapter,
 * by heading. Sections without one (environment variables, placeholders) are left out; a
 * block right after a line ending in "Example:" is an example (named_stores_config has one) and
 * skipped. A second schema block in a section throws, as does a `### block_name` section without one.
 */
function chapterSections(lines: readonly string[], file: string): Map<string, Line[]> {
  const start = lines.indexOf(CHAPTER);
  if (start < 0) throw new Error(`${file}: no chapter ${CHAPTER}`);
  const sections = new Map<string, Line[]>();
  let heading: string | undefined;
  let body: Line[] | undefined; // the fence being read
  const named: string[] = []; // `### block_name` headings, each of which must get a schema
  for (let i = start + 1; i < lines.length; i++) {
    const text = lines[i];
    if (body) {
      if (text === '```') body = undefined;
      else body.push({ n: i + 1, text });
    } else if (text.startsWith('## ')) {
      break; // the next chapter (runtime config file, out-of-order writes) documents other files
    } else if (text.startsWith('### ')) {
      heading = text;
      if (/^### [a-z0-9_]+$/.test(heading)) named.push(heading);
    } else if (text.startsWith('```')) {
      const example = /Example:\s*$/.test(lines[i - 1] ?? '');
      body = [];
      if (text !== '```yaml' || example || !heading) continue; // read to its end, keep nothing
      if (sections.has(heading)) throw new Error(`${file}:${i + 1}: a second schema block in ${heading}`);
      sections.set(heading, body);
    }
  }
  if (body) throw new Error(`${file}: unterminated code fence`);
  const empty = named.filter((h) => !sections.has(h));
  if (empty.length) throw new Error(`${file}: named sections without a schema block: ${empty.join(', ')}`);
  return sections;
}

function newBlock(): LokiBlock {
  return { fields: new Map(), embeds: [] };
}

function makeReference(root: LokiBlock, blocks: ReadonlyMap<string, LokiBlock>, undocumented: readonly string[]): LokiReference {
  const block = (t: LokiType | undefined): LokiBlock | undefined =>
    t?.kind === 'inline' ? t.block : t?.kind === 'block' ? blocks.get(t.name) : undefined;
  const typeAt = (path: string): LokiType | undefined => {
    let t: LokiType | undefined = { kind: 'inline', block: root };
    for (const segment of path.match(/[^.[\]]+|\[\d*\]/g) ?? []) {
      if (t === undefined || t.kind === 'undocumented') return t;
      if (segment.startsWith('[')) t = t.kind === 'list' ? t.of : undefined;
      else if (t.kind === 'map') t = t.of;
      else t = fieldOf(block(t), segment, blocks);
    }
    return t;
  };
  return {
    root,
    blocks,
    undocumented,
    typeAt,
    keysAt: (path) => {
      const b = block(typeAt(path));
      return b && keysOf(b, blocks);
    },
  };
}

/** The type of `key` in a block, looking through its embedded blocks and inline map. */
function fieldOf(b: LokiBlock | undefined, key: string, blocks: ReadonlyMap<string, LokiBlock>): LokiType | undefined {
  if (!b) return undefined;
  const embedded = b.embeds.map((name) => fieldOf(blocks.get(name), key, blocks)).find((t) => t !== undefined);
  return b.fields.get(key) ?? embedded ?? b.anyKey;
}

function keysOf(b: LokiBlock, blocks: ReadonlyMap<string, LokiBlock>): string[] {
  return [...b.fields.keys(), ...b.embeds.flatMap((name) => keysOf(blocks.get(name)!, blocks))];
}

let cached: LokiReference | undefined;

/** Loki 3.7.6's reference, parsed once per test file. */
export function lokiReference(): LokiReference {
  return (cached ??= parseLokiReference(readFileSync(LOKI_REFERENCE_FILE, 'utf8')));
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every key path in a parsed loki.yaml that Loki 3.7.6 would refuse, sorted: unknown keys
 * (`schema_config.configs[0].bogus`), and mappings given to a scalar key
 * (`server.http_listen_port (not a block)`) or to a list (`… (not a list)`). Values of
 * undocumented types, and of map values that are scalars, are not checked: the reference
 * says nothing about them. A scalar where a block belongs is not reported either: some blocks
 * (prometheus' `proxy_url`) have their own unmarshaller and really are written as strings.
 */
export function unknownLokiKeys(config: unknown, reference: LokiReference = lokiReference()): string[] {
  const found: string[] = [];
  const check = (value: unknown, t: LokiType, path: string): void => {
    if (t.kind === 'scalar') {
      if (isMap(value)) found.push(`${path} (not a block)`);
    } else if (t.kind === 'list') {
      if (Array.isArray(value)) value.forEach((v, i) => check(v, t.of, `${path}[${i}]`));
      else if (isMap(value)) found.push(`${path} (not a list)`);
    } else if (t.kind === 'map') {
      if (isMap(value)) for (const [k, v] of Object.entries(value)) check(v, t.of, `${path}.${k}`);
    } else if (t.kind !== 'undocumented' && isMap(value)) {
      const b = t.kind === 'inline' ? t.block : reference.blocks.get(t.name);
      for (const [k, v] of Object.entries(value)) {
        const child = path ? `${path}.${k}` : k;
        const ct = fieldOf(b, k, reference.blocks);
        if (ct) check(v, ct, child);
        else found.push(child);
      }
    }
  };
  check(config, { kind: 'inline', block: reference.root }, '');
  return found.sort();
}
