import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ReviewInputError } from './synth-output';
import type { Tree } from './tree-diff';
import { YamlPieces } from './yaml-pieces';

/**
 * A rendered config read back into a tree, by its file name: YAML (`tempo.yaml`,
 * `prometheus.yml`, Grafana provisioning, `otel-collector.yaml`), JSON (dashboards,
 * `o11y-stack.json`, the SSM values under `otel/`), dotenv (`otel/<service>.env`). Any other
 * file is compared as text.
 */
export type ConfigKind = 'yaml' | 'json' | 'dotenv' | 'text';

export function configKind(file: string): ConfigKind {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (file.endsWith('.json')) return 'json';
  if (file.endsWith('.env')) return 'dotenv';
  return 'text';
}

/**
 * `diskPath` names the file in the message when its content cannot be parsed; `pieces`, shared
 * by the two sides of one comparison, parses what the sides have in common once.
 */
export function parseConfig(file: string, text: string, diskPath: string, pieces?: YamlPieces): Tree {
  switch (configKind(file)) {
    case 'yaml':
      try {
        return pieces ? pieces.parse(text) : (parseYaml(text) as Tree);
      } catch (e) {
        const pos = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
        throw new ReviewInputError(diskPath, `not valid YAML${pos}`);
      }
    case 'json':
      try {
        return JSON.parse(text) as Tree;
      } catch {
        throw new ReviewInputError(diskPath, 'not valid JSON');
      }
    case 'dotenv':
      return parseDotenv(text);
    case 'text':
      return text;
  }
}

/**
 * `KEY=value` lines as `o11y env --format dotenv` writes them (src/render/otel-env.ts):
 * blank lines and `#` comments skipped, a value in double quotes unquoted.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).replace(/^export\s+/, '').trim();
    let value = line.slice(eq + 1);
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    out[key] = value;
  }
  return out;
}
