import { ALERTMANAGER_SECRETS_DIR } from '../../src/components/alertmanager';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_STACK_IDS, listFiles, makeTempDir, removeTempDirs, REPO_ROOT, runExampleSynth } from '../support/synth';

/**
 * The example app, synthesized twice by its real entry point (`npm run synth`'s command) on
 * one machine but from two working directories, into two output directories, with two temp
 * directories: if anything of the machine or the moment leaks into the output, the two differ
 * or the scan below finds it.
 */
let outA: string;
let outB: string;
let machinePaths: string[];

beforeAll(() => {
  const cwdA = makeTempDir('cwd-a');
  const cwdB = makeTempDir('cwd-b');
  const tmpA = join(cwdA, 'tmp');
  const tmpB = join(cwdB, 'tmp');
  mkdirSync(tmpA);
  mkdirSync(tmpB);
  // A: cdktf's default outdir (`cdktf.out` in the working directory)
  runExampleSynth(cwdA, { TMPDIR: tmpA });
  outA = join(cwdA, 'cdktf.out');
  // B: an absolute outdir elsewhere, chosen the way cdktf's App reads it (CDKTF_OUTDIR)
  outB = join(cwdB, 'elsewhere', 'out');
  // cdktf's App creates the outdir itself, but not its parents
  mkdirSync(join(cwdB, 'elsewhere'));
  runExampleSynth(cwdB, { TMPDIR: tmpB, CDKTF_OUTDIR: outB });
  machinePaths = [REPO_ROOT, cwdA, cwdB, outA, outB, tmpA, tmpB, tmpdir(), homedir(), '/tmp/', '/root/', '/home/'].filter((p) => p !== '/' && p !== '');
});
afterAll(removeTempDirs);

test('both runs write the same files: every stack, its cdk.tf.json and its config/ folder', () => {
  const a = listFiles(outA);
  expect(listFiles(outB)).toEqual(a);
  expect(a).toContain('manifest.json');
  for (const id of EXAMPLE_STACK_IDS) {
    expect(a).toContain(`stacks/${id}/cdk.tf.json`);
    expect(a.some((f) => f.startsWith(`stacks/${id}/config/`))).toBe(true);
  }
});

test('every file of the two runs is byte-identical', () => {
  const differing = listFiles(outA).filter((f) => !readFileSync(join(outA, f)).equals(readFileSync(join(outB, f))));
  expect(differing).toEqual([]);
});

test('no output holds an absolute path of this machine', () => {
  const leaks: string[] = [];
  for (const f of listFiles(outA)) {
    // Alertmanager's secrets live in its container's /tmp by design: a container path, not this machine's
    // and on AWS every read-only container mounts a scratch task volume at its own /tmp (read-only-root.ts)
    const text = readFileSync(join(outA, f), 'utf8').split(ALERTMANAGER_SECRETS_DIR).join('<container secrets dir>').split('\\"containerPath\\":\\"/tmp\\"').join('<container temp dir>');
    for (const p of machinePaths) if (text.includes(p)) leaks.push(`${f}: ${p}`);
  }
  expect(leaks).toEqual([]);
});

/** ISO-8601 / RFC 3339 date-times and Unix times (s or ms) from 2020 to 2033. */
const TIMESTAMP = /\b\d{4}-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d|\b1[6-9]\d{8}(?:\d{3})?\b/;

test('no output holds a timestamp', () => {
  const found: string[] = [];
  for (const f of listFiles(outA)) {
    const m = TIMESTAMP.exec(readFileSync(join(outA, f), 'utf8'));
    if (m) found.push(`${f}: ${m[0]}`);
  }
  expect(found).toEqual([]);
});

test('the timestamp scan recognises the forms it looks for', () => {
  expect(TIMESTAMP.test(new Date().toISOString())).toBe(true);
  expect(TIMESTAMP.test(`created ${Math.floor(Date.now() / 1000)}`)).toBe(true);
  expect(TIMESTAMP.test(`"ts": ${Date.now()}`)).toBe(true);
  // ports, retention hours and hashes are not timestamps
  expect(TIMESTAMP.test('4317 336h 16686 sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe(false);
});
