/**
 * Alertmanager from the spec's `alerting`: the rendered routing and receivers, the secrets kept
 * out of every output (each target asks for them its own way), the validation messages, and
 * Prometheus pointed at it. amtool and a real Alertmanager check the files in test/live.
 */
import { parse } from 'yaml';
import { ALERTMANAGER_SECRETS_DIR, alertmanagerComponent, secretsPrelude } from '../../src/components/alertmanager';
import { preludeEntrypoint } from '../../src/components/component';
import { ALERTMANAGER_CONFIG_FILE, alertingSecrets } from '../../src/render/alertmanager';
import { renderCompose } from '../../src/render/compose';
import { formatIssue } from '../../src/spec/issues';
import type { ObservabilitySpec } from '../../src/spec/types';
import { specIssues } from '../../src/spec/validate';
import { validateAwsProps } from '../../src/targets/aws/validate-aws-props';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { EXAMPLE_STACKS, dockerPlan, examplePlan, renderedFile } from '../support/plans';
import { NO_HEARTBEAT, stackWarnings } from '../../src/checks';
import { synthJson, testApp } from '../support/synth';
import { DockerObservabilityStack } from '../../src/targets/docker/docker-stack';

type Json = Record<string, unknown>;
const problems = (value: unknown) => specIssues(value).map(formatIssue);
const withAlerting = (alerting: unknown): Json => ({ name: 'shop', services: [{ name: 'checkout' }], alerting });

interface AmConfig {
  route: { receiver: string; group_by: string[]; routes?: { receiver: string; matchers: string[]; repeat_interval: string }[] };
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  receivers: ({ name: string } & Record<string, Json[]>)[];
}
const amConfig = (stack: 'local' | 'local-jaeger' | 'staging' | 'prod') => parse(renderedFile(examplePlan(stack), ALERTMANAGER_CONFIG_FILE)) as AmConfig;

describe("the example's alertmanager.yml", () => {
  it('routes pages to PagerDuty and tickets to Slack in prod, each secret read from a file', () => {
    const am = amConfig('prod');
    expect(am.route.receiver).toBe('unrouted');
    expect(am.route.routes).toEqual([
      { receiver: 'heartbeat', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '1m', repeat_interval: '50s' },
      { receiver: 'oncall', matchers: ['severity="page"'], repeat_interval: '1h' },
      { receiver: 'sre-channel', matchers: ['severity="ticket"'], repeat_interval: '24h' },
    ]);
    const byName = Object.fromEntries(am.receivers.map((r) => [r.name, r]));
    expect(Object.keys(byName)).toEqual(['unrouted', 'heartbeat', 'oncall', 'sre-channel']);
    expect(byName.heartbeat.webhook_configs).toEqual([{ url_file: `${ALERTMANAGER_SECRETS_DIR}/heartbeat-url`, send_resolved: false }]);
    expect(byName.oncall.pagerduty_configs[0]).toMatchObject({ routing_key_file: `${ALERTMANAGER_SECRETS_DIR}/pagerduty-routing-key`, send_resolved: true });
    expect(byName['sre-channel'].slack_configs[0]).toMatchObject({ api_url_file: `${ALERTMANAGER_SECRETS_DIR}/slack-webhook-url`, channel: '#sre-alerts' });
  });

  it("uses staging's own receivers: everything to the staging channel, PagerDuty nowhere", () => {
    const am = amConfig('staging');
    expect(am.route.routes?.map((r) => r.receiver)).toEqual(['heartbeat', 'sre-channel', 'sre-channel']);
    expect(am.receivers.map((r) => r.name)).toEqual(['unrouted', 'heartbeat', 'sre-channel']);
    expect(am.receivers[2].slack_configs[0]).toMatchObject({ channel: '#sre-alerts-staging' });
  });

  it('notifies nobody locally: every alert stays in Alertmanager and Grafana, the Watchdog too', () => {
    for (const stack of ['local', 'local-jaeger'] as const) {
      const am = amConfig(stack);
      expect(am.route.routes).toEqual([{ receiver: 'unrouted', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '1m', repeat_interval: '50s' }]);
      expect(am.receivers).toEqual([{ name: 'unrouted' }]);
    }
  });

  it('lets a page inhibit the ticket of the same SLO only, never a stack alert', () => {
    expect(amConfig('prod').inhibit_rules).toEqual([{ source_matchers: ['severity="page"', 'slo=~".+"'], target_matchers: ['severity="ticket"'], equal: ['service', 'slo'] }]);
  });

  it('groups by alert, service, SLO and component, the labels the rules set', () => {
    expect(amConfig('prod').route.group_by).toEqual(['alertname', 'service', 'slo', 'component']);
  });
});

