import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVersion } from '../../src/cli/version';

describe('packageVersion', () => {
  it("finds o11y-stack's package.json above a compiled folder, past another package's package.json", () => {
    const root = mkdtempSync(join(tmpdir(), 'o11y-version-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'o11y-stack', version: '9.8.7' }));
    const compiled = join(root, 'dist', 'src', 'cli');
    mkdirSync(compiled, { recursive: true });
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ name: 'something-else', version: '1.0.0' }));
    expect(packageVersion(compiled)).toBe('9.8.7');
  });

  it('says where it looked when there is no package.json of o11y-stack above', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o11y-version-none-'));
    expect(() => packageVersion(dir)).toThrow(`no package.json of o11y-stack in ${dir} or above`);
  });
});
