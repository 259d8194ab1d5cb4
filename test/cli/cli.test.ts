import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { runSync } from '../../src/cli';
import { COMMANDS } from '../../src/cli/commands';

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runSync(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function tempSpec(text: string, name = 'spec.yaml'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'o11y-cli-test-')), name);
  writeFileSync(file, text);
  return file;
}

describe('o11y validate', () => {
  it('accepts the example spec and exits 0', () => {
    const r = cli('validate', 'stacks/o11y.yaml');
    expect(r).toEqual({ code: 0, out: 'stacks/o11y.yaml: valid (4 services; environments: local, local-jaeger, staging, prod, prod-peak)\n', err: '' });
  });

  it('lists every problem, exits 1 and prints no stack trace', () => {
    const file = tempSpec('name: x\nservcies: []\nservices:\n  - name: A\n    sampling: {ratio: 1.5}\n');
    const r = cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `${file}: 3 problems\n` +
        "  - servcies: unknown key, did you mean 'services'? (got [])\n" +
        "  - services[0].name: must match [a-z][a-z0-9-]* (a lowercase letter, then lowercase letters, digits or '-') (got \"A\")\n" +
        '  - services[0].sampling.ratio: must be between 0 and 1 (got 1.5)\n',
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('checks environment overrides once they are merged (retention minimum)', () => {
    const file = tempSpec('name: x\nservices: [{name: a}]\nenvironments:\n  prod:\n    tracing: {retention: 1h}\n');
    const r = cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain("stack 'prod': 1 problem\n  - environments.prod.tracing.retention: must be at least 2h: Tempo compacts in 1h windows and keeps compacted blocks 1h (got \"1h\")\n");
  });

  it('answers a stacks module that is not there with what to give, in one line and exit 1', () => {
    expect(cli('validate', '--stacks', 'stacks/nope.ts')).toEqual({
      code: 1,
      out: '',
      err: 'o11y: cannot find the stacks module stacks/nope.ts: give --stacks <module> exporting defineStacks(app, spec); the default is stacks/stacks.ts, from the project folder\n',
    });
  });

  it('refuses an environment that names no stack of the app, naming the stacks', () => {
    const file = tempSpec('name: x\nservices: [{name: a}]\nenvironments:\n  prdo:\n    tracing: {retention: 30d}\n');
    const r = cli('validate', file);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: `spec: 1 problem\n  - environments.prdo: names no stack of this app, did you mean 'prod'? (stack environments: local, local-jaeger, staging, prod, prod-peak)\n`,
    });
  });

  it("names a misspelt environment first, with the stack it was meant for, and leaves out that stack's knock-on problems", () => {
    // without its block, staging pages oncall (PagerDuty), whose secret the example's staging inputs do not have
    const file = tempSpec(readFileSync('stacks/o11y.yaml', 'utf8').replace(/^  staging:/m, '  stagin:'));
    const r = cli('validate', file);
    expect(r).toEqual({
      code: 1,
      out: '',
      err:
        'spec: 1 problem\n' +
        "  - environments.stagin: names no stack of this app, did you mean 'staging'? (stack environments: local, local-jaeger, staging, prod, prod-peak); stack 'staging' ran without this block, its problems are listed once the name is fixed\n",
    });
  });

  it('reports YAML syntax errors with the file and line', () => {
    const file = tempSpec('name: x\nservices: [\n');
    const r = cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1 problem\\n  - line \\d+, column \\d+: not valid YAML: `));
  });

  it('reports a missing file as a problem, not a crash', () => {
    const r = cli('validate', '/nonexistent/o11y.yaml');
    expect(r).toEqual({ code: 1, out: '', err: '/nonexistent/o11y.yaml: 1 problem\n  - (spec): no such file (ENOENT): give the path of your spec; the default is stacks/o11y.yaml, from the project folder\n' });
  });
});

describe('o11y env', () => {
  it('prints a service environment as dotenv by default, pointing at the local stack', () => {
    const r = cli('env', 'checkout', '--stack', 'local');
    expect(r.code).toBe(0);
    expect(r.out).toContain('OTEL_SERVICE_NAME=checkout\nOTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc\n');
  });

  it('prints JSON that parses, with the environment override applied in prod (head ratio 1 behind the tail-sampling collector)', () => {
    const r = cli('env', 'payments-gateway', '--stack', 'prod', '--format', 'json');
    const env = JSON.parse(r.out) as Record<string, string>;
    expect(env.OTEL_TRACES_SAMPLER_ARG).toBe('1');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.shop-prod.o11y.internal:4318');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toMatch(/^deployment\.environment\.name=prod,/);
  });

  it('prints shell exports that a real shell evaluates to the same values', () => {
    const r = cli('env', 'cart', '--stack', 'local-jaeger', '--format', 'shell');
    const sh = spawnSync('sh', ['-c', 'eval "$(cat)"; printf %s "$OTEL_EXPORTER_OTLP_ENDPOINT|$OTEL_SERVICE_NAME"'], { input: r.out, encoding: 'utf8' });
    expect(sh.stdout).toBe('http://localhost:4318|cart');
  });

  it.each([
    [['env', 'nope', '--stack', 'local'], "o11y: no service 'nope' (services: checkout, cart, catalog, payments-gateway)\n"],
    [['env', 'cart', '--stack', 'qa'], "o11y: no stack 'qa' (stacks: local, local-jaeger, staging, prod, prod-peak)\n"],
    [['env', 'cart'], "o11y: --stack is required (stacks: local, local-jaeger, staging, prod, prod-peak)\n"],
    [['env', 'cart', '--stack', 'local', '--format', 'xml'], 'o11y: --format must be one of dotenv, json, shell (got "xml")\n'],
    [['env', 'cart', '--stak', 'local'], 'o11y: unknown option --stak (known: --stack, --format, --spec, --stacks, --help)\n'],
  ])('rejects %j with a one-line message and exit 1', (argv, message) => {
    expect(cli(...argv)).toEqual({ code: 1, out: '', err: message });
  });
});

describe('o11y compose', () => {
  it('exports the local stack with every config inlined and ports on 127.0.0.1 only', () => {
    const r = cli('compose', '--stack', 'local');
    expect(r.code).toBe(0);
    const doc = parse(r.out) as { services: Record<string, { ports?: string[]; image: string; configs?: { source: string }[] }>; configs: Record<string, { content: string }> };
    expect(Object.keys(doc.services).sort()).toEqual(['alertmanager', 'grafana', 'health-probe-install', 'loki', 'otel-collector', 'otel-collector-volume-owner', 'prometheus', 'tempo']);
    for (const s of Object.values(doc.services)) {
      for (const p of s.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      expect(s.image).not.toMatch(/:latest$/);
      for (const c of s.configs ?? []) expect(doc.configs[c.source]).toBeDefined();
    }
    // Compose interpolates `$`: Grafana's `$$__tags` (itself escaped for Grafana) is doubled again
    expect(doc.configs['grafana-grafana-datasources-yaml'].content).toContain('$$$$__tags');
    expect(r.out).toContain('GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD');
  });

  it('exports the Jaeger stack without Tempo', () => {
    const doc = parse(cli('compose', '--stack', 'local-jaeger').out) as { services: Record<string, unknown> };
    expect(Object.keys(doc.services).sort()).toEqual(['alertmanager', 'grafana', 'health-probe-install', 'jaeger', 'loki', 'otel-collector', 'otel-collector-volume-owner', 'prometheus']);
  });

  it('refuses an AWS stack', () => {
    expect(cli('compose', '--stack', 'prod')).toEqual({ code: 1, out: '', err: "o11y: stack 'prod' runs on aws; compose exports local (Docker) stacks only\n" });
  });
});

describe('o11y --version', () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };

  it.each([['--version'], ['-V']])('%s prints the version in package.json and exits 0', (flag) => {
    expect(cli(flag)).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});

describe('o11y help', () => {
  it('prints the overview naming every command for no arguments, help, --help and -h', () => {
    const overview = cli().out;
    for (const name of ['validate', 'env', 'compose', 'review', 'init', 'help']) expect(overview).toContain(`\n  o11y ${name} `);
    expect(overview).toContain('\n  o11y --version\n');
    for (const argv of [['help'], ['--help'], ['-h']]) expect(cli(...argv)).toEqual({ code: 0, out: overview, err: '' });
  });

  it.each([
    ['validate', ['--stacks <module>', 'default: stacks/stacks.ts', '[spec]', 'default: stacks/o11y.yaml']],
    ['env', ['<service>', '--stack <stack>', '--format dotenv|json|shell', 'default: dotenv', '--spec <file>', 'default: stacks/o11y.yaml', '--stacks <module>', 'default: stacks/stacks.ts']],
    ['compose', ['--stack <stack>', '--spec <file>', 'default: stacks/o11y.yaml', '--stacks <module>', 'default: stacks/stacks.ts']],
    ['review', ['<base-synth-dir>', '<head-synth-dir>', '--format markdown|json', 'default: markdown', '--plan <stack>=<plan.json>', 'repeatable']],
    ['init', ['[dir]', 'default: .', '--name <name>', '--service <name>', 'default: my-service', '--env <name>', 'default: prod', '--force', 'REPLACE-ME']],
    ['help', ['[command]']],
  ])('o11y %s --help exits 0 and lists each argument and option with its default', (name, mentions) => {
    const r = cli(name, '--help');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(new RegExp(`^Usage: o11y ${name} `));
    for (const m of [...mentions, '-h, --help']) expect(r.out).toContain(m);
  });

  it.each(COMMANDS.map((c) => c.name))('o11y %s -h and o11y help %s print the same help as --help', (name) => {
    const help = cli(name, '--help').out;
    expect(cli(name, '-h')).toEqual({ code: 0, out: help, err: '' });
    expect(cli('help', name)).toEqual({ code: 0, out: help, err: '' });
    expect(cli('--help', name)).toEqual({ code: 0, out: help, err: '' });
  });

  it('prints a command help that says what each option means', () => {
    expect(cli('env', '--help').out).toBe(
      'Usage: o11y env <service> --stack <stack> [--format dotenv|json|shell] [--spec <file>] [--stacks <module>]\n' +
        '\n' +
        'The OTEL_* environment of a service in a stack.\n' +
        "The variables the service's OpenTelemetry SDK reads: endpoint, protocol, sampler, resource attributes.\n" +
        '\n' +
        'Arguments:\n' +
        '  <service>   a service of the spec\n' +
        '\n' +
        'Options:\n' +
        '  --stack <stack>              the stack the service sends its telemetry to (required)\n' +
        '  --format dotenv|json|shell   how to print the variables (default: dotenv)\n' +
        '  --spec <file>                the spec file (default: stacks/o11y.yaml)\n' +
        '  --stacks <module>            the module whose defineStacks(app, spec) declares the stacks (default: stacks/stacks.ts)\n' +
        '  -h, --help                   print this help and exit\n',
    );
  });

  it('prints help even when the rest of the command line is incomplete', () => {
    expect(cli('env', '--help').code).toBe(0);
    expect(cli('review', 'only-one-dir', '-h').code).toBe(0);
  });

  it('refuses help for a command that does not exist, with the overview', () => {
    const r = cli('help', 'deploy');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^o11y: unknown command 'deploy'\n\no11y: one spec for your tracing and metrics stack\n/);
  });
});

describe('o11y refuses wrong usage in one line, exit 1, no stack trace', () => {
  it.each([
    // an unknown option, named, with the options the command knows
    [['compose', '--stack', 'local', '--format', 'json'], 'o11y: unknown option --format (known: --stack, --spec, --stacks, --help)\n'],
    [['validate', '-x'], 'o11y: unknown option -x (known: --stacks, --help)\n'],
    [['validate', '--stacks=stacks/stacks.ts', '--strict'], 'o11y: unknown option --strict (known: --stacks, --help)\n'],
    [['--verbose'], 'o11y: unknown option --verbose (known: --version, --help)\n'],
    // more arguments than the command takes
    [['validate', 'a.yaml', 'b.yaml'], "o11y: unexpected argument 'b.yaml' (o11y validate takes [spec]; see o11y validate --help)\nusage: o11y validate [spec] [--stacks <module>]\n"],
    [['env', 'local', 'checkout'], "o11y: unexpected argument 'checkout' (o11y env takes <service>; see o11y env --help)\nusage: o11y env <service> --stack <stack> [--format dotenv|json|shell] [--spec <file>] [--stacks <module>]\n"],
    [['compose', 'local'], "o11y: unexpected argument 'local' (o11y compose takes no arguments; see o11y compose --help)\nusage: o11y compose --stack <stack> [--spec <file>] [--stacks <module>]\n"],
    [['help', 'env', 'review'], "o11y: unexpected argument 'review' (o11y help takes [command]; see o11y help --help)\nusage: o11y help [command]\n"],
    // an option without its value
    [['env', 'cart', '--stack'], 'o11y: --stack needs a value\n'],
    [['env', 'cart', '--stack', '--format', 'json'], 'o11y: --stack needs a value\n'],
    [['env', 'cart', '--stack', 'local', '--spec='], 'o11y: --spec needs a value\n'],
    [['validate', '--stacks'], 'o11y: --stacks needs a value\n'],
    // a value for a switch
    [['validate', '--help=yes'], 'o11y: --help takes no value (got "yes")\n'],
  ])('%j', (argv, message) => {
    expect(cli(...argv)).toEqual({ code: 1, out: '', err: message });
  });

  it('keeps an argument that starts with a dash when it follows --', () => {
    const r = cli('validate', '--', '-odd.yaml');
    expect(r).toEqual({ code: 1, out: '', err: '-odd.yaml: 1 problem\n  - (spec): no such file (ENOENT): give the path of your spec; the default is stacks/o11y.yaml, from the project folder\n' });
  });
});

describe('o11y writing its output', () => {
  const bin = join(__dirname, '..', '..', 'bin', 'o11y.js');

  it('ends quietly when the reader goes away (`o11y compose --stack local | head -1`)', () => {
    const r = spawnSync('sh', ['-c', `node '${bin}' compose --stack local | head -1 >/dev/null; echo "exit \${PIPESTATUS:-done}"`], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('exit done\n');
  });

  it('says in one line that it cannot write the output to a full disk, and exits 1', () => {
    const r = spawnSync('sh', ['-c', `node '${bin}' compose --stack local > /dev/full`], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', timeout: 120_000 });
    expect([r.status, r.stderr]).toEqual([1, 'o11y: cannot write the output: ENOSPC\n']);
  });
});
