/**
 * A risk flag: one line at the top of the review that a reviewer must not miss. Every line
 * reads `<stack>: <what>: <detail>`; the kinds below are listed most serious first, which is
 * the order the review prints them in.
 */
export const RISK_KINDS = [
  'stack-removed',
  'state-backend-changed',
  'data-loss',
  'resource-replaced',
  'stack-added',
  'iam-widened',
  'public-access-changed',
  'encryption-changed',
  'tls-turned-off',
  'secret-stale',
  'port-opened',
  'image-source-changed',
  'retention-shortened',
  'tempo-topology-changed',
  'logs-pipeline-removed',
  'alerting-weakened',
  'lifecycle-expiration-changed',
  'exemplars-turned-off',
  'remote-write-turned-off',
  'sampling-changed',
  'service-removed',
  'service-added',
  'secret-rotated',
  'image-changed',
] as const;

export type RiskKind = (typeof RISK_KINDS)[number];

export interface Risk {
  readonly kind: RiskKind;
  readonly stack: string;
  /** The whole line, stack first: `staging: sampling ratio changed: checkout 0.25 → 0.5`. */
  readonly line: string;
}

export function risk(kind: RiskKind, stack: string, text: string): Risk {
  return { kind, stack, line: `${stack}: ${text}` };
}

/** Most serious kind first, then by stack and line; duplicates dropped. */
export function sortRisks(risks: readonly Risk[]): Risk[] {
  const order = (r: Risk): number => RISK_KINDS.indexOf(r.kind);
  const seen = new Set<string>();
  return [...risks]
    .filter((r) => !seen.has(r.line) && (seen.add(r.line), true))
    .sort((a, b) => order(a) - order(b) || cmp(a.stack, b.stack) || cmp(a.line, b.line));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
