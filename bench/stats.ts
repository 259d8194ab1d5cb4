/** What the benches share: their one statistic and the `--rounds N` option of the simple ones. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `[--rounds N]` of `npm run <script>`: N, or `fallback` when not given; wrong usage exits 1. */
export function parseRounds(script: string, args: readonly string[], fallback: number): number {
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(`usage: npm run ${script} [-- --rounds N]   (default ${fallback} timed rounds after one warm-up)\n`);
    process.exit(0);
  }
  if (args.length === 0) return fallback;
  const n = Number(args[1]);
  if (args[0] !== '--rounds' || args.length !== 2 || !Number.isInteger(n) || n < 1) {
    process.stderr.write(`${script}: expected --rounds N with N a whole number of at least 1 (got ${args.join(' ')})\n`);
    process.exit(1);
  }
  return n;
}
