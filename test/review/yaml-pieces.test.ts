import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../../src/render/serialize';
import { YamlPieces } from '../../src/review/yaml-pieces';
import { listFiles, removeTempDirs } from '../support/synth';
import { synthExample } from './support';

/** Parsing piece by piece must give exactly what the `yaml` package gives for the whole file. */
afterAll(removeTempDirs);

describe('YAML parsed in pieces', () => {
  it('equals a whole parse for every YAML config the example synthesizes', () => {
    const out = synthExample();
    const files = listFiles(out).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) {
      const text = readFileSync(join(out, f), 'utf8');
      expect({ f, tree: new YamlPieces(0).parse(text) }).toEqual({ f, tree: parse(text) });
    }
  });

  it('equals a whole parse for any value the project’s serializer writes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue()), (value) => {
        const text = toYaml(value, 'header');
        expect(new YamlPieces(0).parse(text)).toEqual(parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('parses anchors, aliases and several documents whole, as the yaml package does', () => {
    for (const text of ['a: &x [1]\nb: *x\n', 'a: 1\n---\nb: 2\n', '- 1\n- 2\n', '%YAML 1.2\n---\na: 1\n']) {
      const pieces = new YamlPieces(0);
      let whole: unknown;
      try {
        whole = parse(text);
      } catch (e) {
        expect(() => pieces.parse(text)).toThrow((e as Error).message);
        continue;
      }
      expect(pieces.parse(text)).toEqual(whole);
    }
  });

  it('hands both sides the same object for a piece they share, so the diff skips it', () => {
    const pieces = new YamlPieces(0);
    const jobs = (names: string[]) => toYaml({ global: { scrape_interval: '15s' }, scrape_configs: names.map((job_name) => ({ job_name, static_configs: [{ targets: [`${job_name}:9464`] }] })) });
    const a = pieces.parse(jobs(['cart', 'tempo'])) as { global: unknown; scrape_configs: unknown[] };
    const b = pieces.parse(jobs(['cart', 'inventory', 'tempo'])) as { global: unknown; scrape_configs: unknown[] };
    expect(b.global).toBe(a.global);
    expect(b.scrape_configs[0]).toBe(a.scrape_configs[0]);
    expect(b.scrape_configs[2]).toBe(a.scrape_configs[1]);
  });

  it('hands every stack of a review the same tree for the same whole text, cut and parsed once', () => {
    const pieces = new YamlPieces(0);
    const text = toYaml({ groups: [{ name: 'a', rules: [{ record: 'x', expr: 'up' }] }, { name: 'b', rules: [] }] });
    const first = pieces.parse(text);
    expect(pieces.parse(`${text}`)).toBe(first);
    expect(first).toEqual(parse(text));
  });

  it('reports invalid YAML as the yaml package does, with the line and column in the whole file', () => {
    const text = 'a: 1\nb:\n  - x: 1\n  - y: [\nc: 2\n';
    expect(() => parse(text)).toThrow(/at line 5, column 1/);
    expect(() => new YamlPieces(0).parse(text)).toThrow(/at line 5, column 1/);
  });
});
