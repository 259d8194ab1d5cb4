/**
 * A Docker daemon of the deploy tests' own: Debian's docker.io (engine 20.10, API 1.41), started
 * as root with its own data root, exec root, pidfile and socket, and stopped by its PID. No
 * system service is touched.
 *
 * `--iptables=false`: the default daemon sets the FORWARD policy to DROP, which cuts the live
 * tests' network namespaces off from each other. Without iptables, publishing on 127.0.0.1 (the
 * userland proxy) and DNS on user-defined networks still work; containers lose outbound NAT,
 * which nothing here needs (no registry is reachable anyway).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../../support/prometheus-harness';

export interface DockerDaemon {
  /** `unix://…`: what DOCKER_HOST (and the Docker provider's `host`) must be. */
  readonly host: string;
  readonly dir: string;
  /** The environment for docker, docker compose and terraform: DOCKER_HOST set, no user config. */
  readonly env: NodeJS.ProcessEnv;
  /** `docker <args>` against this daemon; returns stdout, throws with stderr. */
  docker(args: readonly string[], input?: string | Buffer): string;
  stop(): Promise<void>;
}

function dockerd(): string {
  for (const p of ['/usr/sbin/dockerd', '/usr/bin/dockerd']) if (existsSync(p)) return p;
  throw new Error('dockerd is not installed: `apt-get install docker.io` (.ci/run does)');
}

/** Starts a daemon rooted in `dir` and waits until it answers (about 2 s). */
export async function startDockerDaemon(dir: string): Promise<DockerDaemon> {
  if (process.getuid?.() !== 0) throw new Error('the deploy tests start their own dockerd and need root');
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'docker.sock');
  const pidfile = join(dir, 'docker.pid');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  // a short exec root: containerd's socket paths must fit in 108 bytes
  const execRoot = `/run/o11y-dockerd-${process.pid}`;
  const child: ChildProcess = spawn(
    dockerd(),
    ['--data-root', join(dir, 'data'), '--exec-root', execRoot, '--pidfile', pidfile, '--host', `unix://${socket}`,
      '--iptables=false', '--ip6tables=false', '--containerd-namespace', `o11y-${process.pid}`, '--containerd-plugins-namespace', `o11y-${process.pid}-p`],
    { stdio: ['ignore', log, log], detached: true },
  );
  closeSync(log);
  const host = `unix://${socket}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(dir, 'client-config') };
  const docker = (args: readonly string[], input?: string | Buffer): string => {
    try {
      return execFileSync('docker', args, { env, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`docker ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
    }
  };
  await pollUntil(`dockerd answers at ${socket}`, 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`dockerd exited (${child.exitCode}): ${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
    try {
      return { value: docker(['version', '--format', '{{.Server.Version}}']), seen: 'up' };
    } catch (e) {
      return { seen: (e as Error).message.slice(0, 200) };
    }
  });
  return {
    host,
    dir,
    env,
    docker,
    async stop() {
      const pid = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8').trim()) : child.pid!;
      try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      await pollUntil('dockerd stopped', 30_000, async () => {
        try { process.kill(pid, 0); return { seen: 'running' }; } catch { return { value: true, seen: 'stopped' }; }
      }).catch(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
      rmSync(execRoot, { recursive: true, force: true });
    },
  };
}
