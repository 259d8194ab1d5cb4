import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'o11y-stack';

/** The fields of o11y-stack's own package.json that the CLI reads. */
export interface OwnPackageJson {
  readonly name: string;
  readonly version: string;
  readonly engines?: { readonly node?: string };
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/**
 * o11y-stack's package.json, read at run time: the file is found by walking up from this
 * module, so the same code answers from src/cli/ (run through bin/register.js) and from a
 * compiled dist/src/cli/, where a fixed relative path would point elsewhere. npm keeps the
 * whole file in the installed package, devDependencies (the versions this package pins and
 * tests) included.
 */
export function ownPackageJson(from: string = __dirname): OwnPackageJson {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg as OwnPackageJson;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} in ${from} or above`);
  }
}

/** The version in o11y-stack's package.json. */
export function packageVersion(from: string = __dirname): string {
  return ownPackageJson(from).version;
}
