import { calendarDay } from '../spec/calendar-date';
import { ROTATED_ON_KEEPER_NAME } from './secret-keeper';
import { Risk, risk } from './risk';
import type { TerraformEntry } from './terraform-diff';
import { isObject, Tree } from './tree-diff';

type Entries = ReadonlyMap<string, TerraformEntry>;

/** When a generated secret counts as stale: the review's day and the longest age allowed. */
export interface SecretAgePolicy {
  /** The review's day, `YYYY-MM-DD` (the CLI's `--today`, by default the UTC date). */
  readonly today: string;
  /** Days a generated password may go unrotated (the CLI's `--max-secret-age`). */
  readonly maxAgeDays: number;
}

/** A password Terraform generates into a Secrets Manager secret, as one side's blocks hold it. */
interface GeneratedSecret {
  /** The Secrets Manager name (`o11y/shop/prod/grafana-admin-password`), or the version's address. */
  readonly name: string;
  readonly passwordAddress: string;
  readonly rotatedOn: string | undefined;
}

/**
 * Flags on the generated secrets (Grafana's admin password) of one changed stack: a rotation the
 * change makes (a new `rotated_on` keeper: a new password and a new Grafana task), and, with a
 * policy, a password whose last rotation is older than the policy allows or unknown.
 */
export function secretRisks(stack: string, base: Entries, head: Entries, policy?: SecretAgePolicy): Risk[] {
  const before = new Map(generatedSecrets(base).map((s) => [s.passwordAddress, s]));
  const out: Risk[] = [];
  for (const s of generatedSecrets(head)) {
    const b = before.get(s.passwordAddress);
    if (b && b.rotatedOn !== s.rotatedOn) {
      out.push(risk('secret-rotated', stack, `secret rotated: ${s.name}: rotated on ${b.rotatedOn ?? '(no date)'} → ${s.rotatedOn ?? '(no date)'}: a new password, and ECS replaces the tasks that read it (Grafana: everyone logs in again with the new one)`));
    }
    if (!policy) continue;
    const day = s.rotatedOn === undefined ? undefined : calendarDay(s.rotatedOn);
    const today = calendarDay(policy.today);
    if (today === undefined) continue;
    if (day === undefined) {
      out.push(risk('secret-stale', stack, `secret age unknown: ${s.name}: no rotation date (grafanaAdminPasswordRotatedOn): set it to today's date to rotate the password and start its clock`));
    } else if (today - day > policy.maxAgeDays) {
      out.push(risk('secret-stale', stack, `secret not rotated for ${today - day} days: ${s.name}: last rotated ${s.rotatedOn}, more than ${policy.maxAgeDays} days before ${policy.today}: set grafanaAdminPasswordRotatedOn to today's date to rotate it`));
    }
  }
  return out;
}

/** Every random_password written into a Secrets Manager secret version, with its rotation keeper. */
function generatedSecrets(entries: Entries): GeneratedSecret[] {
  const out: GeneratedSecret[] = [];
  for (const e of entries.values()) {
    if (e.type !== 'aws_secretsmanager_secret_version' || !isObject(e.value)) continue;
    const password = reference(e.value.secret_string, 'random_password', 'result');
    const p = password && entries.get(password);
    if (!p || !isObject(p.value)) continue;
    const secret = reference(e.value.secret_id, 'aws_secretsmanager_secret', 'id');
    const s = secret && entries.get(secret);
    const name = s && isObject(s.value) && typeof s.value.name === 'string' ? s.value.name : e.address;
    const keepers = isObject(p.value.keepers) ? p.value.keepers : {};
    const rotatedOn = keepers[ROTATED_ON_KEEPER_NAME];
    out.push({ name, passwordAddress: p.address, rotatedOn: typeof rotatedOn === 'string' ? rotatedOn : undefined });
  }
  return out.sort((a, b) => (a.passwordAddress < b.passwordAddress ? -1 : 1));
}

/** `${<type>.<name>.<attribute>}` → `<type>.<name>`; undefined for anything else. */
function reference(value: Tree | undefined, type: string, attribute: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/.exec(value);
  return m && m[1] === type && m[3] === attribute ? `${m[1]}.${m[2]}` : undefined;
}
