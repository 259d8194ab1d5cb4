/**
 * The images the stacks pin, built locally (no registry is reachable) and tagged with exactly the
 * pinned references, so the synthesized Terraform and the compose export run unchanged. Each is
 * `docker import`ed from a root file system laid out as its upstream image is: the binary at the
 * upstream path and entrypoint, the upstream user, and the data directory owned by that user (a
 * new named volume takes the ownership of the image's directory, so a wrong owner shows up as a
 * component that cannot write its data, as it would with the real image).
 *
 * Real binaries at the deployed versions: Prometheus, Alertmanager, Jaeger and the collector
 * (our build of the contrib release with the components the configs use). Tempo, Loki and
 * Grafana are AGPL and never built: their images hold the STAND-IN (test/deploy/stand-in), and
 * say so in a label.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROBE_IMAGE } from '../../../src/components/health-probe';
import { VERSIONS } from '../../../src/spec/defaults';
import { binary } from '../../live/support/binaries';
import { cachePath, digest, run } from '../../live/support/cache';
import { liveCollector } from '../../live/support/live-plans';
import type { DockerDaemon } from './docker-daemon';

const BUSYBOX = '/bin/busybox';
const STAND_IN_SRC = join(__dirname, '..', 'stand-in');

/** The stand-in binary (test/deploy/stand-in), cached by its sources. */
function standInBinary(): string {
  const files = readdirSync(STAND_IN_SRC).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').sort();
  return cachePath('stand-in', digest(...files.map((f) => `${f}\0${readFileSync(join(STAND_IN_SRC, f), 'utf8')}`)), 'o11y-stand-in');
}

export async function buildStandIn(): Promise<string> {
  const bin = standInBinary();
  if (!existsSync(bin)) {
    mkdirSync(dirname(bin), { recursive: true });
    await run('go', ['build', '-trimpath', '-o', `${bin}.partial`, '.'], { cwd: STAND_IN_SRC, env: { ...process.env, CGO_ENABLED: '0' }, logFile: `${bin}.log` });
    renameSync(`${bin}.partial`, bin);
  }
  return bin;
}

interface ImageLayout {
  /** The pinned reference (`prom/prometheus:v3.16.0`). */
  readonly ref: string;
  /** Files: path in the image → file on this machine. */
  readonly files: Record<string, string>;
  /** Symlinks: path in the image → target. */
  readonly links?: Record<string, string>;
  /** Directories and their owner uid. */
  readonly dirs?: Record<string, number>;
  /** A busybox userland (the upstream image has a shell and wget); false for scratch/distroless images. */
  readonly busybox: boolean;
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  /** Set on stand-ins: what the image really is. */
  readonly standIn?: string;
}

function ref(k: keyof typeof VERSIONS): string {
  return `${VERSIONS[k].repository}:${VERSIONS[k].tag}`;
}

