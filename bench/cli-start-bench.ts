/**
 * `npm run bench:cli [-- --rounds N]`: how long the `o11y` CLI takes to start, as a fresh
 * process, against `node -e 0` (Node's own start). The cases take turns round-robin, each
 * round starting one case later, so a busy moment of the shared machine falls on all of them.
 * The goal (issue 22): `o11y --help`, `--version` and `o11y <cmd> --help` within 0.15 s of
 * `node -e 0`. See bench/README.md ("CLI start").
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { median, parseRounds } from './stats';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'o11y.js');
const GOAL_MS = 150;
const TIME = '/usr/bin/time';

const CASES: readonly { label: string; argv: readonly string[] }[] = [
  { label: 'node -e 0', argv: ['-e', '0'] },
  { label: 'o11y --help', argv: [BIN, '--help'] },
  { label: 'o11y --version', argv: [BIN, '--version'] },
  { label: 'o11y review --help', argv: [BIN, 'review', '--help'] },
  { label: 'o11y validate --help', argv: [BIN, 'validate', '--help'] },
];

/** Wall time and CPU time (user + system, from /usr/bin/time: steadier than wall time on a busy machine), in ms. */
function timeOnce(argv: readonly string[]): { wall: number; cpu: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, ...argv], { cwd: ROOT, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

function main(): void {
  const rounds = parseRounds('bench:cli', process.argv.slice(2), 21);
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  log(`o11y CLI start bench: ${rounds} rounds after one warm-up (the swc cache of bin/register.js is then warm)`);
  log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; load average (1 min) at start: ${loadavg()[0].toFixed(2)}`);
  for (const c of CASES) timeOnce(c.argv);
  const times = CASES.map(() => [] as number[]);
  const cpu = CASES.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < CASES.length; k++) {
      const i = (r + k) % CASES.length;
      const t = timeOnce(CASES[i].argv);
      times[i].push(t.wall);
      cpu[i].push(t.cpu);
    }
  }
  const base = median(times[0]);
  const baseMin = Math.min(...times[0]);
  log('');
  log(`${'case'.padEnd(22)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}   over node -e 0: median (min)   CPU median (over node -e 0)`);
  let met = true;
  CASES.forEach((c, i) => {
    const [m, lo, hi] = [median(times[i]), Math.min(...times[i]), Math.max(...times[i])];
    const over = i === 0 ? '' : `   +${(m - base).toFixed(0)} ms (+${(lo - baseMin).toFixed(0)} ms)`;
    if (i > 0 && m - base > GOAL_MS) met = false;
    const c0 = median(cpu[0]);
    const cm = median(cpu[i]);
    const cpuText = `${cm.toFixed(0)} ms${i === 0 ? '' : ` (+${(cm - c0).toFixed(0)} ms)`}`;
    log(`${c.label.padEnd(22)} ${`${m.toFixed(0)} ms`.padStart(8)} ${`${lo.toFixed(0)} ms`.padStart(8)} ${`${hi.toFixed(0)} ms`.padStart(8)}${over.padEnd(i === 0 ? 34 : 32)}${cpuText}`);
  });
  log(`goal: every o11y case within ${GOAL_MS} ms of node -e 0 (medians): ${met ? 'met' : 'NOT met'}; load average (1 min) at end: ${loadavg()[0].toFixed(2)}`);
}

main();
