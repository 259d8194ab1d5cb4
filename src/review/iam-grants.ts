import type { TerraformEntry } from './terraform-diff';
import { jsonText } from './terraform-diff';
import { isObject, Tree } from './tree-diff';

/**
 * What one Terraform block grants: the IAM policy documents it holds (role policies, bucket
 * and file-system policies, trust policies: any string attribute that is a policy JSON), or a
 * KMS grant's operations. Sets, so a widening is what the head has and the base had not.
 */
export interface Grants {
  readonly actions: ReadonlySet<string>;
  readonly resources: ReadonlySet<string>;
  readonly principals: ReadonlySet<string>;
  /** Deny statements, by Sid (or their JSON when they have none): removing one widens access. */
  readonly denies: ReadonlySet<string>;
}

export function grantsOf(entry: TerraformEntry): Grants | undefined {
  const v = entry.value;
  if (!isObject(v)) return undefined;
  if (entry.type === 'aws_kms_grant') {
    return {
      actions: new Set((Array.isArray(v.operations) ? v.operations : []).map((o) => `kms:${String(o)}`)),
      resources: new Set([String(v.key_id)]),
      principals: new Set([String(v.grantee_principal)]),
      denies: new Set(),
    };
  }
  const documents = policyDocuments(v);
  if (documents.length === 0) return undefined;
  const statements = documents.flatMap((d) => (Array.isArray(d.Statement) ? d.Statement : [d.Statement])).filter(isObject);
  const actions = new Set<string>();
  const resources = new Set<string>();
  const principals = new Set<string>();
  const denies = new Set<string>();
  for (const s of statements) {
    if (s.Effect === 'Deny') {
      denies.add(typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : JSON.stringify(s));
      continue;
    }
    for (const a of list(s.Action)) actions.add(a);
    for (const r of list(s.Resource)) resources.add(r);
    for (const p of principalList(s.Principal)) principals.add(p);
  }
  return { actions, resources, principals, denies };
}

/** Every policy document held in a string attribute of the block (at any depth). */
function policyDocuments(v: Tree): Record<string, unknown>[] {
  if (typeof v === 'string') {
    const doc = v.includes('Statement') ? jsonText(v) : undefined;
    return isObject(doc) && 'Statement' in doc ? [doc] : [];
  }
  if (Array.isArray(v)) return v.flatMap(policyDocuments);
  if (isObject(v)) return Object.entries(v).flatMap(([k, x]) => (k === '//' ? [] : policyDocuments(x)));
  return [];
}

function list(v: Tree): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** `"*"`, `{"AWS": [...]}`, `{"Service": "ecs-tasks.amazonaws.com"}` → `*`, `AWS:…`, `Service:…`. */
function principalList(p: Tree): string[] {
  if (p === undefined) return [];
  if (!isObject(p)) return list(p);
  return Object.entries(p).flatMap(([kind, ids]) => list(ids).map((id) => `${kind}:${id}`));
}

/** What the head grants beyond the base, as the parts of a review line; empty when nothing widened. */
export function widening(base: Grants | undefined, head: Grants): string[] {
  const added = (h: ReadonlySet<string>, b: ReadonlySet<string> | undefined): string[] => [...h].filter((x) => !b?.has(x)).sort();
  const parts: string[] = [];
  const actions = added(head.actions, base?.actions);
  const resources = added(head.resources, base?.resources);
  const principals = added(head.principals, base?.principals);
  const denies = base ? [...base.denies].filter((d) => !head.denies.has(d)).sort() : [];
  if (actions.length) parts.push(`actions + ${actions.join(', ')}`);
  if (resources.length) parts.push(`resources + ${resources.join(', ')}`);
  if (principals.length) parts.push(`principals + ${principals.join(', ')}`);
  if (denies.length) parts.push(`deny removed ${denies.join(', ')}`);
  return parts;
}
