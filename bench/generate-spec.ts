import { PORTS } from '../src/spec/defaults';
import type { ObservabilitySpec, ServiceSpec } from '../src/spec/types';
import type { AwsEnvironmentInputs } from '../src/targets/aws/aws-environments';
import { MAX_SECURITY_GROUP_RULE_QUOTA, SECURITY_GROUP_RULE_QUOTA } from '../src/targets/aws/security-groups';
import { EXAMPLE_AWS_INPUTS } from '../stacks/stacks';

/** Distinct metrics ports a generated spec uses at most (see growSpec). */
export const MAX_GENERATED_PORTS = 500;

/**
 * The example spec grown to `count` services: its own services stay first and unchanged (so
 * its environment overrides still name real services, and the marginal cost per added service
 * can be read against the example itself), then copies of them in turn, each with a distinct
 * name and, where the template scrapes metrics, a distinct port that no stack component uses, for
 * the first `maxPorts` of them; the copies after those expose no metrics endpoint (on a laptop
 * every service needs a port of its own, and on AWS each port is an egress rule of Prometheus's
 * security group, of which AWS allows at most 1 000).
 */
export function growSpec(example: ObservabilitySpec, count: number, maxPorts = MAX_GENERATED_PORTS): ObservabilitySpec {
  const base = example.services;
  if (!Number.isInteger(count) || count < base.length) {
    throw new Error(`a generated spec needs a whole number of services, at least the example's ${base.length} (got ${count})`);
  }
  const names = new Set(base.map((s) => s.name));
  const usedPorts = new Set<number>([...Object.values(PORTS), ...base.flatMap((s) => (s.metrics ? [s.metrics.port] : []))]);
  let nextPort = Math.max(0, ...base.flatMap((s) => (s.metrics ? [s.metrics.port] : []))) + 1;
  const generated: number[] = [];
  const freePort = (): number | undefined => {
    if (generated.length >= maxPorts) return undefined;
    while (usedPorts.has(nextPort)) nextPort++;
    if (nextPort > 65535) throw new Error(`not enough metrics ports for ${count} services`);
    usedPorts.add(nextPort);
    generated.push(nextPort);
    return nextPort;
  };

  const services: ServiceSpec[] = [...base];
  for (let i = base.length; i < count; i++) {
    const template = base[i % base.length];
    let name = `${template.name}-${i}`;
    for (let k = 2; names.has(name); k++) name = `${template.name}-${i}-${k}`;
    names.add(name);
    const port = template.metrics ? freePort() : undefined;
    const { metrics: _metrics, ...rest } = template;
    services.push({ ...rest, name, ...(template.metrics && port !== undefined ? { metrics: { ...template.metrics, port } } : {}) });
  }
  return { ...example, services };
}

/**
 * The example's AWS inputs for a generated spec of `count` services: each generated port is an
 * egress rule of Prometheus's security group, so the quota is raised to what they need, as an
 * account running that many services has done (the synth check asks for exactly that).
 */
export function benchAwsInputs(count: number): Record<string, AwsEnvironmentInputs> {
  const quota = Math.min(MAX_SECURITY_GROUP_RULE_QUOTA, Math.max(SECURITY_GROUP_RULE_QUOTA, Math.min(count, MAX_GENERATED_PORTS) + 40));
  return Object.fromEntries(Object.entries(EXAMPLE_AWS_INPUTS).map(([id, inputs]) => [id, { ...inputs, securityGroupRuleQuota: quota }]));
}
