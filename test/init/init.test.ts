import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parse } from 'yaml';
import { throwIfAppProblems } from '../../src/app';
import { runSync } from '../../src/cli';
import * as o11y from '../../src/index';
import { COMPONENT_NAMES } from '../../src/components/component';
import { SCAFFOLD_DEPENDENCIES, SCAFFOLD_DEV_DEPENDENCIES } from '../../src/init/pinned-versions';
import { nameFromDirectory } from '../../src/init/scaffold-options';
import { O11yValidationError } from '../../src/spec/issues';
import { parseSpec } from '../../src/spec/load';
import type { ObservabilitySpec } from '../../src/spec/types';
import { collectStackIssues } from '../../src/targets/collect-issues';
import { placeholderProblems, replacePlaceholders } from '../support/scaffold';
import { listFiles, makeTempDir, removeTempDirs, REPO_ROOT } from '../support/synth';

afterAll(removeTempDirs);

const repoPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};

const FILES = ['.github/workflows/o11y-review.yml', '.gitignore', 'cdktf.json', 'package.json', 'stacks/main.ts', 'stacks/o11y.yaml', 'stacks/stacks.ts', 'tsconfig.json'];

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runSync(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

let loads = 0;

/**
 * The scaffold's stacks.ts, run in this process against the sources: its `o11y-stack` is
 * src/index.ts, the one this test uses. Jest keeps a file's first content for the whole run, so
 * each load is of a copy under a name of its own.
 */
function defineScaffold(dir: string): (app: App, spec: ObservabilitySpec) => void {
  jest.doMock('o11y-stack', () => o11y, { virtual: true });
  const copy = join(dir, 'stacks', `stacks-load-${++loads}.ts`);
  writeFileSync(copy, read(dir, 'stacks/stacks.ts'));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(copy) as { defineStacks: (app: App, spec: ObservabilitySpec) => void }).defineStacks;
  } finally {
    rmSync(copy);
  }
}

/** Synthesizes the scaffold as its main.ts does: the problems as synth prints them, or the stacks it wrote. */
function synthScaffold(dir: string): { problems?: string; stacks?: string[] } {
  const defineStacks = defineScaffold(dir);
  const outdir = join(dir, 'cdktf.out');
  const app = new App({ outdir });
  const failed = collectStackIssues(app);
  try {
    defineStacks(app, parseSpec(read(dir, 'stacks/o11y.yaml'), 'stacks/o11y.yaml'));
    throwIfAppProblems(app, failed);
  } catch (e) {
    if (e instanceof O11yValidationError) return { problems: e.message };
    throw e;
  }
  app.synth();
  return { stacks: readdirSync(join(outdir, 'stacks')).sort() };
}

