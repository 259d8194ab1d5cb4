/**
 * The code in the documentation works: every fenced block of README.md and docs/*.md in a
 * language we can check is checked.
 *
 * - ```yaml: a spec or a fragment of one (its top-level keys are spec keys, or it holds only
 *   comments). A whole spec (it has `name` and `services`) goes through `parseSpec` as a file
 *   would; a fragment is laid over a minimal spec (`name: shop`, one service `checkout`) and
 *   must leave `specIssues` nothing to say.
 * - ```ts / ```typescript: compiled together with tsc (strict, unused locals refused) against
 *   the package's source: `o11y-stack` maps to src/index.ts, `cdktf` and `constructs` come from
 *   node_modules. A block whose first line is a comment naming a file (`// stacks/stacks.ts: …`)
 *   is written there, so the blocks of one page can import each other as a project's files do.
 * - ```json: parses.
 *
 * A block that is partial on purpose or shows output says so in its info string
 * (```yaml output, ```ts partial); it is then not checked. Blocks in other languages (sh,
 * mermaid, diff, plain output) are not checked here.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tsconfigTemplate } from '../../src/init/tsconfig-template';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { parseDocument } from 'yaml';
import { parseSpec } from '../../src/spec/load';
import { specIssues } from '../../src/spec/validate';
import { CodeBlock, codeBlocks, markdownFiles, REPO } from './markdown';

/** Info-string flags that exempt a block from its check. */
const EXEMPT_FLAGS = new Set(['output', 'partial']);
const YAML = new Set(['yaml', 'yml']);
const TS = new Set(['ts', 'typescript']);
const JSON_LANGS = new Set(['json']);

const blocks = markdownFiles().flatMap((f) => codeBlocks(f));
const exempt = (b: CodeBlock) => b.flags.some((f) => EXEMPT_FLAGS.has(f));
const checked = (langs: Set<string>) => blocks.filter((b) => langs.has(b.lang) && !exempt(b));
const where = (b: CodeBlock) => `${b.file}:${b.line}`;

const SPEC_KEYS = new Set(Object.keys((JSON.parse(readFileSync(join(REPO, 'schema', 'o11y.schema.json'), 'utf8')) as { properties: object }).properties));
const MINIMAL_SPEC = { name: 'shop', services: [{ name: 'checkout' }] };

describe('the code blocks of the docs', () => {
  it('mark only a few blocks as exempt, each with a flag this test knows', () => {
    const flagged = blocks.filter((b) => b.flags.length > 0);
    expect(flagged.filter((b) => !b.flags.every((f) => EXEMPT_FLAGS.has(f))).map(where)).toEqual([]);
    expect(flagged.length).toBeLessThanOrEqual(3);
  });

  it('are found: the spec examples, the library example and the new environment', () => {
    expect(checked(YAML).length).toBeGreaterThanOrEqual(8);
    expect(checked(TS).length).toBeGreaterThanOrEqual(5);
  });
});

describe.each(checked(YAML).map((b) => [where(b), b] as const))('the yaml block at %s', (_where, block) => {
  it('is a spec or a fragment of one that the spec loader accepts', () => {
    const doc = parseDocument(block.text, { uniqueKeys: true });
    expect(doc.errors.map((e) => e.message)).toEqual([]);
    const value: unknown = doc.toJS();
    if (value === null) return; // comments only (a modeline)
    expect(typeof value === 'object' && !Array.isArray(value)).toBe(true);
    const keys = Object.keys(value as object);
    // not a spec: mark the block (```yaml partial / output) or make it one
    expect(keys.filter((k) => !SPEC_KEYS.has(k))).toEqual([]);
    if (keys.includes('name') && keys.includes('services')) {
      expect(() => parseSpec(block.text, where(block))).not.toThrow();
    } else {
      expect(specIssues({ ...MINIMAL_SPEC, ...(value as object) }).map((i) => `${i.path}: ${i.message}`)).toEqual([]);
    }
  });
});

describe('the json blocks', () => {
  // none today; a page that shows JSON gets it checked
  it('parse', () => {
    const failures = checked(JSON_LANGS).flatMap((b) => {
      try {
        JSON.parse(b.text);
        return [];
      } catch (e) {
        return [`${where(b)}: ${(e as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });
});

describe('the TypeScript blocks', () => {
  const tsBlocks = checked(TS);
  let work: string;
  /** Block → the file it was written to; diagnostics by file. */
  const fileOf = new Map<CodeBlock, string>();
  let diagnostics: readonly ts.Diagnostic[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'o11y-doc-blocks-'));
    for (const block of tsBlocks) {
      // one folder per page: the blocks of a page form one project
      const page = block.file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-');
      const named = /^\/\/\s*([\w./-]+\.ts)\b/.exec(block.text)?.[1];
      const file = join(work, page, named ?? `block-${block.line}.ts`);
      if ([...fileOf.values()].includes(file)) throw new Error(`${where(block)}: a second block names ${relative(work, file)} on the same page`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${block.text}\n`);
      fileOf.set(block, file);
    }
    const nodeModules = join(REPO, 'node_modules');
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        // the settings a repository made by `o11y init` type-checks with, pointed at this checkout
        compilerOptions: {
          ...(JSON.parse(tsconfigTemplate()) as { compilerOptions: Record<string, unknown> }).compilerOptions,
          typeRoots: [join(nodeModules, '@types')],
          paths: {
            'o11y-stack': [join(REPO, 'src', 'index.ts')],
            cdktf: [join(nodeModules, 'cdktf')],
            constructs: [join(nodeModules, 'constructs')],
            '*': [join(nodeModules, '*')],
          },
        },
        files: [...fileOf.values()],
      }),
    );
    const parsed = ts.getParsedCommandLineOfConfigFile(join(work, 'tsconfig.json'), undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (!parsed) throw new Error('no tsconfig');
    expect(parsed.errors).toEqual([]);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    diagnostics = ts.getPreEmitDiagnostics(program);
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** `docs/x.md:12: TS2304 Cannot find name …`, the line being the page's. */
  const messages = (block: CodeBlock | undefined): string[] =>
    diagnostics
      .filter((d) => (block === undefined ? ![...fileOf.values()].includes(d.file?.fileName ?? '') : d.file?.fileName === fileOf.get(block)))
      .map((d) => {
        const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
        if (!d.file || d.start === undefined) return `TS${d.code} ${text}`;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        return block ? `${block.file}:${block.line + 1 + line}: TS${d.code} ${text}` : `${relative(REPO, d.file.fileName)}:${line + 1}: TS${d.code} ${text}`;
      });

  it.each(tsBlocks.map((b) => [where(b), b] as const))('compiles the block at %s', (_where, block) => {
    expect(messages(block)).toEqual([]);
  });

  it('compile without an error anywhere else (the package source under the same settings)', () => {
    expect(messages(undefined)).toEqual([]);
  });
});
