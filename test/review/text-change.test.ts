import { describe as describeChange } from '../../src/review/change';
import { formatTextChange, textChange } from '../../src/review/text-change';

/** Long texts that changed: the review shows where, both sides, instead of two cut-off starts. */
describe('the changed region of a long text', () => {
  const expr = (names: string): string => `count(ALERTS{alertstate="firing", alertname=~"${names}"}) by (service) > 0 or on() vector(0) unless on() absent(up)`;

  it('a PromQL expression of 111 characters shows the words that changed with their neighbours, where the cut-off starts were equal', () => {
    const a = expr('SloBurn|Down');
    const b = expr('SloBurn|Down|X');
    const q = JSON.stringify;
    expect(describeChange({ path: [{ key: 'expr' }], old: a, new: b }).text).toBe(
      `expr: ${q('…"firing", alertname=~"SloBurn|Down"}) by (service) > 0 or on() v…')} → ${q('…"firing", alertname=~"SloBurn|Down|X"}) by (service) > 0 or on() v…')} (119 → 121 chars)`,
    );
  });

  it('a long multi-line script shows the changed line, both sides, its number and how many other regions changed', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `echo 'step ${i}' > /o11y/config/${i}.yaml`);
    const a = lines.join('\n');
    const bLines = [...lines];
    bLines[41] = `echo 'step 41 changed' > /o11y/config/41.yaml`;
    bLines[90] = `echo 'step 90' > /o11y/config/90.yml`;
    const b = bLines.join('\n');
    const change = textChange(a, b)!;
    expect(change).toEqual({ line: 42, old: "echo 'step 41' > /o11y/config/41.yaml", new: "echo 'step 41 changed' > /o11y/config/41.yaml", more: 1 });
    expect(formatTextChange(change, a, b)).toBe(`line 42: "echo 'step 41' > /o11y/config/41.yaml" → "echo 'step 41 changed' > /o11y/config/41.yaml" (1 more changed region; ${a.length} → ${b.length} chars)`);
  });

  it('a same-length change in a long one-line text (a hash) is found and shown whole', () => {
    const a = `sha256sum -c <<'EOF'\n${'a'.repeat(64)}  /o11y/config/0/tempo.yaml\nEOF\n${'x'.repeat(3000)}`;
    const b = a.replace('a'.repeat(64), `${'a'.repeat(10)}b${'a'.repeat(53)}`);
    expect(textChange(a, b)).toEqual({ line: 2, old: `${'a'.repeat(64)}  /o11y/config/0/tempo.yaml`, new: `${'a'.repeat(10)}b${'a'.repeat(53)}  /o11y/config/0/tempo.yaml`, more: 0 });
  });

  it('a text with line breaks at its start or end, and an insertion, keep the other side readable', () => {
    expect(textChange('\nabc', 'abc')).toEqual({ line: 1, old: '\nabc', new: 'abc', more: 0 });
    expect(textChange(`${'word '.repeat(30)}end`, `${'word '.repeat(30)}new end`)).toEqual({ line: 1, old: '…word word word word word word end', new: '…word word word word word word new end', more: 0 });
  });

  it('texts too different to count their changes still show the first difference', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const b = Array.from({ length: 3000 }, (_, i) => `v${i}`).join(' ');
    const change = textChange(a, b)!;
    expect(change.more).toBeUndefined();
    expect(change.old.startsWith('w0 w1')).toBe(true);
    expect(formatTextChange(change, a, b)).toMatch(/^"w0 w1 .*…" → "v0 v1 .*…" \(more changes; \d+ → \d+ chars\)$/);
  });
});
