import { otlpEntry, StackPlan } from '../components/plan';
import { issue, Issue } from '../spec/issues';
import type { OtlpProtocol } from '../spec/types';
import type { Exposure } from './exposure';

const PURPOSE_OF: Record<OtlpProtocol, 'otlp-grpc' | 'otlp-http'> = { grpc: 'otlp-grpc', 'http/protobuf': 'otlp-http' };

/**
 * Each service's `OTEL_EXPORTER_OTLP_ENDPOINT` must name a host and port the stack really
 * exposes to services, for the protocol the service speaks (an SDK speaking gRPC to the
 * OTLP/HTTP port fails at run time with nothing at synth time to warn you).
 */
export function checkServiceEndpoints(plan: StackPlan, exposures: readonly Exposure[]): Issue[] {
  const issues: Issue[] = [];
  const entry = otlpEntry(plan.components, plan.topology);
  for (const { service, env } of plan.serviceEnvs) {
    const path = `otel/${service}.env: OTEL_EXPORTER_OTLP_ENDPOINT`;
    const raw = env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const protocol = env.OTEL_EXPORTER_OTLP_PROTOCOL as OtlpProtocol;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      issues.push(issue(path, 'is not a URL', raw));
      continue;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const want = PURPOSE_OF[protocol];
    const match = exposures.find((e) => e.port === port && e.hosts.includes(url.hostname));
    if (!match) {
      const open = exposures.filter((e) => e.purpose === want).map((e) => `${e.hosts[0]}:${e.port}`);
      issues.push(issue(path, `no component of the stack is reachable there; ${protocol} is served at ${open.join(', ') || 'no address'}`, raw));
    } else if (match.purpose !== want) {
      issues.push(issue(path, `port ${port} is ${match.component}'s ${match.purpose} listener, but the service exports with ${protocol}`, raw));
    } else if (match.component !== entry) {
      const why = entry === 'otel-collector' ? ': it alone routes traces, metrics and logs to their stores (and samples and counts spans where the stack says so)' : '';
      issues.push(issue(path, `points at ${match.component}, but this stack's OTLP entry point is ${entry}${why}`, raw));
    }
  }
  return issues;
}