/** What each pinned image holds here. */
export function imageLayouts(standIn: string): ImageLayout[] {
  const collector = liveCollector().binary;
  const standInNote = (what: string) => `STAND-IN for ${what} (AGPL, not built here): o11y-stack test/deploy/stand-in, OTLP in and a subset of the query API only`;
  return [
    {
      ref: ref('prometheus'),
      files: { '/bin/prometheus': binary('prometheus', 'prometheus'), '/bin/promtool': binary('prometheus', 'promtool') },
      dirs: { '/etc/prometheus': 0, '/prometheus': 65534 },
      busybox: true,
      entrypoint: ['/bin/prometheus'],
      cmd: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
      user: 'nobody',
      workdir: '/prometheus',
    },
    {
      ref: ref('alertmanager'),
      files: { '/bin/alertmanager': binary('alertmanager', 'alertmanager'), '/bin/amtool': binary('alertmanager', 'amtool') },
      dirs: { '/etc/alertmanager': 0, '/alertmanager': 65534 },
      busybox: true,
      entrypoint: ['/bin/alertmanager'],
      cmd: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'],
      user: 'nobody',
      workdir: '/alertmanager',
    },
    {
      ref: ref('jaeger'),
      files: { '/cmd/jaeger/jaeger-linux': binary('jaeger', 'jaeger') },
      busybox: true,
      entrypoint: ['/cmd/jaeger/jaeger-linux'],
      user: '10001',
    },
    {
      // the collector's health probe comes from here (src/components/health-probe.ts): the
      // upstream musl variant is one static busybox, as Debian's busybox-static is
      ref: PROBE_IMAGE.image,
      files: {},
      busybox: true,
      entrypoint: [],
      cmd: ['sh'],
    },
    {
      // upstream is FROM scratch: no shell, no wget (the stacks never exec into it)
      ref: ref('otel-collector'),
      files: { '/otelcol-contrib': collector },
      dirs: { '/etc/otelcol-contrib': 0 },
      busybox: false,
      entrypoint: ['/otelcol-contrib'],
      cmd: ['--config', '/etc/otelcol-contrib/config.yaml'],
      user: '10001',
    },
    {
      // upstream is distroless: `/tempo -health` is its own probe
      ref: ref('tempo'),
      files: { '/tempo': standIn },
      dirs: { '/var/tempo': 10001 },
      busybox: false,
      entrypoint: ['/tempo'],
      cmd: ['-config.file=/etc/tempo.yaml'],
      user: '10001',
      standIn: standInNote('grafana/tempo'),
    },
    {
      ref: ref('loki'),
      files: { '/usr/bin/loki': standIn },
      dirs: { '/loki': 10001, '/etc/loki': 0 },
      busybox: true,
      entrypoint: ['/usr/bin/loki'],
      cmd: ['-config.file=/etc/loki/local-config.yaml'],
      user: '10001',
      standIn: standInNote('grafana/loki'),
    },
    {
      ref: ref('grafana'),
      files: { '/run.sh': standIn },
      links: { '/usr/bin/curl': '/run.sh' },
      dirs: { '/var/lib/grafana': 472, '/etc/grafana': 0 },
      busybox: true,
      entrypoint: ['/run.sh'],
      user: '472',
      workdir: '/usr/share/grafana',
      standIn: standInNote('grafana/grafana'),
    },
  ];
}

/** A root file system for `layout`, archived with numeric owners, imported under its reference. */
function importImage(daemon: DockerDaemon, layout: ImageLayout): void {
  const root = mkdtempSync(join(tmpdir(), 'o11y-image-'));
  try {
    for (const d of ['etc', 'tmp', 'bin']) mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
    if (layout.busybox) {
      copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
      chmodSync(join(root, 'bin', 'busybox'), 0o755);
      for (const applet of execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
        if (!existsSync(join(root, 'bin', applet))) symlinkSync('busybox', join(root, 'bin', applet));
      }
    }
    for (const [at, from] of Object.entries(layout.files)) {
      mkdirSync(join(root, dirname(at)), { recursive: true });
      copyFileSync(from, join(root, at));
      chmodSync(join(root, at), 0o755);
    }
    for (const [at, target] of Object.entries(layout.links ?? {})) {
      mkdirSync(join(root, dirname(at)), { recursive: true });
      symlinkSync(target, join(root, at));
    }
    for (const [at, uid] of Object.entries(layout.dirs ?? {})) {
      mkdirSync(join(root, at), { recursive: true });
      chownSync(join(root, at), uid, uid);
    }
    if (layout.workdir) mkdirSync(join(root, layout.workdir), { recursive: true });
    const changes = [
      `ENTRYPOINT ${JSON.stringify(layout.entrypoint)}`,
      ...(layout.cmd ? [`CMD ${JSON.stringify(layout.cmd)}`] : []),
      ...(layout.user ? [`USER ${layout.user}`] : []),
      ...(layout.workdir ? [`WORKDIR ${layout.workdir}`] : []),
      ...(layout.busybox ? ['ENV PATH=/usr/local/bin:/usr/bin:/bin'] : []),
      `LABEL org.opencontainers.image.description=${JSON.stringify(layout.standIn ?? `o11y-stack test image: the release's binary at its upstream path, on ${layout.busybox ? 'busybox' : 'scratch'}`)}`,
      ...(layout.standIn ? ['LABEL io.o11y-stack.stand-in=true'] : []),
    ];
    const tar = execFileSync('tar', ['-C', root, '--numeric-owner', '-c', '.'], { maxBuffer: 1024 * 1024 * 1024 });
    daemon.docker(['import', ...changes.flatMap((c) => ['--change', c]), '-', layout.ref], tar);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Imports every pinned image into the daemon (a fresh daemon has none); returns their references. */
export async function importPinnedImages(daemon: DockerDaemon): Promise<string[]> {
  const standIn = await buildStandIn();
  const layouts = imageLayouts(standIn);
  for (const l of layouts) importImage(daemon, l);
  return layouts.map((l) => l.ref);
}
