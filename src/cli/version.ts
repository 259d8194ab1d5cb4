import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'o11y-stack';

/**
 * The version in o11y-stack's package.json, read at run time: the file is found by walking up
 * from this module, so the same code answers from src/cli/ (run through bin/register.js) and
 * from a compiled dist/src/cli/, where a fixed relative path would point elsewhere.
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} in ${from} or above`);
  }
}
