/**
 * The compose export deployed for real: `o11y compose --stack local-jaeger` run by Docker Compose
 * v2 (built from the Go module proxy, as the docker CLI's plugin) on the tests' own daemon, with
 * the same pinned images. `up --wait` must bring every service to healthy, `o11y verify` must
 * follow one trace, metric and log through it (the export publishes the same ports as the
 * Terraform stack), and `down -v` must leave nothing behind.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runExampleSynth } from '../support/synth';
import { installComposePlugin } from './support/compose';
import { DockerDaemon, startDockerDaemon } from './support/docker-daemon';
import { containers, isOneShot } from './support/docker-harness';
import { importPinnedImages } from './support/images';

const STACK = 'local-jaeger';
let runDir: string;
let daemon: DockerDaemon;
let composeFile: string;
/** What the export asks for at `up`; `down` interpolates the file too and needs them as well. */
let asked: Record<string, string> = {};
const report: string[] = [];

async function sh(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, [...args], { cwd: REPO_ROOT, env: { ...daemon.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** The variables the export asks for at `up` (`${NAME:?…}`), each given a throwaway value. */
function askedVariables(compose: string): Record<string, string> {
  return Object.fromEntries([...compose.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => [m[1], `o11y-deploy-test-${m[1].toLowerCase()}`]));
}

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'o11y-deploy-compose-'));
  daemon = await startDockerDaemon(join(runDir, 'dockerd'));
  installComposePlugin(daemon.env.DOCKER_CONFIG!);
  await importPinnedImages(daemon);
  const r = await sh(process.execPath, [join(REPO_ROOT, 'bin', 'o11y.js'), 'compose', '--stack', STACK]);
  if (r.code !== 0) throw new Error(`o11y compose failed: ${r.out}`);
  composeFile = join(runDir, 'docker-compose.yml');
  // the manifest o11y verify reads: the same synth a user ran
  runExampleSynth(REPO_ROOT, { CDKTF_OUTDIR: join(runDir, 'cdktf.out') });
  writeFileSync(composeFile, r.out);
  asked = askedVariables(r.out);
}, 10 * 60_000);

afterAll(async () => {
  if (daemon) {
    await sh('docker', ['compose', '-f', composeFile, 'down', '-v', '--timeout', '5'], asked).catch(() => undefined);
    await daemon.stop();
  }
  if (runDir && process.env.O11Y_LIVE_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
  process.stdout.write(`${report.join('\n')}\n`);
}, 5 * 60_000);

describe('the compose export of local-jaeger under Docker Compose v2', () => {
  it('comes up healthy with `docker compose up --wait`', async () => {
    const version = await sh('docker', ['compose', 'version', '--short']);
    expect(Object.keys(asked)).toEqual(['GRAFANA_ADMIN_PASSWORD']);
    const up = await sh('docker', ['compose', '-f', composeFile, 'up', '--wait', '--wait-timeout', '300'], asked);
    report.push(`compose ${version.out.trim()}: up --wait exit ${up.code}`);
    expect([up.code, up.code === 0 ? '' : up.out.slice(-3000)]).toEqual([0, '']);
    const all = containers(daemon);
    report.push(`compose containers: ${all.map((c) => `${c.name} ${c.health === 'none' ? c.status : c.health}`).join(', ')}`);
    // the one-shot services ran and exited 0: the probe's installer (the collector is healthy by the
    // probe it installed) and the one that hands the collector's queue volume to its user
    expect(all.filter(isOneShot).map((c) => [c.status, c.exitCode])).toEqual([['exited', 0], ['exited', 0]]);
    const cs = all.filter((c) => !isOneShot(c));
    expect(cs.map((c) => [c.status, c.health === 'none' ? 'none' : c.health])).toEqual(cs.map((c) => ['running', c.health === 'none' ? 'none' : 'healthy']));
    expect(cs.find((c) => c.name.includes('otel-collector'))!.health).toBe('healthy');
    expect(cs).toHaveLength(6);
  });

  it('carries one trace, metric and log end to end (`o11y verify local-jaeger` against it)', async () => {
    const r = await sh(process.execPath, [join(REPO_ROOT, 'bin', 'o11y.js'), 'verify', STACK, '--synth-dir', join(runDir, 'cdktf.out')]);
    report.push(`o11y verify ${STACK} (compose):\n${r.out}`);
    expect([r.code, r.out]).toEqual([0, expect.stringContaining(`o11y verify: every hop of ${STACK} carries data`)]);
  });

  it('leaves nothing after `docker compose down -v`', async () => {
    const down = await sh('docker', ['compose', '-f', composeFile, 'down', '-v', '--timeout', '10'], asked);
    expect([down.code, down.code === 0 ? '' : down.out]).toEqual([0, '']);
    expect(daemon.docker(['ps', '-aq']).trim()).toBe('');
    expect(daemon.docker(['volume', 'ls', '-q']).trim()).toBe('');
    expect(daemon.docker(['network', 'ls', '--format', '{{.Name}}']).split('\n').filter((n) => n && !['bridge', 'host', 'none'].includes(n))).toEqual([]);
  });
});