describe('o11y init', () => {
  it('scaffolds a new directory: spec, stacks, main, package.json, cdktf.json, tsconfig, .gitignore and the review workflow', () => {
    const dir = join(makeTempDir('init'), 'acme-infra');
    const r = cli('init', dir, '--service', 'checkout', '--env', 'qa-eu');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(listFiles(dir)).toEqual(FILES);

    const spec = parseSpec(read(dir, 'stacks/o11y.yaml'));
    expect(spec.name).toBe('acme-infra');
    expect(spec.services.map((s) => s.name)).toEqual(['checkout']);
    expect(Object.keys(spec.environments ?? {})).toEqual(['local', 'qa-eu']);

    const stacks = read(dir, 'stacks/stacks.ts');
    expect(stacks).toContain("import { awsEnvironments, DockerObservabilityStack, type AwsEnvironmentInputs, type ObservabilitySpec } from 'o11y-stack';");
    expect(stacks).toContain("new DockerObservabilityStack(app, 'local', { spec, traceBackend: 'tempo' });");
    expect(stacks).toContain("  'qa-eu': {\n    region: 'REPLACE-ME',");
    expect(read(dir, 'stacks/main.ts')).toContain("synthApp((app) => defineStacks(app, loadSpec(join(__dirname, 'o11y.yaml'))));");
  });

  it('pins o11y-stack at this version and its peers at the versions this repository pins, with the scripts the workflow runs', () => {
    const dir = join(makeTempDir('init'), 'acme');
    expect(cli('init', dir).code).toBe(0);
    const pkg = JSON.parse(read(dir, 'package.json')) as { name: string; private: boolean; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.name).toBe('acme-o11y');
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies).toEqual({
      'o11y-stack': repoPackage.version,
      ...Object.fromEntries(SCAFFOLD_DEPENDENCIES.map((d) => [d, repoPackage.devDependencies[d]])),
    });
    expect(pkg.devDependencies).toEqual(Object.fromEntries(SCAFFOLD_DEV_DEPENDENCIES.map((d) => [d, repoPackage.devDependencies[d]])));
    for (const v of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts).toEqual({ synth: 'node -r o11y-stack/register stacks/main.ts', validate: 'o11y validate', typecheck: 'tsc --noEmit -p .', o11y: 'o11y' });
    expect((JSON.parse(read(dir, 'cdktf.json')) as { app: string }).app).toBe(pkg.scripts.synth);
    expect(read(dir, '.gitignore').split('\n')).toEqual(expect.arrayContaining(['node_modules/', 'cdktf.out/', 'terraform.*.tfstate*']));
  });

  it('writes the review workflow this repository runs and documents, byte for byte, whose steps call scripts the scaffold has', () => {
    const dir = join(makeTempDir('init'), 'acme');
    expect(cli('init', dir).code).toBe(0);
    const workflow = read(dir, '.github/workflows/o11y-review.yml');
    expect(workflow).toBe(readFileSync(join(REPO_ROOT, '.github', 'workflows', 'o11y-review.yml'), 'utf8'));
    const scripts = (JSON.parse(read(dir, 'package.json')) as { scripts: Record<string, string> }).scripts;
    const steps = (parse(workflow) as { jobs: Record<string, { steps: { run?: string }[] }> }).jobs.review.steps;
    const called = steps.flatMap((s) => [...(s.run ?? '').matchAll(/npm run (?:--silent )?(\S+)/g)].map((m) => m[1]));
    expect([...new Set(called)].sort()).toEqual(['o11y', 'synth']);
    for (const script of called) expect(scripts[script]).toBeDefined();
  });

  it('prints what it wrote and the commands to run next', () => {
    const parent = makeTempDir('init');
    const dir = join(parent, 'acme');
    const r = cli('init', dir, '--service', 'checkout');
    expect(r.out).toMatch(new RegExp(`^o11y init: wrote 8 files into .*acme:\\n  package\\.json\\n`));
    const next = r.out.slice(r.out.indexOf('\nNext:\n'));
    for (const command of ['cd ', 'npm install', 'npm run synth', 'npx --no o11y env checkout --stack local', 'npx --no o11y compose --stack local', 'git init', `npx cdktf-cli@${repoPackage.devDependencies['cdktf-cli']} deploy prod`]) {
      expect(next).toContain(`\n  ${command}`);
    }
    expect(next).toContain('naming every REPLACE-ME in stacks/stacks.ts');
  });

  it("names the spec after the directory, made a valid name, unless --name says otherwise", () => {
    expect(nameFromDirectory('/srv/My Infra')).toBe('my-infra');
    expect(nameFromDirectory('/srv/2026_o11y')).toBe('o11y');
    expect(nameFromDirectory('/srv/a-very-long-organisation-name-indeed')).toBe('a-very-long-organisation');
    expect(nameFromDirectory('/srv/1234')).toBe('my-org');
    const dir = join(makeTempDir('init'), 'Whatever');
    expect(cli('init', dir, '--name', 'shop').code).toBe(0);
    expect(parseSpec(read(dir, 'stacks/o11y.yaml')).name).toBe('shop');
  });

  it('scaffolds into an empty directory, and one that holds only .git', () => {
    const dir = makeTempDir('init');
    mkdirSync(join(dir, '.git'));
    expect(cli('init', dir, '--name', 'acme').code).toBe(0);
    expect(existsSync(join(dir, 'stacks', 'stacks.ts'))).toBe(true);
  });
});

