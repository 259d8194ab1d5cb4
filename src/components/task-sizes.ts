import { FARGATE_MAX_CPU_UNITS, FARGATE_MAX_MEMORY_MIB } from '../spec/defaults';

/**
 * Fargate's task sizes: memory (MiB) allowed for each CPU value (units of 1/1024 vCPU).
 * A task definition with any other pair is refused at deploy time, long after synth.
 * Components that size themselves from the spec pick from this table.
 */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  [FARGATE_MAX_CPU_UNITS]: range(32768, FARGATE_MAX_MEMORY_MIB, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** The smallest Fargate size with at least `cpu` units and `memoryMiB`. */
export function fargateSizeAtLeast(cpu: number, memoryMiB: number): { cpu: number; memoryMiB: number } {
  for (const [c, memories] of Object.entries(FARGATE_MEMORY_BY_CPU).map(([k, v]) => [Number(k), v] as const)) {
    if (c < cpu) continue;
    const m = memories.find((x) => x >= memoryMiB);
    if (m !== undefined) return { cpu: c, memoryMiB: m };
  }
  throw new Error(`no Fargate task size has ${cpu} CPU units and ${memoryMiB} MiB`);
}
