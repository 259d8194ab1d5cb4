/**
 * Where the live tests keep what they build: outside the repo, keyed by version, never
 * committed. `O11Y_CACHE` overrides the place (CI may point it at a persistent volume).
 */
import { spawn, SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_DIR = process.env.O11Y_CACHE ?? join(homedir(), '.cache', 'o11y-stack');

export function cachePath(...parts: string[]): string {
  return join(CACHE_DIR, ...parts);
}

/** A short, stable digest of what a cached build depends on (its inputs, not its version only). */
export function digest(...inputs: string[]): string {
  const h = createHash('sha256');
  for (const i of inputs) h.update(i).update('\0');
  return h.digest('hex').slice(0, 12);
}

/**
 * Runs a command to completion, its output appended to `logFile`; rejects with the log's tail
 * when it fails, so a broken build names its cause.
 */
export function run(cmd: string, args: readonly string[], opts: SpawnOptions & { logFile: string }): Promise<void> {
  mkdirSync(join(opts.logFile, '..'), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  log.write(`$ ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer) => {
      log.write(b);
      tail = (tail + b.toString()).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      log.end();
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}); log: ${opts.logFile}\n${tail}`));
    });
  });
}
