/**
 * Hosts for the live tests: one Linux network namespace per host on a private bridge, each
 * with its own /etc/hosts (`ip netns exec` bind-mounts /etc/netns/<ns>/hosts over it), so
 * the rendered configs' host names (`jaeger`, `prometheus.shop-staging.o11y.internal`,
 * `host.docker.internal`) resolve as in Docker or Cloud Map, and every host has its own ports.
 * Needs root (CI and these machines run as root).
 */
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface Host {
  /** The namespace's name (`ip netns exec <ns>`). */
  readonly ns: string;
  readonly ip: string;
  /** Host names that resolve to `ip` on every host of the network. */
  readonly names: readonly string[];
}

export interface LiveProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once it exited. */
  readonly exited: Promise<number | null>;
}

const PREFIX = 'o11yl';

/**
 * The machine itself (the root namespace): where a Docker stack's published 127.0.0.1 ports and
 * its `host.docker.internal` are, so the deploy tests run services here, as a developer would.
 */
export const ROOT_HOST: Host = { ns: '', ip: '127.0.0.1', names: [] };

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes namespaces, bridges and hosts files of earlier runs whose process is gone. */
function removeStale(): void {
  for (const ns of ip('netns', 'list').split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith(`${PREFIX}-`))) {
    const pid = Number(ns.split('-')[1]);
    if (!alive(pid)) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
      rmSync(join('/etc/netns', ns), { recursive: true, force: true });
    }
  }
  for (const line of ip('-o', 'link', 'show', 'type', 'bridge').split('\n')) {
    const m = line.match(new RegExp(`^\\d+: (${PREFIX}b(\\d+)x\\d+)[:@]`));
    if (m && !alive(Number(m[2]))) try { ip('link', 'del', m[1]); } catch { /* gone */ }
  }
}

export class LiveNetwork {
  private readonly hosts: Host[] = [];
  private readonly processes: LiveProcess[] = [];
  private readonly bridge: string;
  private readonly subnet: number;
  private readonly id: string;
  private seq = 0;

  /** @param logDir where every process's output is written (`<name>.log`) */
  constructor(private readonly logDir: string) {
    removeStale();
    const n = LiveNetwork.count++;
    this.id = `${process.pid}-${n}`;
    this.bridge = `${PREFIX}b${process.pid}x${n}`.slice(0, 15);
    const used: string[] = ip("-4", "route").match(/10\.231\.(\d+)\./g) ?? [];
    let subnet = 1 + ((process.pid + n) % 250);
    while (used.includes(`10.231.${subnet}.`)) subnet = (subnet % 250) + 1;
    this.subnet = subnet;
    ip('link', 'add', this.bridge, 'type', 'bridge');
    ip('addr', 'add', `10.231.${subnet}.1/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
    mkdirSync(logDir, { recursive: true });
  }
  private static count = 0;
  private static veths = 0;

  /** The test runner's own address on the network (the root namespace). */
  get runnerIp(): string {
    return `10.231.${this.subnet}.1`;
  }

  /** A new host answering to `names`. Call `writeHostsFiles()` once all hosts are added. */
  addHost(label: string, names: readonly string[]): Host {
    const k = ++this.seq;
    const ns = `${PREFIX}-${this.id}-${label}`;
    const hostIp = `10.231.${this.subnet}.${k + 1}`;
    const outer = `o11yv${process.pid}x${LiveNetwork.veths++}`.slice(0, 15);
    ip('netns', 'add', ns);
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('link', 'set', outer, 'master', this.bridge);
    ip('link', 'set', outer, 'up');
    ip('-n', ns, 'addr', 'add', `${hostIp}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    const host = { ns, ip: hostIp, names: [...names] };
    this.hosts.push(host);
    return host;
  }

  /** /etc/hosts of every host: localhost, then every host's names. */
  writeHostsFiles(): void {
    const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost', ...this.hosts.filter((h) => h.names.length).map((h) => `${h.ip} ${h.names.join(' ')}`)];
    for (const h of this.hosts) {
      mkdirSync(join('/etc/netns', h.ns), { recursive: true });
      writeFileSync(join('/etc/netns', h.ns, 'hosts'), `${lines.join('\n')}\n`);
    }
  }

  /** Drops `name` from `host` in every host's /etc/hosts, as Docker's DNS forgets a stopped container. */
  unname(host: Host, name: string): void {
    const names = host.names as string[];
    const i = names.indexOf(name);
    if (i >= 0) names.splice(i, 1);
    this.writeHostsFiles();
  }

  /** Starts `cmd` on `host`, with exactly `env` (nothing inherited but what is passed). */
  spawn(host: Host, name: string, cmd: string, args: readonly string[], env: Record<string, string> = {}): LiveProcess {
    const log: WriteStream = createWriteStream(join(this.logDir, `${name}.log`));
    const opts = { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env }, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
    const child = host.ns === ROOT_HOST.ns ? spawn(cmd, [...args], opts) : spawn('ip', ['netns', 'exec', host.ns, cmd, ...args], opts);
    let out = '';
    const keep = (b: Buffer) => {
      log.write(b);
      if (out.length < 4_000_000) out += b.toString();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => {
      log.end();
      resolve(code);
    }));
    const p: LiveProcess = { name, child, output: () => out, exited };
    this.processes.push(p);
    return p;
  }

  /** Stops a process: SIGTERM, then SIGKILL after `graceMs`. Resolves with its exit code. */
  async stop(p: LiveProcess, graceMs = 10_000): Promise<number | null> {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
    const code = await p.exited;
    clearTimeout(timer);
    return code;
  }

  /** Stops every process and removes every namespace, veth, hosts file and the bridge. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => this.stop(p, 5_000)));
    for (const h of this.hosts) {
      try { ip('netns', 'del', h.ns); } catch { /* gone */ }
      rmSync(join('/etc/netns', h.ns), { recursive: true, force: true });
    }
    try { ip('link', 'del', this.bridge); } catch { /* gone */ }
  }
}

/** Namespaces this process created and did not remove (for a test that checks cleanup). */
export function leftoverNamespaces(): string[] {
  if (!existsSync('/var/run/netns')) return [];
  return readdirSync('/var/run/netns').filter((n) => n.startsWith(`${PREFIX}-${process.pid}-`));
}
