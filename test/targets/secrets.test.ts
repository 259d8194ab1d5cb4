import { parse as parseYaml } from 'yaml';
import { EXAMPLE_STACK_IDS, exampleApp, removeTempDirs, StackOutput, synthToDisk } from '../support/synth';

/**
 * A secret scanner for the synthesized stacks: what `npm run synth` writes is committed,
 * reviewed in pull requests and uploaded as CI artifacts, so it must hold references to
 * secrets (Terraform resources, Secrets Manager ARNs, `__FILE` paths), never their values.
 */
interface Finding {
  readonly kind: string;
  readonly where: string;
}

// key ids of AWS credentials (AKIA long-term, ASIA temporary, and the other IAM unique-id prefixes)
const AWS_KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b/;
// a secret access key is 40 characters of base64 after its key name (JSON, YAML, INI, env, HCL)
const AWS_SECRET_KEY = /(?:aws_?secret_?access_?key|secret_?access_?key|secret_?key)\\*["']?\s*[:=]\s*\\*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/i;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
// NAME=value and name = value (env lists, dotenv, INI); the value stops at quotes, commas, spaces
const ASSIGNMENT = /\b([A-Za-z0-9_.-]*(?:passw(?:or)?d|secret|token|api_?key)[A-Za-z0-9_.-]*)[ \t]*=[ \t]*([^\s"'\\,;]*)/gi;

/** Key names that carry a secret value. */
const SECRET_KEY = /passw(?:or)?d|secret|token|api_?key|private_?key|credential/i;
/** …unless the key names something about the secret rather than the secret itself. */
const NOT_A_VALUE = /(?:_id|_arn|arn|_name|name|_file|_path|path|length|description|enabled|valuefrom)$|^creation_token$|^secrets$/i;

/**
 * A value that points at a secret instead of holding it: a Terraform reference (`${…}`, not the
 * escaped literal `$${…}`), a Grafana `$__file{…}`/`$__env{…}` or an `${ENV}` placeholder.
 */
const isReference = (v: string) => /^\$\{[^{}]+\}$/.test(v) || /^\$__(?:file|env)\{[^{}]+\}$/.test(v);

function scanText(where: string, text: string): Finding[] {
  const found: Finding[] = [];
  if (AWS_KEY_ID.test(text)) found.push({ kind: 'aws-access-key-id', where });
  if (AWS_SECRET_KEY.test(text)) found.push({ kind: 'aws-secret-access-key', where });
  if (PRIVATE_KEY.test(text)) found.push({ kind: 'private-key', where });
  for (const m of text.matchAll(ASSIGNMENT)) {
    const [, key, value] = m;
    if (/_?_file$/i.test(key) || value === '' || isReference(value)) continue;
    found.push({ kind: 'secret-assignment', where: `${where}: ${key}` });
  }
  return found;
}

/** Walks parsed JSON/YAML: secret-named keys, `{name, value}` pairs, and JSON held in strings. */
function scanValue(where: string, value: unknown, key = '', parentKey = ''): Finding[] {
  if (typeof value === 'string') {
    const found: Finding[] = [];
    const secretKey = (SECRET_KEY.test(key) && !NOT_A_VALUE.test(key)) || (['value', 'default'].includes(key) && SECRET_KEY.test(parentKey) && !NOT_A_VALUE.test(parentKey));
    if (secretKey && value !== '' && !isReference(value)) found.push({ kind: 'secret-key-literal', where: `${where}: ${parentKey ? `${parentKey}.` : ''}${key}` });
    // JSON documents inside strings (ECS container definitions, IAM policies, parameter values)
    if (/^\s*[[{]/.test(value)) {
      try {
        found.push(...scanValue(`${where}: ${key}`, JSON.parse(value) as unknown));
      } catch {
        // not JSON: the text scan still covers it
      }
    }
    return found;
  }
  if (Array.isArray(value)) return value.flatMap((v) => scanValue(where, v, key, parentKey));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // cdktf's own metadata (`//`) maps construct names to names; the text scan still reads it
    const found = Object.entries(o)
      .filter(([k]) => k !== '//')
      .flatMap(([k, v]) => scanValue(where, v, k, key));
    // ECS-style environment entries: { name: "DB_PASSWORD", value: "…" }
    if (typeof o.name === 'string' && typeof o.value === 'string' && SECRET_KEY.test(o.name) && !/_?_file$/i.test(o.name) && !isReference(o.value)) {
      found.push({ kind: 'secret-env-literal', where: `${where}: ${o.name}` });
    }
    return found;
  }
  return [];
}

/** Every finding in one file, by its kind of content. */
function scanFile(path: string, text: string): Finding[] {
  const found = scanText(path, text);
  let parsed: unknown;
  if (path.endsWith('.json')) parsed = JSON.parse(text);
  else if (path.endsWith('.yaml') || path.endsWith('.yml')) parsed = parseYaml(text);
  if (parsed !== undefined) {
    found.push(...scanValue(path, parsed));
    // strings decoded from the JSON: what Terraform uploads may be escaped in the file's text
    for (const s of strings(parsed)) found.push(...scanText(path, s));
  }
  return dedupe(found);
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

function dedupe(found: Finding[]): Finding[] {
  const seen = new Set<string>();
  return found.filter((f) => {
    const k = `${f.kind} ${f.where}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function scanStack(out: StackOutput): Finding[] {
  return [scanFile(`stacks/${out.id}/cdk.tf.json`, out.text), ...[...out.config].map(([f, text]) => scanFile(`stacks/${out.id}/config/${f}`, text))].flat();
}

let outputs: Map<string, StackOutput>;
beforeAll(() => {
  outputs = synthToDisk(exampleApp());
});
afterAll(removeTempDirs);

test.each(EXAMPLE_STACK_IDS)('the %s stack holds no secret: neither its cdk.tf.json nor any rendered config', (id) => {
  const out = outputs.get(id)!;
  expect(out.config.size).toBeGreaterThan(0);
  expect(scanStack(out)).toEqual([]);
});

test.each(EXAMPLE_STACK_IDS)('the %s stack hands Grafana its admin password by reference', (id) => {
  // the scan above would stay silent if the password were simply missing, so look for the reference
  const text = outputs.get(id)!.text;
  expect(text).toMatch(/GF_SECURITY_ADMIN_PASSWORD(?:=|\\",\\"valueFrom\\":\\")\$\{(?:random_password|aws_secretsmanager_secret)\.[A-Za-z0-9_-]+\.(?:result|arn)\}/);
});

describe('the scanner (positive controls on a real stack)', () => {
  type Json = Record<string, unknown>;
  const local = (): Json => JSON.parse(outputs.get('local')!.text) as Json;
  const grafana = (j: Json) => ((j.resource as Json).docker_container as Json).grafana as Json & { env: string[]; upload: { file: string; content: string }[] };
  const scan = (j: Json) => scanFile('planted/cdk.tf.json', JSON.stringify(j, null, 2));
  const kinds = (j: Json) => [...new Set(scan(j).map((f) => f.kind))].sort();

  test('finds nothing in the stack as synthesized', () => {
    expect(scan(local())).toEqual([]);
  });

  test('finds a literal Grafana admin password in a container env', () => {
    const j = local();
    const g = grafana(j);
    g.env = g.env.map((e) => (e.startsWith('GF_SECURITY_ADMIN_PASSWORD=') ? 'GF_SECURITY_ADMIN_PASSWORD=hunter2hunter2' : e));
    expect(scan(j)).toEqual([{ kind: 'secret-assignment', where: 'planted/cdk.tf.json: GF_SECURITY_ADMIN_PASSWORD' }]);
  });

  test('finds a Grafana admin password written into an uploaded grafana.ini, though Terraform-escaped', () => {
    const j = local();
    grafana(j).upload.push({ file: '/etc/grafana/grafana.ini', content: '[security]\\nadmin_user = admin\\nadmin_password = s3cr3t-Pa55\\n' });
    expect(kinds(j)).toEqual(['secret-assignment']);
  });

  test('finds an AWS access key id and its secret access key', () => {
    const j = local();
    // the example credentials of the AWS documentation
    (j.provider as Json).aws = [{ access_key: 'AKIAIOSFODNN7EXAMPLE', secret_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }];
    expect(kinds(j)).toEqual(['aws-access-key-id', 'aws-secret-access-key', 'secret-key-literal']);
    expect(kinds({ note: 'temporary credentials ASIAY34FZKBOKMUTVV7A' })).toEqual(['aws-access-key-id']);
    expect(kinds({ script: 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' })).toContain('aws-secret-access-key');
  });

  test('finds a private key block', () => {
    const j = local();
    grafana(j).upload.push({ file: '/etc/grafana/tls.key', content: '-----BEGIN RSA PRIVATE KEY-----\\nMIIEow…\\n-----END RSA PRIVATE KEY-----\\n' });
    expect(kinds(j)).toEqual(['private-key']);
    expect(kinds({ k: '-----BEGIN OPENSSH PRIVATE KEY-----' })).toEqual(['private-key']);
  });

  test('finds password, secret and token keys with literal values, also in JSON held in a string', () => {
    expect(kinds({ db: { password: 'literal' } })).toEqual(['secret-key-literal']);
    expect(kinds({ output: { 'grafana-admin-password-value': { value: 'literal', sensitive: true } } })).toEqual(['secret-key-literal']);
    expect(kinds({ container_definitions: JSON.stringify([{ environment: [{ name: 'API_TOKEN', value: 'abc123' }] }]) })).toEqual(['secret-env-literal']);
    expect(kinds({ value: JSON.stringify({ client_secret: 'abc123' }) })).toEqual(['secret-key-literal']);
  });

  test('accepts what refers to a secret without holding it', () => {
    expect(
      scan({
        env: ['GF_SECURITY_ADMIN_PASSWORD=${random_password.p.result}', 'GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana'],
        secret_string: '${random_password.p.result}',
        secret_id: '${aws_secretsmanager_secret.s.id}',
        creation_token: 'shop-prod-o11y-prometheus',
        secrets: [{ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: '${aws_secretsmanager_secret.s.arn}' }],
        description: 'Grafana admin password: terraform output -raw grafana-admin-password-value',
        datasource: { secureJsonData: { password: '$__file{/run/secrets/db}' } },
      }),
    ).toEqual([]);
  });

  test('does not take an escaped literal for a reference', () => {
    expect(kinds({ env: ['GF_SECURITY_ADMIN_PASSWORD=$${not_a_reference}'] })).toEqual(['secret-assignment']);
    expect(kinds({ password: '$${not_a_reference}' })).toEqual(['secret-key-literal']);
  });
});