describe('a webhook receiver', () => {
  const spec = (webhook: Json): ObservabilitySpec => withAlerting({ receivers: [{ name: 'relay', webhook }], route: { default: 'relay' } }) as unknown as ObservabilitySpec;
  it('writes a plain URL as url, and a URL that is a secret as url_file', () => {
    const plain = parse(renderedFile(dockerPlan(spec({ url: 'http://relay.internal:8080/alerts' }), 'local', 'tempo'), ALERTMANAGER_CONFIG_FILE)) as AmConfig;
    expect(plain.route.receiver).toBe('relay');
    expect(plain.receivers[1].webhook_configs).toEqual([{ url: 'http://relay.internal:8080/alerts', send_resolved: true }]);
    const secret = parse(renderedFile(dockerPlan(spec({ urlSecret: 'relay-url' }), 'local', 'tempo'), ALERTMANAGER_CONFIG_FILE)) as AmConfig;
    expect(secret.receivers[1].webhook_configs).toEqual([{ url_file: `${ALERTMANAGER_SECRETS_DIR}/relay-url`, send_resolved: true }]);
  });
});

describe('the heartbeat (alerting.heartbeat, a dead man\'s switch)', () => {
  const am = (alerting: Json) => parse(renderedFile(dockerPlan(withAlerting(alerting) as unknown as ObservabilitySpec, 'local', 'tempo'), ALERTMANAGER_CONFIG_FILE)) as AmConfig;
  const oncall = { name: 'oncall', pagerduty: { routingKeySecret: 'pd-key' } };

  it('gets the Watchdog alone, first, pinged every minute and never resolved, by plain URL or secret', () => {
    const plain = am({ receivers: [oncall], route: { default: 'oncall' }, heartbeat: { url: 'http://relay.internal:8080/ping' } });
    expect(plain.route.routes?.[0]).toEqual({ receiver: 'heartbeat', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '1m', repeat_interval: '50s' });
    expect(plain.receivers.find((r) => r.name === 'heartbeat')?.webhook_configs).toEqual([{ url: 'http://relay.internal:8080/ping', send_resolved: false }]);
    const secret = am({ heartbeat: { urlSecret: 'hb' } });
    expect(secret.receivers.find((r) => r.name === 'heartbeat')?.webhook_configs).toEqual([{ url_file: `${ALERTMANAGER_SECRETS_DIR}/hb`, send_resolved: false }]);
  });

  it('is its secret asked for like a receiver\'s', () => {
    expect(alertingSecrets({ receivers: [{ name: 'sre', webhook: { urlSecret: 'relay' } }], heartbeat: { urlSecret: 'hb' } })).toEqual(['hb', 'relay']);
  });

  it('without one, the Watchdog stops at unrouted, and validate warns where alerts reach someone', () => {
    expect(am({ receivers: [oncall], route: { page: 'oncall' } }).route.routes?.[0]).toMatchObject({ receiver: 'unrouted', matchers: ['alertname="Watchdog"'] });
    const warnings = (alerting: Json) => stackWarnings(dockerPlan(withAlerting(alerting) as unknown as ObservabilitySpec, 'local', 'tempo')).filter((w) => w.id === NO_HEARTBEAT).map((w) => formatIssue(w.issue));
    expect(warnings({ receivers: [oncall], route: { page: 'oncall' } })).toEqual([
      'alerting.heartbeat: is not set while alerts go to oncall: if Prometheus or Alertmanager stops, no alert says so. Give a heartbeat service\'s URL (a secret, as urlSecret) for the Watchdog alert to ping',
    ]);
    // nobody is notified of anything: nothing to warn about
    expect(warnings({})).toEqual([]);
    expect(warnings({ receivers: [oncall], route: { page: 'oncall' }, heartbeat: { urlSecret: 'hb' } })).toEqual([]);
    for (const stack of EXAMPLE_STACKS) expect(stackWarnings(examplePlan(stack)).filter((w) => w.id === NO_HEARTBEAT)).toEqual([]);
  });

  it('refuses both or neither of url and urlSecret, and a receiver named heartbeat', () => {
    expect(problems(withAlerting({ heartbeat: {} }))).toEqual(['alerting.heartbeat: needs exactly one of url and urlSecret (a URL that carries a token belongs in a secret) (got {})']);
    expect(problems(withAlerting({ receivers: [{ name: 'heartbeat', webhook: { url: 'https://hc.example/ping' } }] }))).toEqual([
      'alerting.receivers[0].name: is the receiver o11y-stack renders for the Watchdog alert (alerting.heartbeat); choose another name (got "heartbeat")',
    ]);
  });

  it("is the environment's own: staging's alerting block carries its own heartbeat", () => {
    expect(examplePlan('staging').spec.alerting.heartbeat).toEqual({ urlSecret: 'heartbeat-url' });
    expect(examplePlan('local').spec.alerting.heartbeat).toBeUndefined();
  });
});

