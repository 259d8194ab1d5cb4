/**
 * Every LogQL query the stacks provision, parsed by Grafana's own LogQL grammar
 * (@grafana/lezer-logql, what Grafana's Loki query editor parses with): the logs panels of the
 * dashboards and the traces → logs query of the trace datasources, with Grafana's variables
 * filled in as Grafana fills them.
 */
// the package ships ES modules with a CommonJS build beside them (its `require` export): the tests
// run as CommonJS, so it is loaded with require and typed by the little this file uses
interface SyntaxNodeRef {
  readonly from: number;
  readonly type: { readonly isError: boolean };
}
const { parser } = require('@grafana/lezer-logql') as { parser: { parse(q: string): { iterate(spec: { enter(n: SyntaxNodeRef): void }): void } } };
import { parse } from 'yaml';
import { DATASOURCE_UIDS, LOKI_SERVICE_LABEL, LOKI_TRACE_ID_FIELD } from '../../src/spec/defaults';
import { EXAMPLE_STACKS, examplePlan, renderedFile } from '../support/plans';

type Json = Record<string, any>;

/** Where the grammar could not read the query (error nodes), as `offset: text`. */
function logqlErrors(query: string): string[] {
  const errors: string[] = [];
  parser.parse(query).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`${n.from}: ${query.slice(n.from, n.from + 20) || '(end)'}`);
    },
  });
  return errors;
}

/** Dashboard variables and Grafana's trace-to-logs macros, as Grafana substitutes them. */
function fill(query: string): string {
  return query
    .replace(/\$\$/g, '$')
    .replace(/\$\{__tags\}/g, `${LOKI_SERVICE_LABEL}="checkout"`)
    .replace(/\$\{__trace\.traceId\}/g, '4bf92f3577b34da6a3ce929d0e0e4736')
    .replace(/\$\{?service\}?/g, 'checkout|cart');
}

function lokiTargets(stack: (typeof EXAMPLE_STACKS)[number]): { where: string; expr: string }[] {
  const plan = examplePlan(stack);
  return plan.files
    .filter((f) => f.output.startsWith('grafana/dashboards/') && f.output.endsWith('.json'))
    .flatMap((f) => {
      const d = JSON.parse(f.content) as Json;
      const panels: Json[] = (d.panels ?? []).flatMap((p: Json) => [p, ...(p.panels ?? [])]);
      return panels.flatMap((p) => (p.targets ?? []).filter((t: Json) => (t.datasource?.uid ?? p.datasource?.uid) === DATASOURCE_UIDS.loki).map((t: Json) => ({ where: `${f.output}: ${p.title}`, expr: String(t.expr) })));
    });
}

describe('LogQL, parsed by Grafana’s grammar', () => {
  it.each(EXAMPLE_STACKS)('every logs panel of %s parses', (stack) => {
    const targets = lokiTargets(stack);
    expect(targets.map((t) => t.where)).toEqual(['grafana/dashboards/o11y-service-overview.json: Errors of $service', 'grafana/dashboards/o11y-service-overview.json: Logs of $service']);
    for (const t of targets) expect([t.where, logqlErrors(fill(t.expr))]).toEqual([t.where, []]);
  });

  it.each(EXAMPLE_STACKS)('the traces → logs query of %s parses, and filters on the trace id field', (stack) => {
    const ds = (parse(renderedFile(examplePlan(stack), 'grafana/datasources.yaml')) as Json).datasources.find((d: Json) => d.type === 'tempo' || d.type === 'jaeger');
    const query = fill(ds.jsonData.tracesToLogsV2.query);
    expect(query).toBe(`{${LOKI_SERVICE_LABEL}="checkout"} | ${LOKI_TRACE_ID_FIELD}="4bf92f3577b34da6a3ce929d0e0e4736"`);
    expect(logqlErrors(query)).toEqual([]);
  });

  it('finds a broken query (negative control)', () => {
    expect(logqlErrors('{service_name=~"checkout"} | severity_number >>= 17')).not.toEqual([]);
    expect(logqlErrors('{service_name=~"checkout" | x')).not.toEqual([]);
  });
});
