import { component, StackPlan } from '../components/plan';
import { LOKI_OTLP_PATH } from '../render/loki';
import { COLLECTOR_NAMES, componentType, OTLP_HTTP_EXPORTER_TYPES } from '../render/otel-collector';
import { DATASOURCE_UIDS, LOKI_SERVICE_LABEL, LOKI_TRACE_ID_FIELD, PORTS } from '../spec/defaults';
import { issue, Issue } from '../spec/issues';
import { arr, exporterEndpoint, obj, renderedYaml } from './config-tree';

/**
 * Logs ↔ traces, hop by hop on the files as deployed, as for exemplars:
 * 1. the collector's logs pipeline takes OTLP and exports it to this stack's Loki, at Loki's OTLP path;
 * 2. Loki keeps structured metadata (where an OTLP record's trace id lands, as `trace_id`);
 * 3. Grafana's Loki datasource turns exactly that field into a link to a provisioned trace datasource;
 * 4. the trace datasource links back (traces → logs) to the Loki datasource, mapping `service.name`
 *    to the label Loki indexes it under and filtering on the same trace-id field.
 */
export function checkLogCorrelation(plan: StackPlan): Issue[] {
  const loki = component(plan, 'loki');
  if (!loki) return [];
  const issues: Issue[] = [];
  const lokiUrl = `http://${plan.topology.hostOf('loki')}:${PORTS.loki}`;

  // hop 1
  const collector = renderedYaml(plan, 'otel-collector.yaml');
  if (collector === undefined) {
    issues.push(issue('otel-collector.yaml', 'the stack has Loki but no collector to send it the services\' logs'));
  } else {
    const pipelines = Object.entries(obj(obj(collector.service).pipelines)).filter(([id]) => id.split('/')[0] === 'logs');
    const exporters = pipelines.filter(([, p]) => arr(obj(p).receivers).includes('otlp')).flatMap(([, p]) => arr(obj(p).exporters).map(String));
    const toLoki = exporters.filter((e) => OTLP_HTTP_EXPORTER_TYPES.includes(componentType(e)));
    if (toLoki.length === 0) issues.push(issue('otel-collector.yaml: service.pipelines', `no logs pipeline takes OTLP to an ${COLLECTOR_NAMES.logsExporter.split('/')[0]} exporter: the services' logs never reach Loki`, pipelines.map(([id]) => id)));
    for (const e of toLoki) {
      const { key, value } = exporterEndpoint(obj(collector.exporters)[e]);
      const logsEndpoint = obj(obj(collector.exporters)[e]).logs_endpoint;
      const ok = value === `${lokiUrl}${LOKI_OTLP_PATH}` || logsEndpoint === `${lokiUrl}${LOKI_OTLP_PATH}/v1/logs`;
      if (!ok) issues.push(issue(`otel-collector.yaml: exporters.${e}.${key}`, `must be this stack's Loki OTLP endpoint (${lokiUrl}${LOKI_OTLP_PATH})`, value));
    }
  }

  // hop 2
  const lokiCfg = renderedYaml(plan, 'loki.yaml') ?? {};
  if (obj(lokiCfg.limits_config).allow_structured_metadata === false) {
    issues.push(issue('loki.yaml: limits_config.allow_structured_metadata', `must not be false: Loki keeps an OTLP record's trace id as structured metadata (${LOKI_TRACE_ID_FIELD}), and refuses OTLP logs without it`, false));
  }

  // hops 3 and 4
  const ds = arr(renderedYaml(plan, 'grafana/datasources.yaml')?.datasources).map(obj);
  const lokiDs = ds.find((d) => d.type === 'loki');
  const traceDs = ds.filter((d) => d.type === 'tempo' || d.type === 'jaeger');
  const traceUids = traceDs.map((d) => d.uid);
  if (!lokiDs) {
    issues.push(issue('grafana/datasources.yaml', 'has no Loki datasource: the stack stores logs nobody can query'));
  } else {
    if (lokiDs.url !== lokiUrl) issues.push(issue('grafana/datasources.yaml: Loki url', `must be this stack's Loki (${lokiUrl})`, lokiDs.url));
    const fields = arr(obj(lokiDs.jsonData).derivedFields).map(obj);
    const link = fields.find((f) => f.matcherType === 'label' && f.matcherRegex === LOKI_TRACE_ID_FIELD);
    if (!link) {
      issues.push(issue('grafana/datasources.yaml: Loki jsonData.derivedFields', `must turn the field '${LOKI_TRACE_ID_FIELD}' (matcherType label: where Loki keeps an OTLP record's trace id) into a trace link`, fields.map((f) => `${String(f.matcherType)}:${String(f.matcherRegex)}`)));
    } else if (!traceUids.includes(link.datasourceUid)) {
      issues.push(issue(`grafana/datasources.yaml: Loki derivedFields '${String(link.name)}'.datasourceUid`, `must be the uid of a provisioned trace datasource (${traceUids.join(', ') || 'none'})`, link.datasourceUid));
    }
  }
  for (const t of traceDs) {
    const where = `grafana/datasources.yaml: ${String(t.name)} jsonData.tracesToLogsV2`;
    const back = obj(obj(t.jsonData).tracesToLogsV2);
    if (back.datasourceUid !== (lokiDs?.uid ?? DATASOURCE_UIDS.loki)) {
      issues.push(issue(`${where}.datasourceUid`, `must be the Loki datasource's uid (${String(lokiDs?.uid ?? DATASOURCE_UIDS.loki)}): a span links to its logs`, back.datasourceUid));
      continue;
    }
    const tags = arr(back.tags).map(obj);
    if (!tags.some((x) => x.key === 'service.name' && x.value === LOKI_SERVICE_LABEL)) {
      issues.push(issue(`${where}.tags`, `must map service.name to '${LOKI_SERVICE_LABEL}', the label Loki indexes it under`, tags.map((x) => `${String(x.key)}→${String(x.value)}`)));
    }
    const query = String(back.query ?? '');
    if (back.customQuery !== true || !query.includes(`${LOKI_TRACE_ID_FIELD}=`)) {
      issues.push(issue(`${where}.query`, `must filter on '${LOKI_TRACE_ID_FIELD}' (structured metadata): a line filter on the trace id misses OTLP logs, whose lines do not contain it`, back.customQuery === true ? query : '(no custom query)'));
    }
  }
  return issues;
}

