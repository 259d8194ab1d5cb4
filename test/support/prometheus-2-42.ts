/**
 * The npm tests run Debian's Prometheus 2.42 (apt) against what we deploy to 3.x. Only the parts
 * listed in PROMETHEUS_3_ONLY are new in 3.x (the OTLP receiver's flag and `otlp:` block): they
 * are removed here, by name, and the live tests check them with the deployed 3.x build.
 */
import { parse, stringify } from 'yaml';
import { PROMETHEUS_3_ONLY } from '../../src/render/prometheus';

/** The flags without the 3.x-only ones (an unknown flag stops 2.42 before it reads anything). */
export function flagsFor242(args: readonly string[]): string[] {
  return args.filter((a) => !(PROMETHEUS_3_ONLY.flags as readonly string[]).includes(a));
}

/** prometheus.yml without the 3.x-only top-level keys. */
export function configFor242(yaml: string): string {
  const doc = parse(yaml) as Record<string, unknown>;
  for (const key of PROMETHEUS_3_ONLY.configKeys) delete doc[key];
  return stringify(doc);
}
