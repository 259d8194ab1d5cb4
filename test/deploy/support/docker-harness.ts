/**
 * What both Docker stack tests share: a daemon of their own with the pinned images in it, a
 * project synthesized as a user would, and questions to the deployed stack (container health,
 * what Terraform left behind, Prometheus queries).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBE_INSTALLER } from '../../../src/components/health-probe';
import { pollUntil } from '../../support/prometheus-harness';
import { REPO_ROOT } from '../../support/synth';
import { LiveNetwork, ROOT_HOST } from '../../live/support/netns';
import { RunningService, SdkLanguage, startService, TraceMix } from '../../live/support/sdk-services';
import { DockerDaemon, startDockerDaemon } from './docker-daemon';
import { deployProject, DeployProject } from './docker-deploy';
import { importPinnedImages } from './images';
import { installMirror } from './providers';
import { terraform } from './terraform';

export interface DockerHarness {
  readonly stack: string;
  readonly runDir: string;
  readonly daemon: DockerDaemon;
  readonly project: DeployProject;
  /** For the SDK services: processes on this machine, their output kept. */
  readonly network: LiveNetwork;
  readonly images: readonly string[];
  /** `cdktf.out/stacks/<stack>` of the project. */
  stackDir(): string;
  /** The `o11y` bin, run in the project. */
  o11y(args: readonly string[]): Promise<{ code: number; out: string; err: string }>;
  /** Services on real SDKs on this machine, each with its generated `.env` file only. */
  startServices(languages: Readonly<Record<string, SdkLanguage>>, mix: TraceMix): Promise<RunningService[]>;
  /** Stops the services, destroys whatever of the stack is still deployed, stops the daemon. */
  close(): Promise<void>;
}

export async function dockerHarness(stack: string): Promise<DockerHarness> {
  installMirror(['docker', 'random']);
  const runDir = mkdtempSync(join(tmpdir(), `o11y-deploy-${stack}-`));
  const daemon = await startDockerDaemon(join(runDir, 'dockerd'));
  try {
    const images = await importPinnedImages(daemon);
    const project = deployProject(join(runDir, 'project'), daemon);
    // docs/local.md, word for word: `npm run synth`
    await project.sh('npm', ['run', 'synth']);
    const network = new LiveNetwork(join(runDir, 'logs'));
    const stackDir = () => project.stackDir(stack);
    return {
      stack,
      runDir,
      daemon,
      project,
      network,
      images,
      stackDir,
      o11y: (args) =>
        new Promise((resolve) => {
          execFile(process.execPath, [join(REPO_ROOT, 'bin', 'o11y.js'), ...args], { cwd: project.dir, timeout: 10 * 60_000 }, (err, stdout, stderr) => {
            resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
          });
        }),
      startServices: (languages, mix) =>
        Promise.all(Object.entries(languages).map(([service, language]) => startService(network, ROOT_HOST, language, readFileSync(join(stackDir(), 'config', 'otel', `${service}.env`), 'utf8'), mix))),
      async close() {
        // whatever failed, leave no stack behind on the daemon
        await terraform(stackDir(), ['destroy', '-auto-approve', '-input=false'], { DOCKER_HOST: daemon.host }).catch(() => undefined);
        await network.destroy();
        await daemon.stop();
        if (process.env.O11Y_LIVE_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await daemon.stop();
    throw e;
  }
}

export interface ContainerState {
  readonly name: string;
  readonly status: string;
  /** `healthy`, `unhealthy`, `starting`, or `none` for a container without a health check. */
  readonly health: string;
  readonly ip: string;
  readonly exitCode: number;
}

/**
 * The one-shot containers of a stack: the installer of the collector's probe
 * (src/components/health-probe.ts) and those that hand a volume to its component's user
 * (`…-volume-owner`, compose's `…-volume-owner-1`): each runs once before its component and exits 0.
 */
export const isOneShot = (c: ContainerState): boolean => /-volume-owner(-\d+)?$/.test(c.name) || c.name.includes(PROBE_INSTALLER);

export function containers(daemon: DockerDaemon): ContainerState[] {
  const ids = daemon.docker(['ps', '-aq']).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const out = daemon.docker(['inspect', '--format', '{{.Name}}|{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}|{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}|{{.State.ExitCode}}', ...ids]);
  return out.split('\n').filter(Boolean).map((l) => {
    const [name, status, health, ip, exitCode] = l.split('|');
    return { name: name.replace(/^\//, ''), status, health, ip, exitCode: Number(exitCode) };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Waits until every container runs and every health check says healthy, and every one-shot
 * container exited 0; returns the states of the running ones.
 */
export async function allHealthy(daemon: DockerDaemon, deadlineMs = 180_000): Promise<ContainerState[]> {
  return pollUntil('every container running and healthy', deadlineMs, async () => {
    const cs = containers(daemon);
    const bad = cs.filter((c) => (isOneShot(c) ? c.status !== 'exited' || c.exitCode !== 0 : c.status !== 'running' || (c.health !== 'healthy' && c.health !== 'none')));
    const running = cs.filter((c) => !isOneShot(c));
    return running.length > 0 && bad.length === 0 ? { value: running, seen: 'all healthy' } : { seen: bad.map((c) => `${c.name}: ${c.status}/${c.health} (exit ${c.exitCode})`).join(', ') || 'no containers' };
  }).catch((e) => {
    const logs = containers(daemon).filter((c) => c.health !== 'healthy').map((c) => `--- ${c.name} ---\n${logsOf(daemon, c.name)}`).join('\n');
    throw new Error(`${(e as Error).message}\n${logs}`);
  });
}

export function logsOf(daemon: DockerDaemon, container: string): string {
  try {
    return daemon.docker(['logs', '--tail', '40', container]);
  } catch (e) {
    return (e as Error).message;
  }
}

/** What a stack left behind: containers, volumes and networks named after it. */
export function leftovers(daemon: DockerDaemon, prefix: string): string[] {
  const named = (args: string[]) => daemon.docker(args).split('\n').filter((n) => n.startsWith(prefix));
  return [
    ...named(['ps', '-a', '--format', '{{.Names}}']).map((n) => `container ${n}`),
    ...named(['volume', 'ls', '--format', '{{.Name}}']).map((n) => `volume ${n}`),
    ...named(['network', 'ls', '--format', '{{.Name}}']).map((n) => `network ${n}`),
  ];
}

export async function promQuery<T = { metric: Record<string, string>; value: [number, string] }[]>(base: string, query: string, time?: number): Promise<T> {
  const params = new URLSearchParams({ query, ...(time !== undefined ? { time: String(time) } : {}) });
  const res = (await (await fetch(`${base}/api/v1/query?${params}`)).json()) as { status: string; data: { result: T }; error?: string };
  if (res.status !== 'success') throw new Error(`${query}: ${res.error}`);
  return res.data.result;
}
