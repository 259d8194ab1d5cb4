/**
 * o11y-stack as a consumer gets it: `npm pack`, installed into a project outside the repository
 * with its peer dependencies at the versions this repository pins (from the npm cache where it
 * has them), used only through `import … from 'o11y-stack'` and the `o11y` bin.
 * It also scaffolds a repository with the packed bin (`o11y init`), installs and synthesizes it.
 * `npm run test:package`; CI runs it after `npm test`. About a minute and a half, most of it npm and tsc.
 * O11Y_KEEP_PACKAGE_TEST=1 keeps the consumer project (its path is printed).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeholderProblems, replacePlaceholders } from '../support/scaffold';
import { unexportedTypes } from './public-api';

const REPO = join(__dirname, '..', '..');
const FIXTURE = join(REPO, 'test', 'fixtures', 'consumer');
const repoPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};
/** The repository's exact pin of a package it also declares as a peer or uses to build. */
const pinned = (name: string): string => `${name}@${repoPackage.devDependencies[name]}`;
const REQUIRED_PEERS = Object.keys(repoPackage.peerDependencies).filter((p) => !repoPackage.peerDependenciesMeta[p]?.optional);

// the child npm must not take this run's package (npm_package_*, npm_lifecycle_*) for its own
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$)/i.test(k)));
ENV.CHECKPOINT_DISABLE = '1';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Result {
  const r = spawnSync(command, args, { cwd, env: ENV, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and expects exit 0; on failure the message holds the output. */
function ok(command: string, args: readonly string[], cwd: string, timeoutMs?: number): Result {
  const r = run(command, args, cwd, timeoutMs);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

const npmInstall = (cwd: string, specs: readonly string[]): Result =>
  ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-update-notifier', ...specs], cwd, 150_000);

let work: string;
let consumer: string;
let installed: string;
let packedFiles: string[];
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'o11y-package-'));
  consumer = join(work, 'consumer');
  installed = join(consumer, 'node_modules', 'o11y-stack');
  // prepack builds dist/ from the working tree
  const [pack] = JSON.parse(ok('npm', ['pack', '--json', '--pack-destination', work], REPO, 150_000).stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = pack.files.map((f) => f.path);
  tarball = join(work, pack.filename);
  cpSync(FIXTURE, consumer, { recursive: true });
  // typescript and @types/node are the consumer's own; @swc/core comes later (see the last test)
  npmInstall(consumer, [join(work, pack.filename), ...REQUIRED_PEERS.map(pinned), pinned('typescript'), pinned('@types/node')]);
}, 300_000);

afterAll(() => {
  if (!work) return;
  if (process.env.O11Y_KEEP_PACKAGE_TEST) process.stdout.write(`package test project kept in ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
});

/** The README's commands for a repository of one's own: the sh block after "For a repository of your own". */
function readmeInitBlock(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const from = readme.indexOf('For a repository of your own');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from < 0 || !block) throw new Error('README.md has no sh block after "For a repository of your own"');
  return block[1];
}

describe("the README's own commands", () => {
  it('scaffold a repository with the checkout\'s bin, install the packed tarball into it and reach synth, run as written', () => {
    // a fresh directory holding the checkout (a link to this one): the block starts in the checkout and works beside it
    const fresh = join(work, 'fresh');
    mkdirSync(fresh);
    symlinkSync(REPO, join(fresh, 'o11y-stack'));
    const packed = join(REPO, `o11y-stack-${repoPackage.version}.tgz`);
    try {
      const checkout = join(fresh, 'o11y-stack');
      // PWD as a shell there has it: bash would otherwise keep this process's PWD (the same directory, by its real path)
      const spawned = spawnSync('bash', ['-e', '-c', readmeInitBlock()], { cwd: checkout, env: { ...ENV, PWD: checkout }, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 2 ** 20 });
      const r = { status: spawned.status, stderr: spawned.stderr };
      // every line ran; the last one, npm run synth, refuses the placeholders as the README says
      expect([r.status, r.stderr]).toEqual([1, expect.stringContaining(placeholderProblems('prod'))]);
      expect(JSON.parse(readFileSync(join(fresh, 'my-o11y', 'package.json'), 'utf8')).dependencies['o11y-stack']).toMatch(new RegExp(`^file:.*o11y-stack-${repoPackage.version}\\.tgz$`));
      expect(existsSync(join(fresh, 'my-o11y', 'node_modules', 'o11y-stack', 'dist', 'src', 'cli.js'))).toBe(true);
      expect(existsSync(join(fresh, 'my-o11y', 'cdktf.out', 'stacks', 'local'))).toBe(false);
    } finally {
      rmSync(packed, { force: true });
    }
  }, 900_000);
});

describe('the packed o11y-stack', () => {
  it("ships the compiled library, its declarations, the bin, the spec's JSON Schema and the docs the README links, and no TypeScript sources, tests or example stacks", () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/o11y.js', 'bin/register.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli.js', 'schema/o11y.schema.json', 'docs/spec.md', 'docs/spec-reference.md', 'docs/library.md']),
    );
    expect(packedFiles.filter((f) => !/^(package\.json|README\.md|bin\/[^/]+\.js|dist\/(src|dashboards)\/.+\.(js|d\.ts)|schema\/o11y\.schema\.json|docs\/[a-z0-9-]+\.md)$/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
    const exportTargets = Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    for (const file of [pkg.main, pkg.types, ...exportTargets] as string[]) expect(existsSync(join(installed, file))).toBe(true);
  });

  it("resolves cdktf, constructs and the providers to the consumer's own copies, and installs neither @swc/core nor typescript for itself", () => {
    // a second constructs would make the package's constructs strangers to the consumer's tree
    const nested = join(installed, 'node_modules');
    const ownCopies = existsSync(nested) ? readdirSync(nested).flatMap((d) => (d.startsWith('@') ? readdirSync(join(nested, d)).map((n) => `${d}/${n}`) : [d])) : [];
    expect(ownCopies.filter((d) => REQUIRED_PEERS.includes(d) || d === '@swc/core' || d === 'typescript')).toEqual([]);
    for (const peer of REQUIRED_PEERS) expect(existsSync(join(consumer, 'node_modules', peer, 'package.json'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules', '@swc', 'core'))).toBe(false);
  });

  it('exports every type its public declarations name', () => {
    // runCli(argv, io): cli.ts keeps its Io interface to itself; the root names it CliIo
    expect(unexportedTypes(join(installed, 'dist', 'src', 'index.d.ts'), installed).filter((t) => !t.startsWith('Io ('))).toEqual([]);
  });

  it('refuses deep imports: only the root, ./register, ./schema.json and ./package.json are exported', () => {
    const r = run(process.execPath, ['-e', "require('o11y-stack/dist/src/render/tempo')"], consumer);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(ok(process.execPath, ['-p', "require('o11y-stack/package.json').version"], consumer).stdout.trim()).toBe(repoPackage.version);
    expect(ok(process.execPath, ['-p', "require('o11y-stack/schema.json').$schema"], consumer).stdout.trim()).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('type-checks a consumer under strict settings, with the cdktf template and with Node16 resolution', () => {
    ok(process.execPath, [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node16.json', '--strict', '--noEmit'], consumer);
    ok(process.execPath, [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--strict'], consumer); // emits build/
  });

  it("synthesizes the consumer's compiled app: the package's stacks beside its own, one construct tree", () => {
    ok(process.execPath, ['build/main.js'], consumer);
    expect(readdirSync(join(consumer, 'cdktf.out', 'stacks')).sort()).toEqual(['local', 'local-jaeger', 'prod', 'team-extras']);
    for (const file of ['cdk.tf.json', 'config/o11y-stack.json', 'config/tempo.yaml', 'config/otel/checkout.env']) expect(existsSync(join(consumer, 'cdktf.out', 'stacks', 'local', file))).toBe(true);
    expect(readFileSync(join(consumer, 'checkout.env'), 'utf8')).toContain('OTEL_SERVICE_NAME=checkout');
    expect(readFileSync(join(consumer, 'compose.yml'), 'utf8')).toMatch(/^name: acme-local$/m);
  });

  it('runs the o11y bin from the compiled code, without @swc/core or TypeScript hooks', () => {
    expect(ok('npx', ['--no', '--', 'o11y', '--version'], consumer).stdout.trim()).toBe(repoPackage.version);
    const o11y = join(consumer, 'node_modules', '.bin', 'o11y');
    expect(ok(o11y, ['help'], consumer).stdout).toContain('o11y validate');
    expect(ok(o11y, ['validate', 'stacks/o11y.yaml', '--stacks', 'build/stacks/stacks.js'], consumer).stdout).toBe('stacks/o11y.yaml: valid (2 services; environments: local, prod)\n');
    expect(ok(o11y, ['env', 'search', '--stack', 'local', '--stacks', 'build/stacks/stacks.js'], consumer).stdout).toContain('OTEL_SERVICE_NAME=search');
    // the default stacks file is TypeScript: without @swc/core (or a Node that strips types) it
    // says what to install, in one line and exit 1 (validate's code for a problem), as synth does
    if (!(process.features as { typescript?: unknown }).typescript) {
      const install = `is TypeScript and @swc/core is not installed to load it: npm install --save-dev @swc/core@${repoPackage.peerDependencies['@swc/core']}`;
      expect(run(o11y, ['validate'], consumer)).toEqual({ status: 1, stdout: '', stderr: `o11y: stacks/stacks.ts ${install}, or compile it and pass the .js file (--stacks <file>.js)\n` });
      expect(run(process.execPath, ['-r', 'o11y-stack/register', 'main.ts'], consumer)).toEqual({ status: 1, stdout: '', stderr: `o11y: main.ts ${install}, or compile your app (tsc) and run the .js file\n` });
    }
  });

  it('loads a TypeScript stacks file once the consumer installs @swc/core, its optional peer', () => {
    npmInstall(consumer, ['--save-dev', pinned('@swc/core')]);
    const o11y = join(consumer, 'node_modules', '.bin', 'o11y');
    expect(ok(o11y, ['validate'], consumer).stdout).toBe('stacks/o11y.yaml: valid (2 services; environments: local, prod)\n');
    expect(ok(o11y, ['compose', '--stack', 'local-jaeger'], consumer).stdout).toMatch(/^name: acme-local-jaeger$/m);
  });

  it('scaffolds a repository with its bin (o11y init) whose synth names every placeholder, and synthesizes local and prod once they are replaced', () => {
    // outside the consumer, so nothing resolves from the consumer's node_modules
    const o11y = join(consumer, 'node_modules', '.bin', 'o11y');
    expect(ok(o11y, ['init', 'scaffold', '--service', 'checkout'], work).stdout).toMatch(/^o11y init: wrote 8 files into scaffold:\n/);
    const scaffold = join(work, 'scaffold');
    // o11y-stack is not on the registry: the scaffold installs this tarball, the rest from npm's cache (the consumer filled it)
    const pkg = JSON.parse(readFileSync(join(scaffold, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['o11y-stack']).toBe(repoPackage.version);
    pkg.dependencies['o11y-stack'] = `file:${tarball}`;
    writeFileSync(join(scaffold, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    ok('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-update-notifier'], scaffold, 150_000);

    const refused = run('npm', ['run', '--silent', 'synth'], scaffold);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`o11y: ${placeholderProblems('prod')}\n`);
    // nothing synthesized, not even the local stack
    expect(existsSync(join(scaffold, 'cdktf.out', 'manifest.json'))).toBe(false);
    expect(existsSync(join(scaffold, 'cdktf.out', 'stacks', 'local'))).toBe(false);

    const stacksFile = join(scaffold, 'stacks', 'stacks.ts');
    writeFileSync(stacksFile, replacePlaceholders(readFileSync(stacksFile, 'utf8')));
    const synth = ok('npm', ['run', '--silent', 'synth'], scaffold);
    expect(synth.stderr).toBe('');
    expect(readdirSync(join(scaffold, 'cdktf.out', 'stacks')).sort()).toEqual(['local', 'prod']);
    for (const file of ['cdk.tf.json', 'config/tempo.yaml', 'config/otel/checkout.env']) expect(existsSync(join(scaffold, 'cdktf.out', 'stacks', 'prod', file))).toBe(true);
    // validate says the same, without a warning; the scaffold type-checks against the shipped declarations
    expect(ok('npm', ['run', '--silent', 'validate'], scaffold)).toMatchObject({ stdout: 'stacks/o11y.yaml: valid (1 service; environments: local, prod)\n', stderr: '' });
    ok('npm', ['run', '--silent', 'typecheck'], scaffold);
  });
});
