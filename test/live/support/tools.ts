/**
 * Small Go programs of ours that put a maintained upstream library to work as a checker (built
 * from test/live/tools/*, cached by their sources): compose-check loads compose files with the
 * Compose project's own loader (compose-go), schema validation included.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { cachePath, digest, run } from './cache';

const TOOLS_DIR = join(__dirname, '..', 'tools');

function toolDir(name: string): string {
  const src = ['go.mod', 'go.sum', 'main.go'].map((f) => readFileSync(join(TOOLS_DIR, name, f), 'utf8'));
  return cachePath('tools', `${name}-${digest(...src)}`);
}

export async function buildTools(): Promise<void> {
  for (const name of ['compose-check']) {
    const dir = toolDir(name);
    if (existsSync(join(dir, name))) continue;
    mkdirSync(dir, { recursive: true });
    await run('go', ['build', '-trimpath', '-o', join(dir, `${name}.partial`), '.'], { cwd: join(TOOLS_DIR, name), env: { ...process.env, CGO_ENABLED: '0' }, logFile: join(dir, 'build.log') });
    renameSync(join(dir, `${name}.partial`), join(dir, name));
  }
}

export function composeCheck(): string {
  const bin = join(toolDir('compose-check'), 'compose-check');
  if (!existsSync(bin)) throw new Error('compose-check is not built: run `npm run build:live` first');
  return bin;
}
