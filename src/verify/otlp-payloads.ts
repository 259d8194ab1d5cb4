/**
 * What `o11y verify` sends: one trace (a server span and a child that failed), one counter with
 * an exemplar inside that trace, and one log record written in it, as OTLP/JSON (the encoding
 * every OTLP/HTTP receiver must take: ids in hex, 64-bit integers as strings). Hand-built so the
 * library needs no SDK: the shapes are the OTLP protocol's own.
 */
import { randomBytes } from 'node:crypto';

/** The service name verify's telemetry carries: one fixed name, so repeated runs add no series. */
export const VERIFY_SERVICE = 'o11y-verify';
/** The counter verify sends; Prometheus's OTLP receiver adds `_total` to a monotonic sum. */
export const VERIFY_METRIC = 'o11y_verify_checks';
export const VERIFY_METRIC_PROMETHEUS = `${VERIFY_METRIC}_total`;

export interface VerifyTelemetry {
  readonly traceId: string;
  readonly rootSpanId: string;
  readonly errorSpanId: string;
  /** The run's id, in the resource (`o11y.verify.run`) and the log line. */
  readonly run: string;
  readonly traces: object;
  readonly metrics: object;
  readonly logs: object;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function attr(key: string, value: string) {
  return { key, value: { stringValue: value } };
}

/** The telemetry of one verify run, at `nowMs`. */
export function verifyTelemetry(environment: string, nowMs: number): VerifyTelemetry {
  const traceId = hex(16);
  const rootSpanId = hex(8);
  const errorSpanId = hex(8);
  const run = hex(4);
  const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
  const start = nowMs - 250;
  const resource = { attributes: [attr('service.name', VERIFY_SERVICE), attr('deployment.environment.name', environment), attr('o11y.verify.run', run)] };
  const scope = { name: 'o11y-stack/verify' };
  const traces = {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope,
            spans: [
              // a server span: span metrics count SERVER spans, and the SLO rules read them
              { traceId, spanId: rootSpanId, name: 'GET /o11y-verify', kind: 2, startTimeUnixNano: ns(start), endTimeUnixNano: ns(nowMs), attributes: [attr('http.request.method', 'GET')], status: { code: 2, message: 'o11y verify: the error span' } },
              // an error keeps the trace through any tail-sampling policy the stack has
              { traceId, spanId: errorSpanId, parentSpanId: rootSpanId, name: 'o11y-verify failing step', kind: 1, startTimeUnixNano: ns(start + 50), endTimeUnixNano: ns(nowMs - 50), status: { code: 2, message: 'o11y verify: the error span' } },
            ],
          },
        ],
      },
    ],
  };
  const metrics = {
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          {
            scope,
            metrics: [
              {
                name: VERIFY_METRIC,
                description: 'Checks sent by o11y verify',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ startTimeUnixNano: ns(start), timeUnixNano: ns(nowMs), asInt: '1', exemplars: [{ timeUnixNano: ns(nowMs), asInt: '1', traceId, spanId: rootSpanId }] }],
                },
              },
            ],
          },
        ],
      },
    ],
  };
  const logs = {
    resourceLogs: [
      {
        resource,
        scopeLogs: [{ scope, logRecords: [{ timeUnixNano: ns(nowMs), observedTimeUnixNano: ns(nowMs), severityNumber: 17, severityText: 'ERROR', body: { stringValue: `o11y verify run ${run}: the error span's log line` }, traceId, spanId: errorSpanId }] }],
      },
    ],
  };
  return { traceId, rootSpanId, errorSpanId, run, traces, metrics, logs };
}
