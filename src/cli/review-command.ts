/** `o11y review`: reads two synth outputs, never cdktf (src/cli.ts requires this file only for it). */
import { renderJson } from '../review/json';
import { renderMarkdown } from '../review/markdown';
import { reviewDirs } from '../review/review';
import { sortRisks } from '../review/risk';
import { planRisks } from '../review/terraform-plan';
import type { Action } from './action';
import { UsageError } from './args';
import { calendarDay, todayUtc } from '../spec/calendar-date';

export const review: Action = (args, io) => {
  const [base, head] = args.positionals;
  if (!base || !head) throw new UsageError('which two synth outputs? o11y review <base-synth-dir> <head-synth-dir> [--format markdown|json]');
  // --plan <stack>=<terraform show -json output>, once per stack: Terraform's own deletes and replaces
  const plans = new Map<string, string>();
  for (const p of args.values('plan')) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new UsageError(`--plan takes <stack>=<file> (terraform show -json of that stack's plan) (got ${JSON.stringify(p)})`);
    const stack = p.slice(0, eq);
    if (plans.has(stack)) throw new UsageError(`--plan names stack '${stack}' twice (${plans.get(stack)}, ${p.slice(eq + 1)}); give one plan per stack`);
    plans.set(stack, p.slice(eq + 1));
  }
  const today = args.value('today') ?? todayUtc();
  if (calendarDay(today) === undefined) throw new UsageError(`--today takes a day written YYYY-MM-DD (got ${JSON.stringify(today)})`);
  // default 90 days (commands.ts): a common audit interval, also the default of AWS Config's secretsmanager-secret-periodic-rotation
  const maxAge = args.value('max-secret-age') ?? '';
  if (!/^[1-9]\d{0,4}$/.test(maxAge)) throw new UsageError(`--max-secret-age takes a whole number of days from 1 to 99999 (got ${JSON.stringify(maxAge)})`);
  let found = reviewDirs(base, head, { secretAge: { today, maxAgeDays: Number(maxAge) } });
  const unknown = [...plans.keys()].filter((stack) => !found.stacks.some((st) => st.id === stack));
  if (unknown.length) throw new UsageError(`--plan names stack ${unknown.map((u) => `'${u}'`).join(', ')}, which neither synth output has (stacks: ${found.stacks.map((st) => st.id).join(', ')})`);
  const fromPlans = [...plans].flatMap(([stack, file]) => planRisks(file, stack));
  if (plans.size) found = { ...found, changed: found.changed || fromPlans.length > 0, risks: sortRisks([...found.risks, ...fromPlans]) };
  io.out(args.value('format') === 'json' ? renderJson(found) : renderMarkdown(found));
  return 0;
};
