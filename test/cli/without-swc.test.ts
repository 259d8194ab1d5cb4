/**
 * Without @swc/core (an optional peer of the package; a dev dependency here) the TypeScript a
 * command needs cannot load: each such failure is one line that says what to do and exit 1,
 * never a stack trace. The installed package's `o11y validate` on a TypeScript stacks file is
 * tested from the packed tarball (test/package). Node 22.18+ strips types itself: there these
 * commands work instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');
const HIDE_SWC = join(REPO, 'test', 'support', 'hide-swc.js');
const SWC_RANGE = (require('../../package.json') as { peerDependencies: Record<string, string> }).peerDependencies['@swc/core'];
const nodeStripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);

function node(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-r', HIDE_SWC, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

(nodeStripsTypes ? describe.skip : describe)('without @swc/core', () => {
  it('npm run synth (node -r ./bin/register.js stacks/main.ts) says what to install, in one line, and writes nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'o11y-noswc-')), 'cdktf.out');
    expect(node(['-r', './bin/register.js', 'stacks/main.ts'], { CDKTF_OUTDIR: out })).toEqual({
      status: 1,
      stdout: '',
      stderr: `o11y: stacks/main.ts is TypeScript and @swc/core is not installed to load it: npm install --save-dev @swc/core@${SWC_RANGE}, or compile your app (tsc) and run the .js file\n`,
    });
    expect(existsSync(out)).toBe(false);
  });

  it("the checkout's o11y, which runs from the TypeScript sources, asks for npm ci in one line", () => {
    expect(node(['bin/o11y.js', 'validate'])).toEqual({
      status: 1,
      stdout: '',
      stderr: `o11y: this checkout runs the CLI from its TypeScript sources, and @swc/core (a dev dependency) is not installed: run npm ci in ${REPO}\n`,
    });
  });
});
