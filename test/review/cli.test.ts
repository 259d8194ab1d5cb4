import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSync } from '../../src/cli';
import { makeTempDir, removeTempDirs } from '../support/synth';
import { editedCopy, editFile, editTerraform, synthExample } from './support';

/** `o11y review`: exit 0 whatever it finds, 2 with one line naming the path and the problem when an input is unusable. */
function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runSync(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

let base: string;
beforeAll(() => {
  base = synthExample();
});
afterAll(removeTempDirs);

describe('o11y review', () => {
  it('prints the Markdown review and exits 0, also when it finds risks', () => {
    const head = editedCopy(base, (dir) => editFile(dir, 'stacks/local/config/tempo.yaml', (t) => t.replace('send_exemplars: true', 'send_exemplars: false')));
    const r = cli('review', base, head);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('\n- local: exemplars turned off: tempo.yaml metrics\\_generator.storage.remote\\_write\\[0\\].send\\_exemplars true → false\n');
  });

  it('prints "no changes" for identical inputs and exits 0', () => {
    expect(cli('review', base, base)).toEqual({ code: 0, out: '## o11y review\n\nNo changes: every stack (local, local-jaeger, prod, prod-peak, staging) is the same in base and head.\n', err: '' });
  });

  it('--format json prints the JSON review', () => {
    const r = cli('review', base, base, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ format: 'o11y-review/1', changed: false, risks: [] });
  });

  it('rejects an unknown format and a missing folder argument as wrong usage (exit 1)', () => {
    expect(cli('review', base, base, '--format', 'html')).toEqual({ code: 1, out: '', err: 'o11y: --format must be one of markdown, json (got "html")\n' });
    expect(cli('review', base, base, base)).toEqual({ code: 1, out: '', err: `o11y: unexpected argument '${base}' (o11y review takes <base-synth-dir> <head-synth-dir>; see o11y review --help)\nusage: o11y review <base-synth-dir> <head-synth-dir> [--format markdown|json] [--plan <stack>=<plan.json>]... [--max-secret-age <days>] [--today <YYYY-MM-DD>]\n` });
    expect(cli('review', base)).toEqual({ code: 1, out: '', err: 'o11y: which two synth outputs? o11y review <base-synth-dir> <head-synth-dir> [--format markdown|json]\n' });
  });

  it('refuses a --today that is no day and a --max-secret-age that is no whole number of days, in one line', () => {
    expect(cli('review', base, base, '--today', '2026-02-30')).toEqual({ code: 1, out: '', err: 'o11y: --today takes a day written YYYY-MM-DD (got "2026-02-30")\n' });
    expect(cli('review', base, base, '--today', 'tomorrow')).toEqual({ code: 1, out: '', err: 'o11y: --today takes a day written YYYY-MM-DD (got "tomorrow")\n' });
    expect(cli('review', base, base, '--max-secret-age=')).toEqual({ code: 1, out: '', err: 'o11y: --max-secret-age needs a value\n' });
    for (const bad of ['0', '-5', '1.5', '90d', '100000']) {
      expect(cli('review', base, base, `--max-secret-age=${bad}`)).toEqual({ code: 1, out: '', err: `o11y: --max-secret-age takes a whole number of days from 1 to 99999 (got ${JSON.stringify(bad)})\n` });
    }
    expect(cli('review', base, base, '--today', '2030-01-01', '--max-secret-age', '1').code).toBe(0);
  });

  it('counts secret ages to --today: a staging change reviewed long after its rotation date is flagged, reviewed soon after is not', () => {
    // any change to staging: an output added by hand
    const head = editedCopy(base, (dir) => editTerraform(dir, 'staging', (tf) => void (tf.output = { ...(tf.output as object), 'review-test': { value: 'x' } })));
    const flags = (today: string): string[] => (JSON.parse(cli('review', base, head, '--format', 'json', '--today', today).out) as { risks: { kind: string; line: string }[] }).risks.filter((r) => r.kind === 'secret-stale').map((r) => r.line);
    expect(flags('2026-12-08')).toEqual([]);
    expect(flags('2027-12-01')).toEqual([
      "staging: secret not rotated for 365 days: o11y/shop/staging/grafana-admin-password: last rotated 2026-12-01, more than 90 days before 2027-12-01: set grafanaAdminPasswordRotatedOn to today's date to rotate it",
    ]);
  });

  it('refuses an unknown option, naming the options review knows', () => {
    expect(cli('review', base, base, '--plans', 'prod=p.json')).toEqual({ code: 1, out: '', err: 'o11y: unknown option --plans (known: --format, --plan, --max-secret-age, --today, --help)\n' });
  });

  it('refuses --plan without its value', () => {
    expect(cli('review', base, base, '--plan')).toEqual({ code: 1, out: '', err: 'o11y: --plan needs a value\n' });
  });

  it('--plan may be given once per stack, and every plan is read', () => {
    const dir = makeTempDir('review-cli-plans');
    const plan = (address: string) => JSON.stringify({ format_version: '1.2', resource_changes: [{ address, type: 'aws_ecs_service', change: { actions: ['delete'] } }] });
    writeFileSync(join(dir, 'staging.json'), plan('aws_ecs_service.tempo'));
    writeFileSync(join(dir, 'prod.json'), plan('aws_ecs_service.jaeger'));
    const r = cli('review', base, base, '--format', 'json', '--plan', `staging=${join(dir, 'staging.json')}`, `--plan=prod=${join(dir, 'prod.json')}`);
    expect(r.code).toBe(0);
    const review = JSON.parse(r.out) as { changed: boolean; risks: { line: string }[] };
    expect(review.changed).toBe(true);
    expect(review.risks.map((x) => x.line).sort()).toEqual(['prod: plan deletes aws_ecs_service.jaeger', 'staging: plan deletes aws_ecs_service.tempo']);
  });

  it('refuses two plans for the same stack', () => {
    expect(cli('review', base, base, '--plan', 'prod=a.json', '--plan', 'prod=b.json')).toEqual({
      code: 1,
      out: '',
      err: "o11y: --plan names stack 'prod' twice (a.json, b.json); give one plan per stack\n",
    });
  });
});

