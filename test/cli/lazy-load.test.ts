/**
 * The CLI loads only what a command needs (src/cli.ts requires each command's code when it
 * runs): `o11y --help`, `--version`, a command's `--help` and `o11y review` load no cdktf, no
 * constructs and no provider, so they start fast and a CI review job needs none of them. The
 * real `bin/o11y.js` runs as a fresh process with a preload that writes, at exit, every module
 * Node loaded; the test reads that list. No timing is asserted (`npm run bench:cli` measures).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDirs } from '../support/synth';
import { editedCopy, editFile, synthExample } from '../review/support';

const ROOT = join(__dirname, '..', '..');
const SYNTH_ONLY = /[\\/]node_modules[\\/](cdktf|constructs|@cdktf)[\\/]/;

let preload: string;
beforeAll(() => {
  preload = join(makeTempDir('lazy-load'), 'loaded-modules.js');
  writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_MODULES_FILE, Object.keys(require.cache).join('\\n')));\n");
});
afterAll(removeTempDirs);

/** Runs `o11y <argv>` and returns every module file it loaded. */
function loadedBy(argv: readonly string[]): string[] {
  const file = join(makeTempDir('lazy-load-out'), 'modules.txt');
  const r = spawnSync(process.execPath, ['-r', preload, join(ROOT, 'bin', 'o11y.js'), ...argv], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOADED_MODULES_FILE: file } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(file, 'utf8').split('\n');
}

describe('the o11y CLI loads cdktf only for the commands that build stacks', () => {
  it.each([[['--help']], [['--version']], [['review', '--help']], [['validate', '--help']]])('o11y %j loads no cdktf, constructs or provider', (argv) => {
    expect(loadedBy(argv).filter((m) => SYNTH_ONLY.test(m))).toEqual([]);
  });

  it('o11y review of two real synth outputs loads none either', () => {
    const base = synthExample();
    const head = editedCopy(base, (dir) => editFile(dir, 'stacks/local/config/tempo.yaml', (t) => t.replace('send_exemplars: true', 'send_exemplars: false')));
    const loaded = loadedBy(['review', base, head]);
    expect(loaded.some((m) => m.endsWith(join('review', 'review.ts')) || m.endsWith(join('review', 'review.js')))).toBe(true);
    expect(loaded.filter((m) => SYNTH_ONLY.test(m))).toEqual([]);
  });

  it('o11y validate does load cdktf (the check above would see it)', () => {
    expect(loadedBy(['validate']).some((m) => SYNTH_ONLY.test(m))).toBe(true);
  });
});
