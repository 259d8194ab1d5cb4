import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { issue, O11yValidationError } from './issues';
import type { ObservabilitySpec } from './types';
import { validateSpec } from './validate';

/**
 * Parses spec text (YAML, of which JSON is a subset) and validates it. Syntax errors and
 * spec problems both come back as an `O11yValidationError` naming the file.
 */
export function parseSpec(text: string, source = 'spec'): ObservabilitySpec {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new O11yValidationError(
      source,
      doc.errors.map((e) => issue(e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '', `not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`)),
    );
  }
  const value: unknown = doc.toJS();
  validateSpec(value, source);
  return value;
}

/** Reads and validates a spec file (`.yaml`, `.yml` or `.json`). */
export function loadSpec(file: string): ObservabilitySpec {
  if (!['.yaml', '.yml', '.json'].includes(extname(file))) {
    throw new O11yValidationError(file, [issue('', 'a spec file must end in .yaml, .yml or .json', file)]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new O11yValidationError(file, [issue('', `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)]);
  }
  return parseSpec(text, file);
}
