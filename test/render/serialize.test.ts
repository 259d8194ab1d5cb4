import { stringify } from 'yaml';
import { toYaml } from '../../src/render/serialize';

const direct = (value: unknown) => stringify(value, { lineWidth: 0, indent: 2, aliasDuplicateObjects: false });

describe('toYaml reuses a document it printed before', () => {
  it('prints the same bytes the second time as the first, and as the YAML printer itself', () => {
    const doc = { groups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'sum(rate(x[5m]))', labels: { le: '0.3' } }] }] };
    const first = toYaml(doc, 'header');
    expect(toYaml(structuredClone(doc), 'header')).toBe(first);
    expect(first).toBe(`# header\n${direct(doc)}`);
  });

  it('keeps apart values that share a JSON form but not a YAML one', () => {
    // NaN and null, -0 and 0, a Date and its ISO string: the same JSON, not the same YAML
    const pairs: [unknown, unknown][] = [
      [{ v: null }, { v: NaN }],
      [{ v: 0 }, { v: -0 }],
      [{ v: '1970-01-01T00:00:00.000Z' }, { v: new Date(0) }],
      [{ v: null }, { v: Infinity }],
    ];
    for (const [a, b] of pairs) {
      expect(toYaml(a)).toBe(direct(a));
      expect(toYaml(b)).toBe(direct(b));
    }
    expect(toYaml({ v: NaN })).not.toBe(toYaml({ v: null }));
  });

  it('tells documents with different headers apart', () => {
    expect(toYaml({ a: 1 }, 'one')).toBe('# one\na: 1\n');
    expect(toYaml({ a: 1 }, 'two')).toBe('# two\na: 1\n');
    expect(toYaml({ a: 1 })).toBe('a: 1\n');
  });
});
