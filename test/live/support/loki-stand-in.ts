/**
 * A stand-in for Loki (AGPL: not built here) that speaks Loki's OTLP endpoint for real: a second
 * instance of the live collector build whose OTLP/HTTP receiver listens on Loki's port and path
 * (`:3100/otlp/v1/logs`) and writes every record it takes, as OTLP JSON, to a file. What the
 * stack's collector sends to "Loki" is then exactly what the test reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Component } from '../../../src/components/component';
import { LOKI_OTLP_PATH } from '../../../src/render/loki';
import { PORTS } from '../../../src/spec/defaults';

const CONFIG = '/etc/loki-stand-in/config.yaml';
const HEALTH_PORT = 13133;

export function lokiStandIn(receivedFile: string): Component {
  const config = {
    receivers: { otlp: { protocols: { http: { endpoint: `0.0.0.0:${PORTS.loki}`, logs_url_path: `${LOKI_OTLP_PATH}/v1/logs` } } } },
    exporters: { file: { path: receivedFile, flush_interval: '100ms' } },
    extensions: { health_check: { endpoint: `0.0.0.0:${HEALTH_PORT}` } },
    service: { extensions: ['health_check'], telemetry: { metrics: { level: 'none' } }, pipelines: { logs: { receivers: ['otlp'], exporters: ['file'] } } },
  };
  return {
    name: 'loki',
    image: { repository: 'stand-in', tag: 'test' },
    args: [`--config=${CONFIG}`],
    ports: [
      { name: 'http', port: PORTS.loki, purpose: 'http', audience: 'internal' },
      { name: 'health', port: HEALTH_PORT, purpose: 'health', audience: 'internal' },
    ],
    files: [{ output: 'loki-stand-in.yaml', mountPath: CONFIG, content: stringify(config) }],
    env: {},
    secrets: [],
    healthProbe: { port: HEALTH_PORT, httpPath: '/' },
    volumes: [],
    dependsOn: [],
    flows: [],
    stopTimeoutSeconds: 10,
    resources: { cpu: 256, memoryMiB: 256 },
  };
}

export interface ReceivedLogRecord {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly severityNumber: number;
  readonly body: string;
}

interface AnyValue {
  stringValue?: string;
}

/** Every log record the stand-in wrote, with its resource's service.name (OTLP JSON: ids are hex). */
export function receivedLogs(receivedFile: string): ReceivedLogRecord[] {
  if (!existsSync(receivedFile)) return [];
  const out: ReceivedLogRecord[] = [];
  for (const line of readFileSync(receivedFile, 'utf8').split('\n').filter(Boolean)) {
    const doc = JSON.parse(line) as { resourceLogs?: { resource?: { attributes?: { key: string; value: AnyValue }[] }; scopeLogs?: { logRecords?: Record<string, unknown>[] }[] }[] };
    for (const rl of doc.resourceLogs ?? []) {
      const service = rl.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      for (const sl of rl.scopeLogs ?? []) {
        for (const r of sl.logRecords ?? []) {
          out.push({ service, traceId: String(r.traceId ?? ''), spanId: String(r.spanId ?? ''), severityNumber: Number(r.severityNumber ?? 0), body: String((r.body as AnyValue | undefined)?.stringValue ?? '') });
        }
      }
    }
  }
  return out;
}
