/**
 * `npm run bench:validate [-- --services 1000,2000,5000,10000] [--rounds N] [--ten-mib]`: the CPU
 * time of `o11y validate` (a fresh process: load the spec, build every stack in memory, run every
 * check) on the example's spec grown to each size (generate-spec.ts), with the AWS stacks'
 * rule quota raised to match (validate-stacks.ts). The goal (issue 22): CPU time per added
 * service constant up to the largest spec accepted (10,000 services, MAX_SERVICES), and a
 * 10 MiB spec validated or refused within 10 s (`--ten-mib`: a 10 MiB file, refused by its size,
 * and the largest file read, MAX_SPEC_BYTES, refused by its service count after parsing; each
 * given up on after 120 s). See bench/README.md ("Validate benchmark").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadSpec, MAX_SPEC_BYTES } from '../src/spec/load';
import { growSpec } from './generate-spec';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const TIME = '/usr/bin/time';
const TEN_MIB = 10 * 2 ** 20;
const TEN_MIB_GOAL_S = 10;
const GIVE_UP_S = 120;

interface Options {
  readonly sizes: number[];
  readonly rounds: number;
  readonly tenMib: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const o = { sizes: [1000, 2000, 5000, 10000], rounds: 3, tenMib: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--ten-mib') o.tenMib = true;
    else if (flag === '--services' && value && /^\d+(,\d+)+$/.test(value)) (o.sizes = value.split(',').map(Number)), i++;
    else if (flag === '--rounds' && value && /^[1-9]\d*$/.test(value)) (o.rounds = Number(value)), i++;
    else {
      process.stderr.write('usage: npm run bench:validate [-- --services N,M,… (two sizes at least)] [--rounds N] [--ten-mib]\n');
      process.exit(1);
    }
  }
  return o;
}

interface Run {
  readonly cpuS: number;
  readonly wallS: number;
  readonly rssMiB: number;
  readonly verdict: string;
}

function validate(specFile: string, timeoutS = 0): Run | undefined {
  const timing = `${specFile}.time`;
  const args = ['-o', timing, '-f', '%U %S %e %M', process.execPath, join(ROOT, 'bin', 'o11y.js'), 'validate', specFile, '--stacks', join(ROOT, 'bench', 'validate-stacks.ts')];
  const r = spawnSync(TIME, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 2 ** 20, ...(timeoutS ? { timeout: timeoutS * 1000, killSignal: 'SIGKILL' as const } : {}) });
  if (r.error || r.signal) return undefined;
  const [user, sys, wall, rss] = readFileSync(timing, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const verdict = r.status === 0 ? 'valid' : `refused: ${(r.stderr.split('\n')[0] ?? '').slice(0, 100)}`;
  return { cpuS: user + sys, wallS: wall, rssMiB: rss / 1024, verdict };
}

function main(): void {
  const o = parseOptions(process.argv.slice(2));
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  log(`o11y validate bench: ${o.sizes.join(', ')} services, ${o.rounds} rounds (round-robin)`);
  log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; load average (1 min) at start: ${loadavg()[0].toFixed(2)}`);
  const work = mkdtempSync(join(tmpdir(), 'o11y-validate-bench-'));
  try {
    const example = loadSpec(join(ROOT, 'stacks', 'o11y.yaml'));
    const write = (n: number): string => {
      const file = join(work, `spec-${n}.yaml`);
      writeFileSync(file, stringify(growSpec(example, n), { aliasDuplicateObjects: false }));
      return file;
    };
    const files = o.sizes.map(write);
    const runs = o.sizes.map(() => [] as Run[]);
    for (let r = 0; r < o.rounds; r++) {
      for (let k = 0; k < o.sizes.length; k++) {
        const i = (r + k) % o.sizes.length;
        const run = validate(files[i])!;
        runs[i].push(run);
        log(`round ${r + 1}: ${o.sizes[i]} services: ${run.cpuS.toFixed(2)} s CPU, ${run.wallS.toFixed(2)} s wall, ${run.rssMiB.toFixed(0)} MiB (${run.verdict})`);
      }
    }
    log('');
    log('services   spec        CPU (median)   CPU per service   per added service   peak RSS');
    const cpu = runs.map((rs) => median(rs.map((x) => x.cpuS)));
    o.sizes.forEach((n, i) => {
      const added = i === 0 ? '' : `${(((cpu[i] - cpu[i - 1]) / (n - o.sizes[i - 1])) * 1000).toFixed(2)} ms`;
      const size = `${(statSync(files[i]).size / 2 ** 20).toFixed(2)} MiB`;
      log(`${String(n).padEnd(10)} ${size.padEnd(11)} ${`${cpu[i].toFixed(2)} s`.padEnd(14)} ${`${((cpu[i] / n) * 1000).toFixed(2)} ms`.padEnd(17)} ${added.padEnd(19)} ${median(runs[i].map((x) => x.rssMiB)).toFixed(0)} MiB`);
    });
    const first = (cpu[1] - cpu[0]) / (o.sizes[1] - o.sizes[0]);
    const last = (cpu[cpu.length - 1] - cpu[cpu.length - 2]) / (o.sizes[o.sizes.length - 1] - o.sizes[o.sizes.length - 2]);
    log(`per added service, last step / first step: ${(last / first).toFixed(2)} (about 1: linear; well above 1: grows faster than the spec)`);

    if (o.tenMib) {
      // services of the generated kind, enough of them for a file of the given size
      const perService = statSync(files[files.length - 1]).size / o.sizes[o.sizes.length - 1];
      for (const [label, bytes] of [['10 MiB spec', TEN_MIB], ['largest spec read', MAX_SPEC_BYTES - 64 * 1024]] as const) {
        const file = write(Math.floor(bytes / perService));
        const run = validate(file, GIVE_UP_S);
        const size = `${(statSync(file).size / 2 ** 20).toFixed(2)} MiB`;
        log(run ? `${label} (${size}): ${run.wallS.toFixed(1)} s wall, ${run.cpuS.toFixed(1)} s CPU, ${run.rssMiB.toFixed(0)} MiB: ${run.verdict}; goal ${TEN_MIB_GOAL_S} s: ${run.wallS <= TEN_MIB_GOAL_S ? 'met' : 'NOT met'}` : `${label} (${size}): not done after ${GIVE_UP_S} s; goal ${TEN_MIB_GOAL_S} s: NOT met`);
      }
    }
    log(`load average (1 min) at end: ${loadavg()[0].toFixed(2)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
