/**
 * Durations in the spec are a whole number of hours, days or weeks: `12h`, `14d`, `2w`.
 * Tempo wants Go durations in hours (`336h`), Prometheus accepts `d`/`w`, AWS lifecycle
 * rules want whole days: everything is derived from the hour count.
 */
export const DURATION_PATTERN = /^([1-9][0-9]{0,5})(h|d|w)$/;
export const DURATION_HINT = 'a duration like 12h, 14d or 2w';

const HOURS_PER_UNIT: Record<string, number> = { h: 1, d: 24, w: 24 * 7 };

export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/** Hours in a duration; throws on a malformed one (the schema rejects those first). */
export function durationHours(text: string): number {
  const m = DURATION_PATTERN.exec(text);
  if (!m) throw new Error(`not ${DURATION_HINT}: ${JSON.stringify(text)}`);
  return Number(m[1]) * HOURS_PER_UNIT[m[2]];
}

/** `336h`: the form Tempo prints and accepts. */
export function goHours(hours: number): string {
  return `${hours}h`;
}

/** The shortest exact spelling for humans and for Prometheus flags: `2w`, `14d`, `36h`. */
export function humanDuration(hours: number): string {
  if (hours % (24 * 7) === 0) return `${hours / (24 * 7)}w`;
  if (hours % 24 === 0) return `${hours / 24}d`;
  return `${hours}h`;
}

/** Latency thresholds: `250ms`, `2s`. */
export const LATENCY_PATTERN = /^([1-9][0-9]{0,6})(ms|s)$/;
export const LATENCY_HINT = 'a latency like 500ms or 2s';

export function latencyMs(text: string): number {
  const m = LATENCY_PATTERN.exec(text);
  if (!m) throw new Error(`not ${LATENCY_HINT}: ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** Scrape intervals: whole seconds or minutes, as Prometheus writes them (`15s`, `1m`). */
export const INTERVAL_PATTERN = /^([1-9][0-9]{0,3})(s|m)$/;
export const INTERVAL_HINT = 'an interval like 15s or 1m';

export function intervalSeconds(text: string): number {
  const m = INTERVAL_PATTERN.exec(text);
  if (!m) throw new Error(`not ${INTERVAL_HINT}: ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}
