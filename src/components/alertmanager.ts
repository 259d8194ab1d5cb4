import { ALERTMANAGER_CONFIG_FILE, alertingSecrets, renderAlertmanagerConfig } from '../render/alertmanager';
import { GENERATED_HEADER, toYaml } from '../render/serialize';
import { IMAGES, PORTS, STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import type { ResolvedSpec } from '../spec/resolved';
import { Component, ComponentSecret, secretEnv } from './component';

export const ALERTMANAGER_CONFIG_PATH = '/etc/alertmanager/alertmanager.yml';
export const ALERTMANAGER_DATA_DIR = '/alertmanager';
/** The image's program (prom/alertmanager's entrypoint). */
export const ALERTMANAGER_PROGRAM = '/bin/alertmanager';
/**
 * Where the prelude writes each secret for the `*_file` fields: the container's own /tmp (the
 * image's busybox root has it, world-writable), not the data volume, so no secret outlives the
 * container or lands on a persistent disk.
 */
export const ALERTMANAGER_SECRETS_DIR = '/tmp/alertmanager-secrets';

/**
 * The prelude that turns secret env vars into files readable by Alertmanager only (umask 077),
 * then drops them from the environment the program sees. An unset or empty secret stops the
 * container with its name, instead of an Alertmanager that cannot notify.
 */
export function secretsPrelude(secrets: readonly string[]): string {
  return [
    'set -eu',
    'umask 077',
    `mkdir -p ${ALERTMANAGER_SECRETS_DIR}`,
    ...secrets.flatMap((s) => {
      const v = secretEnv(s);
      return [
        `[ -n "$${v}" ] || { echo "secret ${s} is empty: set ${v}" >&2; exit 1; }`,
        `printf '%s' "$${v}" > ${ALERTMANAGER_SECRETS_DIR}/${s}`,
        `unset ${v}`,
      ];
    }),
  ].join('\n');
}

/**
 * Prometheus's Alertmanager: routes the stack's alerts by severity to the spec's receivers. One
 * instance (no cluster: `--cluster.listen-address=` empty); Prometheus re-sends firing alerts
 * every evaluation, so a restart loses no alert, only silences and the notification log on
 * targets without a persistent volume.
 */
export function alertmanagerComponent(spec: ResolvedSpec): Component {
  const names = alertingSecrets(spec.alerting);
  const config = renderAlertmanagerConfig(spec, { secretFile: (s) => `${ALERTMANAGER_SECRETS_DIR}/${s}` });
  const secrets: ComponentSecret[] = names.map((s) => ({ name: s, description: `alert receiver secret ${s}`, env: secretEnv(s), source: 'provided' }));
  return {
    name: 'alertmanager',
    image: IMAGES.alertmanager,
    args: [`--config.file=${ALERTMANAGER_CONFIG_PATH}`, `--storage.path=${ALERTMANAGER_DATA_DIR}`, `--web.listen-address=:${PORTS.alertmanager}`, '--cluster.listen-address='],
    ...(names.length > 0 ? { prelude: { program: ALERTMANAGER_PROGRAM, script: secretsPrelude(names) } } : {}),
    // its UI lists firing alerts and takes silences; on AWS only Prometheus and Grafana reach it
    ports: [{ name: 'http', port: PORTS.alertmanager, purpose: 'http', audience: 'humans' }],
    files: [{ output: ALERTMANAGER_CONFIG_FILE, mountPath: ALERTMANAGER_CONFIG_PATH, content: toYaml(config, GENERATED_HEADER) }],
    env: {},
    secrets,
    // busybox image: wget is there, curl is not
    healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORTS.alertmanager}/-/healthy`], intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 10, httpPath: '/-/healthy', port: PORTS.alertmanager },
    volumes: [{ name: 'alertmanager-data', mountPath: ALERTMANAGER_DATA_DIR }],
    user: '65534',
    dependsOn: [],
    flows: [{ to: 'grafana', what: 'alerts, silences' }],
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.other,
    resources: { cpu: 256, memoryMiB: 512 },
  };
}
