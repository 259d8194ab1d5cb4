/**
 * The compose export, loaded by the Compose project's own loader (compose-go, as `docker
 * compose config` does): valid against the Compose specification's schema, with the admin
 * password required from the environment. Needs Docker Compose 2.23 or newer to run
 * (`configs.content`); Debian's docker-compose 1.29 refuses it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../src/cli';
import { composeCheck } from './support/tools';
import { renderCompose } from '../../src/render/compose';
import type { ObservabilitySpec } from '../../src/spec/types';
import { examplePlan, exampleSpec } from '../support/plans';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'o11y-compose-'));

function exported(stack: string): string {
  let out = '';
  expect(run(['compose', '--stack', stack], { out: (s) => (out += s), err: () => undefined })).toBe(0);
  const file = join(dir, `${stack}.yml`);
  writeFileSync(file, out);
  return file;
}

async function check(file: string, env: Record<string, string>): Promise<{ ok: boolean; text: string }> {
  try {
    const { stdout } = await exec(composeCheck(), [file], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { ok: true, text: stdout };
  } catch (e) {
    return { ok: false, text: String((e as { stderr?: string }).stderr) };
  }
}

describe('the compose export', () => {
  it.each([['local'], ['local-jaeger']])('of %s is valid Compose for the Compose project\'s own loader', async (stack) => {
    const r = await check(exported(stack), { GRAFANA_ADMIN_PASSWORD: 'not-a-secret' });
    // the trace store, the collector, Prometheus, Loki, Alertmanager and Grafana, and the
    // one-shot services: the collector's health-probe installer and its queue volume's owner
    expect(r).toEqual({ ok: true, text: expect.stringMatching(/: valid \(8 services\)\n$/) });
  });

  it('of a laptop stack with three samplers and a receiver secret is valid too: replicas by name with a shared alias, the prelude escaped', async () => {
    const spec = exampleSpec() as unknown as { environments: Record<string, Record<string, unknown>> };
    spec.environments.local.tracing = { retention: '2d', tailSampling: { samplers: 3 } };
    spec.environments.local.alerting = { receivers: [{ name: 'sre', slack: { channel: '#sre', webhookUrlSecret: 'slack-webhook-url' } }], route: { page: 'sre' } };
    const file = join(dir, 'scaled.yml');
    writeFileSync(file, renderCompose(examplePlan('local', spec as unknown as ObservabilitySpec), 'shop-local'));
    const r = await check(file, { GRAFANA_ADMIN_PASSWORD: 'x', SLACK_WEBHOOK_URL: 'https://hooks.slack.invalid/x' });
    // nine components, a volume-owner service for the gateway and for each sampler, and the
    // health-probe installer
    expect(r).toEqual({ ok: true, text: expect.stringMatching(/: valid \(14 services\)\n$/) });
    const without = await check(file, { GRAFANA_ADMIN_PASSWORD: 'x' });
    expect(without.text).toContain('required variable SLACK_WEBHOOK_URL is missing a value');
  });

  it('refuses to run without the Grafana admin password in the environment', async () => {
    const r = await check(exported('local'), {});
    expect(r.ok).toBe(false);
    expect(r.text).toContain('required variable GRAFANA_ADMIN_PASSWORD is missing a value');
  });

  it('would catch a misspelt key (negative control: the loader validates the schema)', async () => {
    const file = exported('local');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^(\s*)content:/m, '$1contents:'));
    const r = await check(file, { GRAFANA_ADMIN_PASSWORD: 'x' });
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/additional properties 'contents' not allowed/);
  });
});
