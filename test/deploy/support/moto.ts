/**
 * moto, the AWS emulator, as the deploy tests run it: `moto[server]` at one pinned version from
 * PyPI in a venv of the version-keyed cache, and `moto_server` on 127.0.0.1 on a free port, a
 * child process of the test that stops with it. One server answers every service (it routes by
 * the request's signature), so one endpoint serves the whole provider.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollUntil } from '../../support/prometheus-harness';
import { cachePath, run } from '../../live/support/cache';

export const MOTO_VERSION = '5.2.6';
/** The account moto puts every resource in (its default, `MOTO_ACCOUNT_ID` unset). */
export const MOTO_ACCOUNT = '123456789012';
/** Upper bounds on a loaded 2-core machine, never asserted as speed. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const STARTUP_DEADLINE_MS = 60_000;

const VENV = cachePath(`moto-${MOTO_VERSION}`);
export const MOTO_PYTHON = join(VENV, 'bin', 'python');

/**
 * Creates the venv and installs `moto[server]==5.2.6` into it, once: a venv is not relocatable
 * (its scripts name their interpreter by absolute path), so it is built in place and a `done`
 * marker says it is complete; a half-built one is removed and built again.
 */
export async function installMoto(): Promise<string> {
  if (existsSync(join(VENV, 'done'))) return VENV;
  rmSync(VENV, { recursive: true, force: true });
  const logFile = `${VENV}.log`;
  await run('python3', ['-m', 'venv', VENV], { logFile });
  await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', `moto[server]==${MOTO_VERSION}`], { logFile, timeout: INSTALL_TIMEOUT_MS });
  writeFileSync(join(VENV, 'done'), `moto[server]==${MOTO_VERSION}\n`);
  return VENV;
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: every service's endpoint. */
  readonly endpoint: string;
  /** Every request moto answered, one line each (the first place to look when an apply fails). */
  readonly logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` on a free loopback port, its log in `dir`, and waits until it answers.
 * `MOTO_ACM_VALIDATION_WAIT=0`: a requested certificate is issued at once, as the user's
 * certificate is by the time they deploy (moto's default keeps it pending for 60 s).
 */
export async function startMoto(dir: string): Promise<MotoServer> {
  const venv = await installMoto();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'moto.log');
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(join(venv, 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', log, log],
    env: { ...process.env, MOTO_ACM_VALIDATION_WAIT: '0' },
  });
  closeSync(log);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `moto_server exited (code ${code}, signal ${signal}); log: ${logFile}`;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  try {
    await pollUntil(`moto_server at ${endpoint} answering`, STARTUP_DEADLINE_MS, async () => {
      if (exited) throw new Error(exited);
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      return res.ok ? { value: true, seen: 'up' } : { seen: `HTTP ${res.status}` };
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, logFile, stop };
}

/**
 * The exceptions moto logged (the last line of each traceback, `NotImplementedError: The
 * put_backup_policy action has not been implemented`): moto's own words for a request it failed,
 * which reach the client only as an HTTP 500 with an HTML page.
 */
export function motoExceptions(server: MotoServer): string[] {
  return readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Za-z_.]+(Error|Exception): /.test(l));
}