describe('receiver secrets', () => {
  const prod = examplePlan('prod').spec;
  it('are named once each, sorted, from every receiver', () => {
    expect(alertingSecrets(prod.alerting)).toEqual(['heartbeat-url', 'pagerduty-routing-key', 'slack-webhook-url']);
  });

  it('reach Alertmanager as environment variables its prelude writes to files only it can read, then unsets', () => {
    const c = alertmanagerComponent(prod);
    expect(c.secrets).toEqual([
      { name: 'heartbeat-url', description: 'alert receiver secret heartbeat-url', env: 'HEARTBEAT_URL', source: 'provided' },
      { name: 'pagerduty-routing-key', description: 'alert receiver secret pagerduty-routing-key', env: 'PAGERDUTY_ROUTING_KEY', source: 'provided' },
      { name: 'slack-webhook-url', description: 'alert receiver secret slack-webhook-url', env: 'SLACK_WEBHOOK_URL', source: 'provided' },
    ]);
    const script = secretsPrelude(['slack-webhook-url']);
    expect(script.split('\n')).toEqual([
      'set -eu',
      'umask 077',
      `mkdir -p ${ALERTMANAGER_SECRETS_DIR}`,
      '[ -n "$SLACK_WEBHOOK_URL" ] || { echo "secret slack-webhook-url is empty: set SLACK_WEBHOOK_URL" >&2; exit 1; }',
      `printf '%s' "$SLACK_WEBHOOK_URL" > ${ALERTMANAGER_SECRETS_DIR}/slack-webhook-url`,
      'unset SLACK_WEBHOOK_URL',
    ]);
    // Terraform reads `${` and `%{` as templates: the script must hold neither
    expect(script).not.toMatch(/[$%]\{/);
    expect(preludeEntrypoint(c)).toEqual(['/bin/sh', '-c', `${c.prelude!.script}\nexec '/bin/alertmanager' "$@"`, 'alertmanager']);
  });

  it('are not needed where no receiver names one: no prelude, the image entrypoint as is', () => {
    const local = alertmanagerComponent(examplePlan('local').spec);
    expect(local.secrets).toEqual([]);
    expect(local.prelude).toBeUndefined();
  });

  it('are asked from the environment at docker compose up, with the prelude as entrypoint', () => {
    const plan = dockerPlan(withAlerting({ receivers: [{ name: 'sre', slack: { channel: '#sre', webhookUrlSecret: 'slack-webhook-url' } }], route: { page: 'sre' } }) as unknown as ObservabilitySpec, 'local', 'tempo');
    const compose = parse(renderCompose(plan, 'shop-local')) as { services: Record<string, { entrypoint?: string[]; environment?: Record<string, string> }> };
    expect(compose.services.alertmanager.environment).toEqual({ SLACK_WEBHOOK_URL: '${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL (alert receiver secret slack-webhook-url) before docker compose up}' });
    // compose interpolates `$`: the script's own references are escaped as `$$`
    expect(compose.services.alertmanager.entrypoint?.[2]).toContain('[ -n "$$SLACK_WEBHOOK_URL" ]');
  });
});

describe('validation of alerting', () => {
  const NAME_RULE = "[a-z][a-z0-9-]* (a lowercase letter, then lowercase letters, digits or '-')";
  it('accepts the example and an empty block', () => {
    expect(problems(withAlerting({}))).toEqual([]);
    expect(problems(withAlerting({ receivers: [{ name: 'oncall', pagerduty: { routingKeySecret: 'pd-key' } }], route: { page: 'oncall' } }))).toEqual([]);
  });

  it('refuses a route to a receiver that does not exist, naming the known ones', () => {
    expect(problems(withAlerting({ receivers: [{ name: 'oncall', pagerduty: { routingKeySecret: 'pd-key' } }], route: { page: 'on-call', ticket: 'sre' } }))).toEqual([
      'alerting.route.page: names no receiver of this alerting block (known: oncall) (got "on-call")',
      'alerting.route.ticket: names no receiver of this alerting block (known: oncall) (got "sre")',
    ]);
    expect(problems(withAlerting({ route: { default: 'x' } }))).toEqual(['alerting.route.default: names no receiver of this alerting block (known: none) (got "x")']);
  });

  it('refuses a receiver without integrations, a duplicate name, and the reserved name', () => {
    expect(problems(withAlerting({ receivers: [{ name: 'sre' }, { name: 'unrouted', webhook: { url: 'https://relay.example/y' } }] }))).toEqual([
      'alerting.receivers[0]: needs at least one of slack, pagerduty and webhook (got "sre")',
      'alerting.receivers[1].name: is the receiver o11y-stack renders for alerts no route sends anywhere; choose another name (got "unrouted")',
    ]);
    expect(problems(withAlerting({ receivers: [{ name: 'sre', webhook: { url: 'https://relay.example/x' } }, { name: 'sre', webhook: { url: 'https://relay.example/y' } }] }))).toEqual([
      'alerting.receivers[1].name: duplicates receivers[0].name (got "sre")',
    ]);
  });

  it('refuses a webhook with both or neither of url and urlSecret, and a URL that is not http(s)', () => {
    expect(problems(withAlerting({ receivers: [{ name: 'a', webhook: {} }] }))).toEqual(['alerting.receivers[0].webhook: needs exactly one of url and urlSecret (a URL that carries a token belongs in a secret) (got {})']);
    expect(problems(withAlerting({ receivers: [{ name: 'a', webhook: { url: 'https://x.example/a', urlSecret: 'u' } }] }))).toEqual([
      'alerting.receivers[0].webhook: needs exactly one of url and urlSecret (a URL that carries a token belongs in a secret) (got {"url":"https://x.example/a","urlSecret":"u"})',
    ]);
    expect(problems(withAlerting({ receivers: [{ name: 'a', webhook: { url: 'ftp://x.example/$(id)' } }] }))).toEqual([
      'alerting.receivers[0].webhook.url: must match an http:// or https:// URL without spaces, quotes or $ (got "ftp://x.example/$(id)")',
    ]);
  });

  it('refuses secret names that are not names (they become file names and environment variables)', () => {
    expect(problems(withAlerting({ receivers: [{ name: 'a', pagerduty: { routingKeySecret: '../../etc/passwd' } }, { name: 'b', slack: { channel: '#ok', webhookUrlSecret: 'X; rm -rf /' } }] }))).toEqual([
      `alerting.receivers[0].pagerduty.routingKeySecret: must match a secret name, ${NAME_RULE} (got "../../etc/passwd")`,
      `alerting.receivers[1].slack.webhookUrlSecret: must match a secret name, ${NAME_RULE} (got "X; rm -rf /")`,
    ]);
  });

  it('checks an environment block on its own: its routes name its own receivers', () => {
    const spec = { ...withAlerting({ receivers: [{ name: 'oncall', pagerduty: { routingKeySecret: 'pd' } }] }), environments: { staging: { alerting: { route: { page: 'oncall' } } } } };
    expect(problems(spec)).toEqual(['environments.staging.alerting.route.page: names no receiver of this alerting block (known: none) (got "oncall")']);
  });
});

describe("the AWS stack's receiver secrets", () => {
  const ctx = (stack: 'staging' | 'prod') => ({ spec: examplePlan(stack).spec, tracesBucket: 't-bucket', logsBucket: 'l-bucket', configBucket: 'c-bucket' });
  const awsProblems = (stack: 'staging' | 'prod', arns: Record<string, string> | undefined) =>
    validateAwsProps({ ...EXAMPLE_AWS_INPUTS[stack], alertingSecretArns: arns, spec: undefined as never }, ctx(stack))
      .map(formatIssue)
      .filter((p) => p.startsWith('alertingSecretArns'));

  it('need an ARN for every secret the environment names', () => {
    expect(awsProblems('prod', undefined)).toEqual([
      "alertingSecretArns.heartbeat-url: is missing: a receiver of environment 'prod' names secret heartbeat-url; give the ARN of the Secrets Manager secret holding its value",
      "alertingSecretArns.pagerduty-routing-key: is missing: a receiver of environment 'prod' names secret pagerduty-routing-key; give the ARN of the Secrets Manager secret holding its value",
      "alertingSecretArns.slack-webhook-url: is missing: a receiver of environment 'prod' names secret slack-webhook-url; give the ARN of the Secrets Manager secret holding its value",
    ]);
    expect(awsProblems('prod', EXAMPLE_AWS_INPUTS.prod.alertingSecretArns as Record<string, string>)).toEqual([]);
  });

  it('must be full Secrets Manager ARNs, with the suffix ECS resolves them by', () => {
    expect(awsProblems('staging', { ...EXAMPLE_AWS_INPUTS.staging.alertingSecretArns, 'slack-webhook-url': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/staging/slack-webhook-url' })).toEqual([
      'alertingSecretArns.slack-webhook-url: must be the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>) (got "arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11...)',
    ]);
  });
});

describe('Prometheus and Alertmanager', () => {
  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const)('%s: Prometheus sends alerts to the stack\'s Alertmanager and scrapes it', (stack) => {
    const plan = examplePlan(stack);
    const prom = parse(renderedFile(plan, 'prometheus.yml')) as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] }; scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
    const am = `${plan.topology.hostOf('alertmanager')}:9093`;
    expect(prom.alerting.alertmanagers).toEqual([{ static_configs: [{ targets: [am] }] }]);
    expect(prom.scrape_configs.find((s) => s.job_name === 'alertmanager')?.static_configs).toEqual([{ targets: [am] }]);
  });
});

describe('the Docker stack with a receiver secret', () => {
  it('asks Terraform for it as a sensitive variable and passes it by reference, never by value', () => {
    const app = testApp();
    const spec = withAlerting({ receivers: [{ name: 'sre', slack: { channel: '#sre', webhookUrlSecret: 'slack-webhook-url' } }], route: { page: 'sre', ticket: 'sre' } }) as unknown as ObservabilitySpec;
    const stack = new DockerObservabilityStack(app, 'local', { spec, traceBackend: 'tempo' });
    const json = synthJson(stack) as { variable: Record<string, Json>; resource: { docker_container: Record<string, { env: string[]; entrypoint?: string[] }> } };
    expect(json.variable).toEqual({ slack_webhook_url: { type: 'string', sensitive: true, nullable: false, description: 'alert receiver secret slack-webhook-url (alertmanager): set TF_VAR_slack_webhook_url' } });
    const am = json.resource.docker_container.alertmanager;
    expect(am.env).toEqual(['SLACK_WEBHOOK_URL=${var.slack_webhook_url}']);
    expect(am.entrypoint?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  });
});
