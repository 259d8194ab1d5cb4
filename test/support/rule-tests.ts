/**
 * `promtool test rules` (Debian's promtool 2.42) on a rendered rule file: alert scenarios with
 * the annotations each firing alert must carry, and PromQL expressions with their values.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const PROMTOOL = process.env.O11Y_PROMTOOL ?? '/usr/bin/promtool';

export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

export interface ExpectedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface RuleScenario {
  readonly name: string;
  readonly series: readonly { readonly series: string; readonly values: string }[];
  readonly alerts?: readonly { readonly at: string; readonly alertname: string; readonly firing: readonly ExpectedAlert[] }[];
  /** PromQL evaluated at `at`: the samples it must return (labels in PromQL notation, `{a="b"}`). */
  readonly queries?: readonly { readonly at: string; readonly expr: string; readonly samples: readonly { readonly labels: string; readonly value: number }[] }[];
}

/**
 * Runs `promtool test rules` on `rulesYaml` with these scenarios, in a temporary folder of its
 * own. Input series have a sample a minute; the rules run every `evaluationInterval` (longer
 * for days of history: every alert and query time must then be a multiple of it).
 */
export function promtoolTestRules(rulesYaml: string, scenarios: readonly RuleScenario[], evaluationInterval = '1m'): PromtoolResult {
  // a missing tool must fail the test, never skip it
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: install Debian's Prometheus with \`apt-get install prometheus\` (CI's .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'o11y-rule-tests-'));
  try {
    writeFileSync(join(dir, 'rules.yml'), rulesYaml);
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: evaluationInterval,
      tests: scenarios.map((s) => ({
        name: s.name,
        interval: '1m',
        input_series: s.series,
        alert_rule_test: (s.alerts ?? []).map((a) => ({ eval_time: a.at, alertname: a.alertname, exp_alerts: a.firing.map((f) => ({ exp_labels: f.labels, exp_annotations: f.annotations })) })),
        promql_expr_test: (s.queries ?? []).map((q) => ({ eval_time: q.at, expr: q.expr, exp_samples: q.samples })),
      })),
    };
    writeFileSync(join(dir, 'tests.yml'), stringify(tests));
    const r = spawnSync(PROMTOOL, ['test', 'rules', 'tests.yml'], { encoding: 'utf8', timeout: 300_000, cwd: dir });
    if (r.error) throw new Error(`${PROMTOOL} could not run: ${r.error.message}`);
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check rules` on a rule file (it also refuses two rules recording the same series). */
export function promtoolCheckRules(rulesYaml: string): PromtoolResult {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: install Debian's Prometheus with \`apt-get install prometheus\` (CI's .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'o11y-rule-check-'));
  try {
    writeFileSync(join(dir, 'rules.yml'), rulesYaml);
    const r = spawnSync(PROMTOOL, ['check', 'rules', 'rules.yml'], { encoding: 'utf8', timeout: 120_000, cwd: dir });
    if (r.error) throw new Error(`${PROMTOOL} could not run: ${r.error.message}`);
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A counter in promtool's series notation, one sample a minute from 0, through phases of
 * `minutes` minutes growing by `perMinute`; `reset` starts the phase from 0 (a restarted process).
 */
export function counter(phases: readonly { readonly minutes: number; readonly perMinute: number; readonly reset?: boolean }[]): string {
  let value = 0;
  const parts = ['0'];
  for (const p of phases) {
    const first = (p.reset ? 0 : value) + p.perMinute;
    parts.push(p.minutes === 1 ? `${first}` : `${first}+${p.perMinute}x${p.minutes - 1}`);
    value = first + p.perMinute * (p.minutes - 1);
  }
  return parts.join(' ');
}
