import { PORTS } from '../src/spec/defaults';
import type { ObservabilitySpec, ServiceSpec } from '../src/spec/types';

/**
 * The example spec grown to `count` services: its own services stay first and unchanged (so
 * its environment overrides still name real services, and the marginal cost per added service
 * can be read against the example itself), then copies of them in turn, each with a distinct
 * name and, where the template scrapes metrics, a distinct port that no stack component uses.
 */
export function growSpec(example: ObservabilitySpec, count: number): ObservabilitySpec {
  const base = example.services;
  if (!Number.isInteger(count) || count < base.length) {
    throw new Error(`a generated spec needs a whole number of services, at least the example's ${base.length} (got ${count})`);
  }
  const names = new Set(base.map((s) => s.name));
  const usedPorts = new Set<number>([...Object.values(PORTS), ...base.flatMap((s) => (s.metrics ? [s.metrics.port] : []))]);
  let nextPort = Math.max(0, ...base.flatMap((s) => (s.metrics ? [s.metrics.port] : []))) + 1;
  const freePort = (): number => {
    while (usedPorts.has(nextPort)) nextPort++;
    if (nextPort > 65535) throw new Error(`not enough metrics ports for ${count} services`);
    usedPorts.add(nextPort);
    return nextPort;
  };

  const services: ServiceSpec[] = [...base];
  for (let i = base.length; i < count; i++) {
    const template = base[i % base.length];
    let name = `${template.name}-${i}`;
    for (let k = 2; names.has(name); k++) name = `${template.name}-${i}-${k}`;
    names.add(name);
    services.push({ ...template, name, ...(template.metrics ? { metrics: { ...template.metrics, port: freePort() } } : {}) });
  }
  return { ...example, services };
}
