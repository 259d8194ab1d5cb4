import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { isAlias, LineCounter, parseDocument, visit } from 'yaml';
import { issue, O11yValidationError } from './issues';
import type { ObservabilitySpec } from './types';
import { validateSpec } from './validate';

/**
 * Parses spec text (YAML, of which JSON is a subset) and validates it. Syntax errors and
 * spec problems both come back as an `O11yValidationError` naming the file.
 */
export function parseSpec(text: string, source = 'spec'): ObservabilitySpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new O11yValidationError(
      source,
      doc.errors.map((e) => issue(e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '', `not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`)),
    );
  }
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

/** A spec file larger than this is refused before it is read (a real one is a few KiB). */
export const MAX_SPEC_BYTES = 10 * 2 ** 20;
/** Nodes one alias may expand to (yaml's default is 100). */
export const MAX_ALIAS_COUNT = 100;

/** Reads and validates a spec file (`.yaml`, `.yml` or `.json`). */
export function loadSpec(file: string): ObservabilitySpec {
  if (!['.yaml', '.yml', '.json'].includes(extname(file))) {
    throw new O11yValidationError(file, [issue('', 'a spec file must end in .yaml, .yml or .json', file)]);
  }
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new O11yValidationError(file, [issue('', 'is not a regular file')]);
    if (st.size > MAX_SPEC_BYTES) throw new O11yValidationError(file, [issue('', `is ${st.size} bytes; a spec file may be at most ${MAX_SPEC_BYTES} bytes (10 MiB)`)]);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof O11yValidationError) throw e;
    throw new O11yValidationError(file, [issue('', `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)]);
  }
  return parseSpec(text, file);
}
