import fc from 'fast-check';
import { diffTrees, formatPath, formatValue, lcsPairs, sameTree } from '../../src/review/tree-diff';

/** The textbook O(N·M) table: the length Myers' algorithm must reach. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  return t[0][0];
}

const lines = (a: unknown, b: unknown): string[] => diffTrees(a, b).map((c) => `${formatPath(c.path)}: ${formatValue(c.old)} → ${formatValue(c.new)}`);

describe('the semantic tree diff', () => {
  it('compares objects by key: reordered keys are no change', () => {
    expect(sameTree({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(lines({ a: 1, b: 2 }, { b: 2, a: 1 })).toEqual([]);
  });

  it('ignores cdktf’s "//" annotations at any depth', () => {
    expect(lines({ '//': { metadata: { path: 'a' } }, x: { '//': 1, y: 1 } }, { x: { y: 1, '//': 2 } })).toEqual([]);
  });

  it('reports added, removed and changed leaves with dotted paths, sorted', () => {
    expect(lines({ b: { d: 1 }, a: 'x', c: true }, { a: 'y', b: { d: 1, e: [1] } })).toEqual(['a: x → y', 'b.e: (none) → [1]', 'c: true → (none)']);
  });

  it('matches items of a list by a naming field, so an insertion shifts nothing', () => {
    const job = (name: string) => ({ job_name: name, static_configs: [{ targets: [`${name}:9464`] }] });
    // inventory comes first: every index shifts, but only inventory is new
    expect(lines({ scrape_configs: [job('cart'), job('tempo')] }, { scrape_configs: [job('inventory'), job('cart'), job('tempo')] })).toEqual([
      'scrape_configs[job_name=inventory]: (none) → {"job_name":"inventory","static_configs":[{"targets":["inventory:9464"]}]}',
    ]);
  });

  it('uses a naming field only when every item on both sides has a distinct one', () => {
    expect(lines([{ name: 'a', v: 1 }, { name: 'a', v: 2 }], [{ name: 'a', v: 1 }, { name: 'a', v: 3 }])).toEqual(['[1].v: 2 → 3']);
  });

  it('aligns unnamed lists on their common items: a flag changed in place is one change, an inserted one one addition', () => {
    const before = ['--config.file=/etc/p.yml', '--storage.tsdb.retention.time=15d', '--enable-feature=exemplar-storage'];
    expect(lines(before, ['--config.file=/etc/p.yml', '--storage.tsdb.retention.time=7d', '--enable-feature=exemplar-storage'])).toEqual(['[1]: --storage.tsdb.retention.time=15d → --storage.tsdb.retention.time=7d']);
    expect(lines(before, ['--log.level=debug', ...before])).toEqual(['[0]: (none) → --log.level=debug']);
    expect(lines(before, [before[0], before[2]])).toEqual(['[1]: --storage.tsdb.retention.time=15d → (none)']);
  });

  it('compares unnamed objects in a list field by field once aligned', () => {
    expect(lines({ rule: [{ expiration: [{ days: 44 }] }] }, { rule: [{ expiration: [{ days: 74 }] }] })).toEqual(['rule[0].expiration[0].days: 44 → 74']);
  });

  it('shows long and multi-line strings cut, with their length', () => {
    expect(formatValue('a\nb')).toBe('"a\\nb…" (3 chars)');
    expect(formatValue('x'.repeat(150))).toBe(`"${'x'.repeat(40)}…" (150 chars)`);
    expect(formatValue('')).toBe('""');
    expect(formatValue(undefined)).toBe('(none)');
  });

  it('aligns lists on a longest common subsequence (Myers), checked against the textbook table', () => {
    const list = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });
    fc.assert(
      fc.property(list, list, (a, b) => {
        const pairs = lcsPairs(a, b)!;
        expect(pairs).toHaveLength(lcsLength(a, b));
        pairs.forEach(([i, j], n) => {
          expect(a[i]).toBe(b[j]);
          if (n > 0) expect(i > pairs[n - 1][0] && j > pairs[n - 1][1]).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });
});
