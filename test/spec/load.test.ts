import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { O11yValidationError } from '../../src/spec/issues';
import { loadSpec, parseSpec } from '../../src/spec/load';

const EXAMPLE_FILE = join(__dirname, '..', '..', 'stacks', 'o11y.yaml');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'o11y-load-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The error loadSpec throws; fails the test when it throws nothing or something else. */
function loadError(path: string): O11yValidationError {
  try {
    loadSpec(path);
  } catch (e) {
    expect(e).toBeInstanceOf(O11yValidationError);
    const message = (e as Error).message;
    // the CLI prints the message as is: it must read as a report, never as a stack trace
    expect(message).not.toMatch(/^\s+at /m);
    expect(message).not.toMatch(/Error:|node_modules|\.js:\d+/);
    return e as O11yValidationError;
  }
  throw new Error(`loadSpec(${path}) did not throw`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('loadSpec reads', () => {
  it('the shipped example', () => {
    const spec = loadSpec(EXAMPLE_FILE);
    expect(spec.name).toBe('shop');
    expect(spec.services.map((s) => s.name)).toEqual(['checkout', 'cart', 'catalog', 'payments-gateway']);
  });

  it('YAML (.yaml and .yml) and JSON into the same spec', () => {
    const yaml = 'name: shop\nservices:\n  - name: checkout\n    version: "1.0"\n    sampling: { ratio: 0.5 }\n    attributes: { team: payments }\nenvironments:\n  prod: { tracing: { retention: 30d } }\n';
    const json = JSON.stringify({
      name: 'shop',
      services: [{ name: 'checkout', version: '1.0', sampling: { ratio: 0.5 }, attributes: { team: 'payments' } }],
      environments: { prod: { tracing: { retention: '30d' } } },
    });
    const fromYaml = loadSpec(file('a.yaml', yaml));
    expect(loadSpec(file('b.yml', yaml))).toEqual(fromYaml);
    expect(loadSpec(file('c.json', json))).toEqual(fromYaml);
    expect(fromYaml.services[0]).toEqual({ name: 'checkout', version: '1.0', sampling: { ratio: 0.5 }, attributes: { team: 'payments' } });
  });

  it('a relative path', () => {
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      file('relative.yaml', 'name: shop\nservices: [{ name: a }]\n');
      expect(loadSpec('relative.yaml').name).toBe('shop');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('loadSpec reports', () => {
  it('a YAML syntax error with the file, the line and the column', () => {
    const path = file('indent.yaml', 'name: shop\nservices:\n  - name: checkout\n   version: "1"\n');
    const e = loadError(path);
    expect(e.issues).toHaveLength(1);
    expect(e.message).toMatch(new RegExp(`^${escape(path)}: 1 problem\\n {2}- line 4, column \\d+: not valid YAML: \\S.*$`));
  });

  it('a duplicate key as a syntax error on the line of the second key', () => {
    const path = file('dup.yaml', 'name: shop\nname: again\nservices: [{ name: a }]\n');
    expect(loadError(path).message).toBe(`${path}: 1 problem\n  - line 2, column 1: not valid YAML: Map keys must be unique`);
  });

  it('an unterminated string', () => {
    const path = file('quote.yml', 'name: "shop\nservices: []\n');
    expect(loadError(path).message).toMatch(new RegExp(`^${escape(path)}: 1 problem\\n {2}- line \\d+, column \\d+: not valid YAML: .*quote`));
  });

  it('a JSON syntax error as JSON, with lines', () => {
    const path = file('bad.json', '{\n  "name": "shop",\n  "services": [\n    { "name": "checkout"\n  ]\n}\n');
    const e = loadError(path);
    expect(e.issues.length).toBeGreaterThanOrEqual(1);
    for (const line of e.lines) expect(line).toMatch(/^line \d+, column \d+: not valid JSON: \S/);
    expect(e.message.startsWith(`${path}: ${e.issues.length} problem`)).toBe(true);
    // the first complaint is not before the line that lacks its closing brace
    expect(Number(/^line (\d+)/.exec(e.lines[0])![1])).toBeGreaterThanOrEqual(4);
  });

  it('spec problems under the name of the file', () => {
    const path = file('invalid.yaml', 'name: shop\nservices:\n  - name: Checkout\n');
    expect(loadError(path).message).toBe(
      `${path}: 1 problem\n  - services[0].name: must match [a-z][a-z0-9-]* (a lowercase letter, then lowercase letters, digits or '-') (got "Checkout")`,
    );
  });

  it('an empty file as an empty spec', () => {
    const path = file('empty.yaml', '');
    expect(loadError(path).message).toBe(`${path}: 1 problem\n  - (spec): must be a map, not null (got null)`);
  });

  it('an unsupported extension before reading anything', () => {
    // the file does not exist: the extension is checked first
    expect(loadError('o11y.toml').message).toBe('o11y.toml: 1 problem\n  - (spec): a spec file must end in .yaml, .yml or .json (got "o11y.toml")');
    expect(loadError('o11y').message).toBe('o11y: 1 problem\n  - (spec): a spec file must end in .yaml, .yml or .json (got "o11y")');
  });

  it('a missing file by its error code', () => {
    const path = join(dir, 'missing.yaml');
    expect(loadError(path).message).toBe(`${path}: 1 problem\n  - (spec): no such file (ENOENT): give the path of your spec; the default is stacks/o11y.yaml, from the project folder`);
  });

  it('a directory, a device or a FIFO as not a regular file, without reading it', () => {
    const path = join(dir, 'folder.yaml');
    mkdirSync(path);
    expect(loadError(path).message).toBe(`${path}: 1 problem\n  - (spec): is not a regular file`);
    const fifo = join(dir, 'fifo.yaml');
    require('node:child_process').execFileSync('mkfifo', [fifo]);
    expect(loadError(fifo).message).toBe(`${fifo}: 1 problem\n  - (spec): is not a regular file`);
  });

  it('a symbolic link as refused, whatever it points at, without reading it (its content would reach the messages)', () => {
    const secret = file('secret.json', '{"auths": {"registry.example.com": {"auth": "c2VjcmV0"}}}');
    for (const [name, target] of [['environ.yaml', '/proc/self/environ'], ['docker.yaml', secret], ['zero.yaml', '/dev/zero']] as const) {
      const link = join(dir, name);
      symlinkSync(target, link);
      expect(loadError(link).message).toBe(`${link}: 1 problem\n  - (spec): is a symbolic link; refused: give the spec file itself`);
    }
  });

  it('a file over 8 MiB before parsing it; one of exactly 8 MiB is read', () => {
    const path = file('huge.yaml', `name: shop\n${'#'.repeat(8 * 2 ** 20)}\n`);
    expect(loadError(path).message).toBe(`${path}: 1 problem\n  - (spec): is ${8 * 2 ** 20 + 12} bytes; a spec file may be at most 8388608 bytes (8 MiB)`);
    const largest = file('largest.yaml', `name: shop\n${'#'.repeat(8 * 2 ** 20 - 12)}\n`);
    expect(loadError(largest).message).toBe(`${largest}: 1 problem\n  - services: is required`);
  });

  it('an alias bomb as a problem on the line of the first alias, not a crash', () => {
    const rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, cur] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) rows.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const path = file('bomb.yaml', `name: shop\n${rows.join('\n')}\nservices: [{ name: a }]\n`);
    expect(loadError(path).message).toMatch(new RegExp(`^${escape(path)}: 1 problem\\n  - line 3, column 8: aliases expand too far \\(more than 100 per alias`));
  });
});

describe('parseSpec', () => {
  it('calls its source "spec" unless told otherwise', () => {
    expect(() => parseSpec('name: [')).toThrow(/^spec: 1 problem\n {2}- line \d+, column \d+: not valid YAML: /);
    expect(() => parseSpec('{}', 'inline.json')).toThrow(/^inline\.json: 2 problems\n {2}- name: is required\n {2}- services: is required$/);
  });
});

describe('parseSpec and YAML tags', () => {
  const base = 'name: shop\nservices:\n  - name: checkout\n    protocol: grpc\n';
  const problems = (text: string): string[] => {
    try {
      parseSpec(text);
    } catch (e) {
      return (e as O11yValidationError).issues.map((i) => `${i.path}: ${String(i.got)}`);
    }
    return [];
  };

  it.each([
    ['!!omap on a block that validation would then not see', `${base}alerting: !!omap [ {receivers: []}, {route: {}} ]\n`, ['alerting: !!omap']],
    ['!!omap hiding a retention below the minimum', `${base}tracing: !!omap [ {retention: 1h} ]\n`, ['tracing: !!omap']],
    ['!!set turning attributes into nulls', 'name: shop\nservices:\n  - name: checkout\n    protocol: grpc\n    attributes: !!set {k, team}\n', ['services[0].attributes: !!set']],
    ['!!pairs', `${base}environments: !!pairs [ {staging: {}} ]\n`, ['environments: !!pairs']],
    ['!!binary', `${base}description: !!binary aGVsbG8=\n`, ['description: !!binary']],
    ['!!timestamp', `${base}description: !!timestamp 2026-12-07\n`, ['description: !!timestamp']],
    ['a custom tag', `${base}description: !Foo bar\n`, ['description: !Foo']],
    ['a tag on the whole document', `!!omap [ {name: shop} ]\n`, [': !!omap']],
  ])('refuses %s, naming the path and the tag', (_what, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('explains the refusal in the message', () => {
    expect(() => parseSpec(`${base}alerting: !!omap []\n`)).toThrow('alerting: YAML tags outside the core schema are refused: write plain maps, lists, strings, numbers, booleans and null (got "!!omap")');
  });

  it("accepts the core schema's own tags", () => {
    expect(problems('name: !!str shop\nservices: !!seq\n  - !!map {name: checkout, protocol: grpc}\n')).toEqual([]);
  });
});
