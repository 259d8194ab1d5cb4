import { lstatSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { Issue, issue, O11yValidationError } from './issues';
import type { ObservabilitySpec } from './types';
import { validateSpec } from './validate';

/**
 * Parses spec text (YAML, of which JSON is a subset) and validates it. Syntax errors and
 * spec problems both come back as an `O11yValidationError` naming the file.
 */
export function parseSpec(text: string, source = 'spec'): ObservabilitySpec {
  const lineCounter = new LineCounter();
  // resolveKnownTags: false keeps YAML 1.1's !!omap, !!set, !!pairs, !!binary and !!timestamp
  // from turning into values the spec never describes; tagIssues then refuses them by name
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter, resolveKnownTags: false });
  if (doc.errors.length > 0) {
    throw new O11yValidationError(
      source,
      doc.errors.map((e) => issue(e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '', `not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`)),
    );
  }
  const tags = tagIssues(doc.contents, '');
  if (tags.length > 0) throw new O11yValidationError(source, tags);
  let value: unknown;
  try {
    // the yaml library refuses documents whose aliases expand exponentially (maxAliasCount)
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    let where = '';
    visit(doc, { Alias: (_k, node) => {
      if (isAlias(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        where = `line ${line}, column ${col}`;
        return visit.BREAK;
      }
      return undefined;
    } });
    throw new O11yValidationError(source, [issue(where, `aliases expand too far (more than ${MAX_ALIAS_COUNT} per alias, a resource exhaustion attack or a mistake): ${(e as Error).message}`)]);
  }
  validateSpec(value, source);
  return value;
}

/** Why a spec file cannot be read, and what to do, by the system's error code. */
function unreadable(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file (ENOENT): give the path of your spec; the default is stacks/o11y.yaml, from the project folder';
    case 'ENOTDIR':
      return 'no such file (ENOTDIR): a folder on its path is a file';
    case 'EACCES':
    case 'EPERM':
      return `cannot read the file (${code}): permission denied`;
    default:
      return `cannot read the file: ${code}`;
  }
}

/** The YAML 1.2 core schema's tags: all a spec needs (maps, lists, strings, numbers, booleans, null). */
const CORE_TAGS = new Set(['map', 'seq', 'str', 'null', 'bool', 'int', 'float'].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * Every node carrying a tag outside the core schema, by spec path: such a tag changes what a
 * value means (`!!omap` makes a list of a map, `!!set` a map of nulls, a custom `!Foo` anything
 * its reader decides) in ways validation would otherwise see only after the fact, or not at all.
 */
function tagIssues(node: unknown, path: string): Issue[] {
  const out: Issue[] = [];
  if (isNode(node) && node.tag && !CORE_TAGS.has(node.tag)) {
    const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
    out.push(issue(path, 'YAML tags outside the core schema are refused: write plain maps, lists, strings, numbers, booleans and null', tag));
    return out;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const at = path ? `${path}.${key}` : key;
      out.push(...tagIssues(pair.key, at), ...tagIssues(pair.value, at));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => out.push(...tagIssues(item, `${path}[${i}]`)));
  }
  return out;
}

/**
 * A spec file larger than this is refused before it is read (a real one is a few KiB; the
 * largest spec o11y-stack accepts, 10,000 services, is about 2 MiB as the benchmarks write it).
 * Parsing YAML costs about 0.5 s of CPU per MiB, so the refusal of a huge file is immediate and
 * the largest file read is still parsed, and refused if it lists too many services, within seconds.
 */
export const MAX_SPEC_BYTES = 8 * 2 ** 20;
/** Nodes one alias may expand to (yaml's default is 100). */
export const MAX_ALIAS_COUNT = 100;

/** Reads and validates a spec file (`.yaml`, `.yml` or `.json`). */
export function loadSpec(file: string): ObservabilitySpec {
  if (!['.yaml', '.yml', '.json'].includes(extname(file))) {
    throw new O11yValidationError(file, [issue('', 'a spec file must end in .yaml, .yml or .json', file)]);
  }
  let text: string;
  try {
    // a link could make the spec any file the user can read (/proc/self/environ, a Docker
    // config.json), whose content the error messages would then quote: give the file itself
    if (lstatSync(file).isSymbolicLink()) throw new O11yValidationError(file, [issue('', 'is a symbolic link; refused: give the spec file itself')]);
    const st = statSync(file);
    if (!st.isFile()) throw new O11yValidationError(file, [issue('', 'is not a regular file')]);
    if (st.size > MAX_SPEC_BYTES) throw new O11yValidationError(file, [issue('', `is ${st.size} bytes; a spec file may be at most ${MAX_SPEC_BYTES} bytes (${MAX_SPEC_BYTES / 2 ** 20} MiB)`)]);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof O11yValidationError) throw e;
    throw new O11yValidationError(file, [issue('', unreadable((e as NodeJS.ErrnoException).code ?? String(e)))]);
  }
  return parseSpec(text, file);
}
