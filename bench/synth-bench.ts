/**
 * `npm run bench [-- --rounds N]`: what a full synth costs, as a user of `cdktf synth` pays
 * it. Every run is a fresh process (module loading and TypeScript compilation count) writing
 * into its own temporary outdir; the example and the baseline app are launched as `cdktf synth`
 * launches the `app` of cdktf.json (a shell, cdktf's environment). The cases take turns
 * round-robin, so a slow moment of the machine falls on all of them alike. See bench/README.md
 * for how to read the output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const REGISTER = join(ROOT, 'bin', 'register.js');
const TIME = '/usr/bin/time';
const EXAMPLE_SERVICES = 4;
/** The issue's target: the example may cost at most this many times the smallest app. */
const EXAMPLE_VS_SMALLEST_TARGET = 2;
/** The `app` command `cdktf synth` runs for the example. */
const CDKTF_APP = (JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app;
/**
 * What `cdktf synth` adds to the app's environment (@cdktf/cli-core 0.21, lib/synth-stack.js);
 * CDKTF_OUTDIR is set per run. NODE_OPTIONS only where the caller has none, as cdktf does.
 */
const CDKTF_ENV: Record<string, string> = {
  CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
  CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }),
  SYNTH_HCL_OUTPUT: 'false',
  ...(process.env.NODE_OPTIONS ? {} : { NODE_OPTIONS: '--max-old-space-size=4096' }),
};

interface Case {
  readonly id: string;
  readonly label: string;
  /** Services in the spec; undefined for the app without one. */
  readonly services?: number;
  /** Script and arguments, relative to the project root, run by `node -r bin/register.js`. */
  readonly argv?: readonly string[];
  /** Or a shell command, launched as `cdktf synth` launches its app (a shell, cdktf's environment). */
  readonly shell?: string;
}

const CASES: readonly Case[] = [
  { id: 'smallest', label: 'smallest cdktf app (plain JS)', shell: 'node bench/minimal-app.js' },
  { id: 'example', label: 'example (cdktf.json app)', services: EXAMPLE_SERVICES, shell: CDKTF_APP },
  { id: 'gen100', label: 'generated, 100 services', services: 100, argv: ['bench/child-generated.ts', '100'] },
  { id: 'gen1000', label: 'generated, 1000 services', services: 1000, argv: ['bench/child-generated.ts', '1000'] },
];

interface Run {
  readonly ms: number;
  /** CPU time of the child (user + system), steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly rssKiB: number;
  readonly stacks: number;
  readonly outBytes: number;
}

interface Options {
  readonly rounds: number;
  readonly rssFromChild: boolean;
}

function parseArgs(args: readonly string[]): Options {
  let rounds = 7;
  let rssFromChild = !existsSync(TIME);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--rounds') {
      rounds = Number(args[++i]);
      if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds needs a whole number of at least 1 (got ${args[i]})`);
    } else if (a === '--rss-from-child') {
      rssFromChild = true;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench [-- --rounds N] [--rss-from-child]\n  --rounds N        timed rounds (default 7), after one untimed warm-up round\n  --rss-from-child  peak memory from process.resourceUsage() in the child instead of /usr/bin/time\n');
      process.exit(0);
    } else {
      fail(`unknown argument ${a} (try --help)`);
    }
  }
  return { rounds, rssFromChild };
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

/** Runs one case in a fresh process; the outdir is left for the caller to inspect and remove. */
function runOnce(c: Case, opts: Options): Run & { outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), `o11y-bench-${c.id}-`));
  const rssFile = `${outdir}.rss`;
  const maxRss = join(__dirname, 'max-rss.ts');
  // the child reports its own peak memory and CPU through max-rss.ts (as NODE_OPTIONS for a shell
  // command, so it reaches the node the command starts), or /usr/bin/time reports them
  const preload = opts.rssFromChild ? ['-r', REGISTER, '-r', maxRss] : [];
  const [file, args, extraEnv]: [string, string[], Record<string, string>] = c.shell
    ? ['/bin/sh', ['-c', c.shell], { ...CDKTF_ENV, ...(opts.rssFromChild ? { NODE_OPTIONS: `${CDKTF_ENV.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? ''} -r ${REGISTER} -r ${maxRss}`.trim() } : {}) }]
    : [process.execPath, [...(opts.rssFromChild ? preload : ['-r', REGISTER]), ...(c.argv ?? [])], {}];
  const [cmd, cmdArgs] = opts.rssFromChild ? [file, args] : [TIME, ['-f', '%M %U %S', '-o', rssFile, file, ...args]];
  // every case in cdktf's environment, so the generated ones run as the example does under `cdktf synth`
  const env = { ...process.env, ...CDKTF_ENV, ...extraEnv, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: rssFile };

  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;

  if (r.error) fail(`${c.label}: could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${c.label}: the child exited with ${r.status ?? r.signal}\n${r.stderr}${r.stdout}`);
  const [rssKiB, userS, sysS] = readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(rssFile, { force: true });
  if (!Number.isFinite(rssKiB) || rssKiB <= 0) fail(`${c.label}: no peak memory reported`);
  const cpuMs = (userS + sysS) * 1000;

  const stacksDir = join(outdir, 'stacks');
  const stacks = existsSync(stacksDir) ? readdirSync(stacksDir).length : 0;
  if (stacks === 0) fail(`${c.label}: the child wrote no stack into ${outdir}`);
  return { ms, cpuMs, rssKiB, stacks, outBytes: [...files(outdir).values()].reduce((n, f) => n + statSync(f).size, 0), outdir };
}

