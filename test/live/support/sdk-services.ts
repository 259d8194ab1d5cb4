/**
 * Services on real OpenTelemetry SDKs — Node (npm), Python (PyPI), Go (the module proxy) — that
 * take their whole OTel configuration from a stack's generated `.env` file, as a team's service
 * would (test/live/services/*; the command line only says how many traces to make).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { cachePath, digest, run } from './cache';
import type { Host, LiveNetwork, LiveProcess } from './netns';
import { pollUntil } from '../../support/prometheus-harness';

export type SdkLanguage = 'node' | 'python' | 'go';

const SERVICES_DIR = join(__dirname, '..', 'services');
const REPO = join(__dirname, '..', '..', '..');

function goDir(): string {
  const src = ['go.mod', 'go.sum', 'main.go'].map((f) => readFileSync(join(SERVICES_DIR, 'go', f), 'utf8'));
  return cachePath('sdk-services', `go-${digest(...src)}`);
}

function pythonDir(): string {
  return cachePath('sdk-services', `python-${digest(readFileSync(join(SERVICES_DIR, 'python', 'requirements.txt'), 'utf8'))}`);
}

/** Builds the Go service and the Python virtualenv (cached by their sources and pins). */
export async function buildSdkServices(): Promise<void> {
  const go = goDir();
  if (!existsSync(join(go, 'shop-service'))) {
    mkdirSync(go, { recursive: true });
    await run('go', ['build', '-trimpath', '-o', join(go, 'shop-service.partial'), '.'], { cwd: join(SERVICES_DIR, 'go'), env: { ...process.env, CGO_ENABLED: '0' }, logFile: join(go, 'build.log') });
    renameSync(join(go, 'shop-service.partial'), join(go, 'shop-service'));
  }
  const py = pythonDir();
  if (!existsSync(join(py, 'done'))) {
    rmSync(py, { recursive: true, force: true });
    const logFile = `${py}.log`;
    await run('python3', ['-m', 'venv', py], { logFile });
    await run(join(py, 'bin', 'pip'), ['install', '--no-input', '-r', join(SERVICES_DIR, 'python', 'requirements.txt')], { logFile });
    writeFileSync(join(py, 'done'), '');
  }
}

function command(language: SdkLanguage): { cmd: string; args: string[] } {
  switch (language) {
    case 'node':
      return { cmd: process.execPath, args: ['-r', join(REPO, 'bin', 'register.js'), join(SERVICES_DIR, 'node', 'service.ts')] };
    case 'python': {
      const py = join(pythonDir(), 'bin', 'python');
      if (!existsSync(py)) throw new Error('the Python SDK venv is not built: run `npm run build:live` first');
      return { cmd: py, args: [join(SERVICES_DIR, 'python', 'service.py')] };
    }
    case 'go': {
      const bin = join(goDir(), 'shop-service');
      if (!existsSync(bin)) throw new Error('the Go SDK service is not built: run `npm run build:live` first');
      return { cmd: bin, args: [] };
    }
  }
}

export interface SentTrace {
  readonly traceId: string;
  readonly error: boolean;
  readonly slow: boolean;
}

export interface RunningService {
  readonly service: string;
  readonly language: SdkLanguage;
  readonly process: LiveProcess;
  readonly traces: readonly SentTrace[];
  /** The SDK's own error reports (`OTEL-ERROR …` lines) so far. */
  exportErrors(): string[];
}

export interface TraceMix {
  readonly traces: number;
  readonly errors: number;
  readonly slow: number;
  readonly slowMs: number;
}

/**
 * Starts a service with exactly the variables of its `.env` file (and PATH/HOME), and waits
 * until it has sent its traces and printed what it sent.
 */
export async function startService(network: LiveNetwork, host: Host, language: SdkLanguage, dotenv: string, mix: TraceMix): Promise<RunningService> {
  const env = parseEnv(dotenv) as Record<string, string>;
  const { cmd, args } = command(language);
  const p = network.spawn(host, `${env.OTEL_SERVICE_NAME}-${language}`, cmd, [...args, '--traces', String(mix.traces), '--errors', String(mix.errors), '--slow', String(mix.slow), '--slow-ms', String(mix.slowMs)], env);
  const ready = await pollUntil(`${env.OTEL_SERVICE_NAME} (${language}) sent its traces`, 120_000, async () => {
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}: ${p.output().slice(-3000)}`);
    const line = p.output().split('\n').find((l) => l.startsWith('READY '));
    return line ? { value: JSON.parse(line.slice('READY '.length)) as { traces: SentTrace[] }, seen: 'ready' } : { seen: p.output().slice(-500) };
  });
  return {
    service: env.OTEL_SERVICE_NAME,
    language,
    process: p,
    traces: ready.traces,
    exportErrors: () => p.output().split('\n').filter((l) => l.startsWith('OTEL-ERROR')),
  };
}