describe('o11y review on unusable input: exit 2, one line, no stack trace', () => {
  it('a folder that does not exist', () => {
    const missing = join(makeTempDir('review-cli'), 'nope');
    expect(cli('review', base, missing)).toEqual({ code: 2, out: '', err: `o11y review: ${missing}: no such directory\n` });
  });

  it('a file where a folder is expected', () => {
    const file = join(makeTempDir('review-cli'), 'file');
    writeFileSync(file, '');
    expect(cli('review', file, base)).toEqual({ code: 2, out: '', err: `o11y review: ${file}: not a directory\n` });
  });

  it('a folder without manifest.json', () => {
    const empty = makeTempDir('review-cli');
    expect(cli('review', empty, base)).toEqual({ code: 2, out: '', err: `o11y review: ${join(empty, 'manifest.json')}: not found; expected the output folder of a synth (cdktf.out)\n` });
  });

  it('a manifest.json that is not JSON, or not a cdktf manifest', () => {
    const dir = makeTempDir('review-cli');
    writeFileSync(join(dir, 'manifest.json'), '{"stacks": ');
    expect(cli('review', base, dir)).toEqual({ code: 2, out: '', err: `o11y review: ${join(dir, 'manifest.json')}: not valid JSON\n` });
    writeFileSync(join(dir, 'manifest.json'), '{"version": "0.21.0"}');
    expect(cli('review', base, dir)).toEqual({ code: 2, out: '', err: `o11y review: ${join(dir, 'manifest.json')}: has no "stacks" object; not a cdktf manifest\n` });
  });

  it('a stack whose cdk.tf.json is missing or cannot be parsed', () => {
    const gone = editedCopy(base, (dir) => rmSync(join(dir, 'stacks/prod/cdk.tf.json')));
    expect(cli('review', base, gone)).toEqual({ code: 2, out: '', err: `o11y review: ${join(gone, 'stacks/prod/cdk.tf.json')}: not found, though ${join(gone, 'manifest.json')} lists stack 'prod'\n` });
    const broken = editedCopy(base, (dir) => editFile(dir, 'stacks/prod/cdk.tf.json', (t) => t.slice(0, t.length / 2)));
    expect(cli('review', base, broken)).toEqual({ code: 2, out: '', err: `o11y review: ${join(broken, 'stacks/prod/cdk.tf.json')}: not valid JSON\n` });
  });

  it('a rendered config that cannot be parsed names the file, line and column', () => {
    // line 1 is the "Generated by" comment; the unclosed `[` opened on line 3 fails on line 4
    const broken = editedCopy(base, (dir) => editFile(dir, 'stacks/local/config/prometheus.yml', (t) => t.replace('global:\n', 'global:\n  - [\n')));
    const r = cli('review', base, broken);
    expect(r).toEqual({ code: 2, out: '', err: `o11y review: ${join(broken, 'stacks/local/config/prometheus.yml')}: not valid YAML (line 4, column 3)\n` });
  });

  it('a config file that links out of the synth folder (to /etc/passwd) is refused, not read', () => {
    const linked = editedCopy(base, (dir) => {
      rmSync(join(dir, 'stacks/local/config/prometheus.yml'));
      symlinkSync('/etc/passwd', join(dir, 'stacks/local/config/prometheus.yml'));
    });
    expect(cli('review', base, linked)).toEqual({
      code: 2,
      out: '',
      err: `o11y review: ${join(linked, 'stacks/local/config/prometheus.yml')}: is a link to /etc/passwd, outside the synth folder ${linked}; refused\n`,
    });
  });

  it('a config folder that links out of the synth folder is refused, though its files are plain files', () => {
    const outside = editedCopy(base, () => undefined);
    const linked = editedCopy(base, (dir) => {
      rmSync(join(dir, 'stacks/local/config'), { recursive: true });
      symlinkSync(join(outside, 'stacks/local/config'), join(dir, 'stacks/local/config'));
    });
    expect(cli('review', base, linked)).toEqual({
      code: 2,
      out: '',
      err: `o11y review: ${join(linked, 'stacks/local/config')}: is a link to ${join(outside, 'stacks/local/config')}, outside the synth folder ${linked}; refused\n`,
    });
  });

  it('a special file (/dev/zero behind a link inside the folder) is refused, not read forever', () => {
    const special = editedCopy(base, (dir) => {
      symlinkSync('/dev/zero', join(dir, 'zero'));
      rmSync(join(dir, 'stacks/local/config/tempo.yaml'));
      symlinkSync(join(dir, 'zero'), join(dir, 'stacks/local/config/tempo.yaml'));
    });
    const r = cli('review', base, special);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/tempo\.yaml: is a link to \/dev\/zero, outside the synth folder .*; refused\n$/);
  });

  it('a file over 64 MiB (sparse, so the test writes nothing) is refused by its size, not read; a FIFO in place of a file is refused, not waited on', () => {
    const huge = editedCopy(base, (dir) => truncateSync(join(dir, 'stacks/local/config/tempo.yaml'), 64 * 2 ** 20 + 1));
    expect(cli('review', base, huge)).toEqual({
      code: 2,
      out: '',
      err: `o11y review: ${join(huge, 'stacks/local/config/tempo.yaml')}: is ${64 * 2 ** 20 + 1} bytes, more than any synth output file (${64 * 2 ** 20}); refused\n`,
    });
    const fifo = editedCopy(base, (dir) => {
      rmSync(join(dir, 'stacks/local/config/tempo.yaml'));
      execFileSync('mkfifo', [join(dir, 'stacks/local/config/tempo.yaml')]);
    });
    expect(cli('review', base, fifo)).toEqual({ code: 2, out: '', err: `o11y review: ${join(fifo, 'stacks/local/config/tempo.yaml')}: is not a regular file; refused\n` });
  });

  it('a link to a regular file inside the folder is read like the file', () => {
    const inside = editedCopy(base, (dir) => {
      rmSync(join(dir, 'stacks/local/config/tempo.yaml'));
      symlinkSync(join(dir, 'stacks/local-jaeger/config/jaeger.yaml'), join(dir, 'stacks/local/config/tempo.yaml'));
    });
    expect(cli('review', base, inside).code).toBe(0);
  });
});
