/**
 * Which trace ids a `probabilistic` tail-sampling policy keeps, so a live test can expect an
 * exact set of kept traces instead of a count within a binomial bound. This is the collector's
 * rule (contrib tailsamplingprocessor, internal/sampling/probabilistic.go at v0.159.0, with the
 * `usetracestate` gate off, its default): keep when the 64-bit FNV-1a hash of the salt followed
 * by the 16 trace-id bytes is at most the threshold `MaxUint64 × percentage/100`, the product
 * rounded to 64 bits (big.Float) and truncated. Written here from that description.
 */
import { parse } from 'yaml';

const MASK = (1n << 64n) - 1n;
const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
/** The salt the collector uses when a policy sets no `hash_salt`. */
const DEFAULT_HASH_SALT = 'default-hash-seed';

function fnv1a64(bytes: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK;
  return h;
}

/** A double as an exact integer mantissa and power of two: x = m · 2^e. */
function exactDouble(x: number): { m: bigint; e: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return exp === 0 ? { m: frac, e: -1074n } : { m: frac | (1n << 52n), e: BigInt(exp - 1075) };
}

/** MaxUint64 × ratio as Go's big.Float computes it (64-bit mantissa, nearest even), then truncated to an integer. */
export function probabilisticThreshold(ratio: number): bigint {
  const { m, e } = exactDouble(ratio);
  let n = MASK * m;
  const bits = n.toString(2).length;
  if (bits > 64) {
    const shift = BigInt(bits - 64);
    let q = n >> shift;
    const rest = n - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    n = q << shift;
  }
  const value = e < 0n ? n >> -e : n << e;
  return value > MASK ? MASK : value;
}

export interface KeepRatioPolicy {
  readonly samplingPercentage: number;
  readonly hashSalt: string;
}

/** Whether the policy keeps the trace with this (hex) id. */
export function probabilisticKeeps(policy: KeepRatioPolicy, traceIdHex: string): boolean {
  const salt = new TextEncoder().encode(policy.hashSalt);
  const id = Buffer.from(traceIdHex, 'hex');
  if (id.length !== 16) throw new Error(`not a 16-byte trace id: ${traceIdHex}`);
  return fnv1a64(new Uint8Array([...salt, ...id])) <= probabilisticThreshold(policy.samplingPercentage / 100);
}

/** The one `probabilistic` policy of the rendered collector config's tail_sampling processor. */
export function keepRatioPolicy(collectorYaml: string): KeepRatioPolicy {
  const cfg = parse(collectorYaml) as { processors: Record<string, { policies?: { type: string; probabilistic?: { sampling_percentage: number; hash_salt?: string } }[] }> };
  const policies = Object.entries(cfg.processors)
    .filter(([id]) => id.split('/')[0] === 'tail_sampling')
    .flatMap(([, p]) => p.policies ?? [])
    .filter((p) => p.type === 'probabilistic');
  if (policies.length !== 1) throw new Error(`expected one probabilistic tail-sampling policy, found ${policies.length}`);
  const p = policies[0].probabilistic!;
  return { samplingPercentage: p.sampling_percentage, hashSalt: p.hash_salt || DEFAULT_HASH_SALT };
}