/** Every file under `dir`, by path relative to it. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), p);
    }
  };
  walk(dir);
  return out;
}

/** Paths whose presence or content differs between two synth outputs. */
function treeDiff(a: string, b: string): string[] {
  const fa = files(a);
  const fb = files(b);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return paths.filter((p) => {
    const x = fa.get(p);
    const y = fb.get(p);
    return !x || !y || !readFileSync(x).equals(readFileSync(y));
  });
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
const size = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // the first column is text, the rest are figures: right-align those so digits line up
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  log(`o11y-stack synth bench: ${CASES.length} cases, rounds: ${opts.rounds}, round-robin, each run a fresh process; the example and the baseline launched as \`cdktf synth\` launches cdktf.json's app (${JSON.stringify(CDKTF_APP)})`);
  log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; peak memory and CPU time from ${opts.rssFromChild ? "the child's process.resourceUsage()" : `${TIME} -f '%M %U %S'`}`);
  // other work on the machine skews every figure: say how busy it was, before and after
  const load = (): string => loadavg()[0].toFixed(2);
  log(`load average (1 min) at start: ${load()}`);

  // untimed warm-up: fills the file cache, and proves the generated-spec child builds the
  // very stacks stacks/main.ts builds (so its figures are the app's, not a look-alike's)
  log("warm-up round (untimed); checking that bench/child-generated.ts builds what cdktf.json's app builds");
  const example4: Case = { id: 'gen4', label: 'generated, example services only', services: EXAMPLE_SERVICES, argv: ['bench/child-generated.ts', String(EXAMPLE_SERVICES)] };
  // a second try, because a source file saved between the two runs also makes them differ
  let drift: string[] = [];
  for (let attempt = 0; attempt < 2 && (attempt === 0 || drift.length > 0); attempt++) {
    const fromMain = runOnce(CASES[1], opts);
    const fromChild = runOnce(example4, opts);
    drift = treeDiff(fromMain.outdir, fromChild.outdir);
    for (const r of [fromMain, fromChild]) rmSync(r.outdir, { recursive: true, force: true });
  }
  if (drift.length > 0) {
    fail(`bench/child-generated.ts no longer synthesizes what stacks/main.ts does (differs, twice: ${drift.slice(0, 5).join(', ')}${drift.length > 5 ? ', …' : ''}); make it build the stacks the way stacks/main.ts does`);
  }
  for (const c of CASES) if (c !== CASES[1]) rmSync(runOnce(c, opts).outdir, { recursive: true, force: true });

  const runs = new Map<string, Run[]>(CASES.map((c) => [c.id, []]));
  for (let round = 0; round < opts.rounds; round++) {
    process.stdout.write(`round ${round + 1}/${opts.rounds}:`);
    // each round starts one case later, so no case always runs first (or right after the heaviest)
    for (let k = 0; k < CASES.length; k++) {
      const c = CASES[(round + k) % CASES.length];
      const { outdir, ...run } = runOnce(c, opts);
      rmSync(outdir, { recursive: true, force: true });
      runs.get(c.id)!.push(run);
      process.stdout.write(` ${c.id} ${sec(run.ms)}`);
    }
    process.stdout.write('\n');
  }

  const stat = (id: string) => {
    const rs = runs.get(id)!;
    const ms = rs.map((r) => r.ms);
    const rss = rs.map((r) => r.rssKiB);
    const cpu = rs.map((r) => r.cpuMs);
    return { ms: median(ms), min: Math.min(...ms), max: Math.max(...ms), cpu: median(cpu), cpuMin: Math.min(...cpu), rss: median(rss), rssMax: Math.max(...rss), stacks: rs[0].stacks, outBytes: rs[0].outBytes };
  };
  const s = Object.fromEntries(CASES.map((c) => [c.id, stat(c.id)]));

  log('');
  log(
    table(
      ['case', 'services', 'stacks', 'output', 'median', 'min', 'max', 'CPU (median)', '(min)', 'peak RSS (median)', '(max)'],
      CASES.map((c) => {
        const x = s[c.id];
        return [c.label, c.services === undefined ? '-' : String(c.services), String(x.stacks), size(x.outBytes), sec(x.ms), sec(x.min), sec(x.max), sec(x.cpu), sec(x.cpuMin), mib(x.rss), mib(x.rssMax)];
      }),
    ),
  );

  // min beside median: on a shared machine the fastest run is the one least disturbed
  const ratios = (k: 'ms' | 'min' | 'cpu') => ({
    exampleVsSmallest: s.example[k] / s.smallest[k],
    big: s.gen1000[k] / s.gen100[k],
    perSvcLow: (s.gen100[k] - s.example[k]) / (100 - EXAMPLE_SERVICES),
    perSvcHigh: (s.gen1000[k] - s.gen100[k]) / (1000 - 100),
  });
  const med = ratios('ms');
  const fast = ratios('min');
  const cpu = ratios('cpu');
  const memLow = (s.gen100.rss - s.example.rss) / (100 - EXAMPLE_SERVICES);
  const memHigh = (s.gen1000.rss - s.gen100.rss) / (1000 - 100);
  log('');
  log('                          from medians (from minima)');
  log(`example / smallest app:   ${med.exampleVsSmallest.toFixed(2)}× (${fast.exampleVsSmallest.toFixed(2)}×), target ≤ ${EXAMPLE_VS_SMALLEST_TARGET}×: ${med.exampleVsSmallest <= EXAMPLE_VS_SMALLEST_TARGET ? 'met' : 'MISSED'}; CPU time ${cpu.exampleVsSmallest.toFixed(2)}×; peak memory ${(s.example.rss / s.smallest.rss).toFixed(2)}×`);
  log(`1000 / 100 services:      ${med.big.toFixed(2)}× (${fast.big.toFixed(2)}×) total time; peak memory ${(s.gen1000.rss / s.gen100.rss).toFixed(2)}×`);
  log(`time per added service:   ${med.perSvcLow.toFixed(2)} ms (${fast.perSvcLow.toFixed(2)}) from 4 to 100, ${med.perSvcHigh.toFixed(2)} ms (${fast.perSvcHigh.toFixed(2)}) from 100 to 1000`);
  log(`CPU per added service:    ${cpu.perSvcLow.toFixed(2)} ms from 4 to 100, ${cpu.perSvcHigh.toFixed(2)} ms from 100 to 1000 (medians)`);
  log(`  100→1000 / 4→100:       ${(med.perSvcHigh / med.perSvcLow).toFixed(2)}× (${(fast.perSvcHigh / fast.perSvcLow).toFixed(2)}×): ≈1 is linear, well above 1 grows faster than the spec`);
  log(`memory per added service: ${memLow.toFixed(0)} KiB from 4 to 100, ${memHigh.toFixed(0)} KiB from 100 to 1000`);
  log(`load average (1 min) at end: ${load()} (the bench itself adds about 1; near or above ${cpus().length}, the number of CPUs, other work competed with it)`);
}

main();