describe('o11y init refuses, and then writes nothing', () => {
  it('a non-empty directory, naming what is there', () => {
    const dir = makeTempDir('init');
    writeFileSync(join(dir, 'README.md'), '# mine\n');
    mkdirSync(join(dir, 'src'));
    expect(cli('init', dir)).toEqual({
      code: 1,
      out: '',
      err: `o11y init: 1 problem\n  - ${dir}: is not empty (README.md, src): o11y init writes into an empty or new directory; --force writes its files over those of the same names and leaves the rest\n`,
    });
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'src']);
  });

  it('with --force, writes over the files of the same names and leaves the others', () => {
    const dir = makeTempDir('init');
    writeFileSync(join(dir, 'README.md'), '# mine\n');
    writeFileSync(join(dir, 'package.json'), '{}\n');
    const r = cli('init', dir, '--force', '--name', 'acme');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(overwrote package.json)');
    expect(read(dir, 'README.md')).toBe('# mine\n');
    expect(JSON.parse(read(dir, 'package.json'))).toMatchObject({ name: 'acme-o11y' });
  });

  it('a directory that is a symbolic link, and, with --force, any link where it would write', () => {
    const outside = makeTempDir('init-outside');
    const parent = makeTempDir('init');
    symlinkSync(outside, join(parent, 'link'));
    expect(cli('init', join(parent, 'link'))).toEqual({
      code: 1,
      out: '',
      err: `o11y init: 1 problem\n  - ${join(parent, 'link')}: is a symbolic link: o11y init never writes through one; give the directory it points to\n`,
    });

    const dir = makeTempDir('init');
    writeFileSync(join(dir, 'README.md'), '');
    symlinkSync(outside, join(dir, 'stacks'));
    symlinkSync(join(outside, 'elsewhere.json'), join(dir, 'package.json'));
    const r = cli('init', dir, '--force', '--name', 'acme');
    expect(r).toEqual({
      code: 1,
      out: '',
      err:
        'o11y init: 2 problems\n' +
        `  - ${dir}/package.json: is a symbolic link: o11y init never writes through one; remove it or choose another directory\n` +
        `  - ${dir}/stacks: is a symbolic link: o11y init never writes through one; remove it or choose another directory\n`,
    });
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'package.json', 'stacks']);
  });

  it('names that are not valid, each under its option', () => {
    const dir = join(makeTempDir('init'), 'x');
    expect(cli('init', dir, '--name', 'Acme', '--service', 'tempo', '--env', 'local')).toEqual({
      code: 1,
      out: '',
      err:
        'o11y init: 3 problems\n' +
        "  - --name: must match [a-z][a-z0-9-]* (a lowercase letter, then lowercase letters, digits or '-') (got \"Acme\")\n" +
        `  - --service: is the name of a stack component (${COMPONENT_NAMES.join(', ')}): its scrape job would clash with the component's; choose another (got "tempo")\n` +
        '  - --env: names the Docker stack every scaffold has (local); choose the AWS environment\'s name, e.g. prod (got "local")\n',
    });
    expect(existsSync(dir)).toBe(false);
  });

  it('names whose resource names S3 would refuse', () => {
    const dir = join(makeTempDir('init'), 'x');
    const r = cli('init', dir, '--name', 'a-twenty-four-char-name', '--env', 'a-thirty-two-character-env-name');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'o11y init: 1 problem\n' +
        '  - --env: with --name a-twenty-four-char-name, the bucket a-twenty-four-char-name-a-thirty-two-character-env-name-tempo-traces must be 3 to 63 characters long: choose shorter names (got "a-thirty-two-character-env-name")\n',
    );
    expect(existsSync(dir)).toBe(false);
  });
});

describe("the scaffold's stacks", () => {
  it('refuse to synthesize while the AWS inputs are placeholders, naming each; synthesize local and the environment once they are replaced', () => {
    const dir = join(makeTempDir('init'), 'acme');
    expect(cli('init', dir, '--env', 'qa').code).toBe(0);
    expect(synthScaffold(dir)).toEqual({ problems: placeholderProblems('qa') });

    writeFileSync(join(dir, 'stacks', 'stacks.ts'), replacePlaceholders(read(dir, 'stacks/stacks.ts')));
    expect(synthScaffold(dir)).toEqual({ stacks: ['local', 'qa'] });
  });

  it('refuse a placeholder in an input that has no format of its own (a commented line, uncommented as written)', () => {
    const dir = join(makeTempDir('init'), 'acme');
    expect(cli('init', dir).code).toBe(0);
    const stacks = replacePlaceholders(read(dir, 'stacks/stacks.ts')).replace("// grafanaDomainName: 'grafana.REPLACE-ME'", "grafanaDomainName: 'grafana.REPLACE-ME'");
    writeFileSync(join(dir, 'stacks', 'stacks.ts'), stacks);
    expect(synthScaffold(dir)).toEqual({
      problems: "stack 'prod': 1 problem\n  - grafanaDomainName: is a placeholder (REPLACE-ME) written by o11y init: replace it with your value (got \"grafana.REPLACE-ME\")",
    });
  });
});
