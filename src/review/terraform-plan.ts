/**
 * Risk flags from a real Terraform plan (`terraform show -json <planfile>`): every resource the
 * plan deletes or replaces, from Terraform's own `actions`, so what a forces-new table cannot
 * know (a provider upgrade, a drifted resource) still reaches the review.
 */
import { readFileSync, statSync } from 'node:fs';
import { Risk, risk } from './risk';
import { ReviewInputError } from './synth-output';
import { STATEFUL_TYPES } from './forces-new';

const MAX_PLAN_BYTES = 256 * 2 ** 20;

interface ResourceChange {
  readonly address?: unknown;
  readonly type?: unknown;
  readonly change?: { readonly actions?: unknown };
}

/** The plan's deletes and replaces as risks of `stack` (the stack the plan was made for). */
export function planRisks(file: string, stack: string): Risk[] {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new ReviewInputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!st.isFile()) throw new ReviewInputError(file, 'is not a regular file; refused');
  if (st.size > MAX_PLAN_BYTES) throw new ReviewInputError(file, `is ${st.size} bytes; refused`);
  let plan: { format_version?: unknown; resource_changes?: unknown; planned_values?: unknown; values?: unknown } | null;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new ReviewInputError(file, 'not valid JSON; expected the output of terraform show -json <planfile>');
  }
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) throw new ReviewInputError(file, 'is not a JSON object; expected the output of terraform show -json <planfile>');
  if (typeof plan.format_version !== 'string') throw new ReviewInputError(file, 'has no format_version; expected the output of terraform show -json <planfile>');
  // a plan always has planned_values (Terraform omits resource_changes when nothing changes); a state has values
  if (plan.planned_values === undefined && plan.resource_changes === undefined) {
    throw new ReviewInputError(file, plan.values !== undefined ? 'is a state, not a plan (terraform show -json of a state file); give terraform show -json <planfile>' : 'has neither planned_values nor resource_changes; expected the output of terraform show -json <planfile>');
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) throw new ReviewInputError(file, `resource_changes is ${typeof plan.resource_changes}, not a list; expected the output of terraform show -json <planfile>`);
  const changes = (plan.resource_changes ?? []) as unknown[];
  changes.forEach((c, i) => {
    const rc = c as ResourceChange | null;
    const ok = typeof rc === 'object' && rc !== null && typeof rc.address === 'string' && Array.isArray(rc.change?.actions) && (rc.change!.actions as unknown[]).every((a) => typeof a === 'string');
    if (!ok) throw new ReviewInputError(file, `resource_changes[${i}] is not a resource change (an object with address and change.actions, a list of strings); expected the output of terraform show -json <planfile>`);
  });
  const out: Risk[] = [];
  for (const c of changes as ResourceChange[]) {
    const actions = c.change!.actions as string[];
    const address = String(c.address);
    const stateful = STATEFUL_TYPES.has(String(c.type));
    if (actions.includes('delete') && actions.includes('create')) {
      out.push(risk('resource-replaced', stack, `plan replaces ${address} (${actions.join(', ')})`));
      if (stateful) out.push(risk('data-loss', stack, `plan replaces stateful ${address}: the new one starts empty`));
    } else if (actions.includes('delete')) {
      out.push(risk(stateful ? 'data-loss' : 'resource-replaced', stack, `plan deletes ${address}`));
    }
  }
  return out;
}
