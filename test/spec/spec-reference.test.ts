/**
 * docs/spec-reference.md, the spec's reference page: it is what `npm run schema` writes now (from
 * the committed schema, which test/spec/json-schema.test.ts keeps current), it has every key of
 * the schema, and the generator refuses what it could not render rather than leave it out.
 */
import { readFileSync } from 'node:fs';
import { SCHEMA_FILE, specJsonSchema } from '../../scripts/json-schema';
import { SPEC_REFERENCE_FILE, specReferenceText } from '../../scripts/spec-reference';
import type { JsonSchema } from '../../src/spec/schema-kit';

const committedSchema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;
const committedPage = readFileSync(SPEC_REFERENCE_FILE, 'utf8');

/** `[title, key]` of every field of every titled object in the schema. */
function fields(schema: JsonSchema): [string, string][] {
  const out: [string, string][] = [];
  const visit = (s: unknown): void => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return;
    const node = s as Record<string, unknown>;
    if (typeof node.title === 'string' && typeof node.properties === 'object' && node.properties !== null) {
      for (const [key, field] of Object.entries(node.properties)) {
        out.push([node.title, key]);
        visit(field);
      }
    }
    visit(node.items);
    visit(node.additionalProperties);
  };
  visit(schema);
  return out;
}

/** The page's section for `title`, up to the next `## `. */
function section(page: string, title: string): string {
  const start = page.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(start, end < 0 ? undefined : end);
}

describe('docs/spec-reference.md', () => {
  it('is what `npm run schema` generates from the committed schema (run it after changing the spec)', () => {
    expect(committedPage).toBe(specReferenceText(committedSchema));
    expect(committedPage).toBe(specReferenceText(specJsonSchema()));
  });

  it('comes out the same every time', () => {
    expect(specReferenceText(committedSchema)).toBe(specReferenceText(JSON.parse(JSON.stringify(committedSchema)) as JsonSchema));
  });

  it('has a section per object and an entry for each of its fields, with its default', () => {
    const all = fields(committedSchema);
    expect(all.length).toBeGreaterThan(50);
    const missing = all.filter(([title, key]) => !section(committedPage, title).includes(`\n- \`${key}\` (`));
    expect(missing).toEqual([]);
    expect(section(committedPage, 'TracingSpec')).toContain("- `retention` (optional): string, matching `^([1-9][0-9]{0,5})(h|d|w)$` (else the loader says `must match a duration like 12h, 14d or 2w`).");
    expect(section(committedPage, 'TracingSpec')).toContain('Default: `"14d"`.');
    expect(section(committedPage, 'SamplingSpec')).toContain('- `ratio` (**required**): number, from 0 to 1.');
  });

  it("lists every rule only the loader checks, from the schema's $comment", () => {
    const rules = (committedSchema.$comment as string).split('\n').filter((l) => /^\S+: /.test(l));
    expect(rules.length).toBeGreaterThan(5);
    const page = section(committedPage, 'Rules only the loader checks');
    for (const rule of rules) expect(page).toContain(rule.replace(/^(\S+): /, '- `$1`: '));
  });

  it('refuses a schema it cannot render whole: an unknown keyword, an object without a title', () => {
    const withKeyword = { ...committedSchema, properties: { ...(committedSchema.properties as object), extra: { type: 'string', format: 'uri' } } } as JsonSchema;
    expect(() => specReferenceText(withKeyword)).toThrow('extra: keyword format is not rendered by scripts/spec-reference.ts');
    const untitled = { ...committedSchema, properties: { ...(committedSchema.properties as object), extra: { type: 'object', properties: { a: { type: 'string' } } } } } as JsonSchema;
    expect(() => specReferenceText(untitled)).toThrow('extra: an object without a title');
  });
});
