/**
 * Which Node.js the package supports, said once (package.json `engines`) and held true: every
 * package a consumer installs with it (its dependencies and peers, and theirs) accepts every
 * Node in that range, the README says the same floor, and the Node that runs this suite is in
 * it. The dev dependencies that ask for more are the ones the README names as harmless.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies, subset } from 'semver';
import { packageJsonTemplate } from '../../src/init/package-json-template';
import { pinnedVersions } from '../../src/init/pinned-versions';

const REPO = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
interface LockEntry {
  readonly dev?: boolean;
  readonly engines?: { node?: string } | string[];
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const nodeRange = (e: LockEntry): string | undefined => (e.engines && !Array.isArray(e.engines) ? e.engines.node : undefined);

/** What a consumer installs with the package: its dependencies and peers, and everything they need (hoisted copies). */
function consumerClosure(): Map<string, LockEntry> {
  const seen = new Map<string, LockEntry>();
  const todo = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
  while (todo.length) {
    const name = todo.pop()!;
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry || seen.has(name)) continue;
    seen.set(name, entry);
    todo.push(...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }));
  }
  return seen;
}

describe('the Node.js versions the package supports', () => {
  it('are accepted by every package a consumer installs with it', () => {
    const refusing = [...consumerClosure()].filter(([, e]) => nodeRange(e) && !subset(pkg.engines.node, nodeRange(e)!)).map(([name, e]) => `${name} (node ${nodeRange(e)})`);
    expect(refusing).toEqual([]);
  });

  it('include the Node that runs this suite', () => {
    expect(satisfies(process.version, pkg.engines.node)).toBe(true);
  });

  it('are what the README and a scaffolded repository say', () => {
    const floor = pkg.engines.node.replace(/^>=\s*/, '');
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(`Node.js ${floor} or later`);
    expect(JSON.parse(packageJsonTemplate({ name: 'shop', service: 'checkout', environment: 'prod' }, pinnedVersions())).engines).toEqual(pkg.engines);
  });

  it('leave out only the dev dependencies the README names (OpenTelemetry JS SDK, @grafana/lezer-logql): npm install warns of them on Node 20', () => {
    // npm checks each package's engines against the Node it runs on (EBADENGINE)
    const refusing = Object.entries(lock.packages)
      .filter(([path, e]) => path.startsWith('node_modules/') && nodeRange(e) && !satisfies(process.version, nodeRange(e)!))
      .map(([path, e]) => ({ name: path.replace(/^.*node_modules\//, ''), dev: e.dev === true }));
    expect(refusing.filter((p) => !p.dev || !/^@opentelemetry\/|^@grafana\/lezer-logql$/.test(p.name))).toEqual([]);
    if (process.version.startsWith('v20.')) expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(`${refusing.length} EBADENGINE warnings`);
  });
});
