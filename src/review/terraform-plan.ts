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
  let plan: { format_version?: unknown; resource_changes?: unknown };
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new ReviewInputError(file, 'not valid JSON; expected the output of terraform show -json <planfile>');
  }
  if (typeof plan?.format_version !== 'string') throw new ReviewInputError(file, 'has no format_version; expected the output of terraform show -json <planfile>');
  const changes = Array.isArray(plan.resource_changes) ? (plan.resource_changes as ResourceChange[]) : [];
  const out: Risk[] = [];
  for (const c of changes) {
    const actions = Array.isArray(c.change?.actions) ? (c.change!.actions as string[]) : [];
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
