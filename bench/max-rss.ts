/**
 * Preloaded into a benchmark child only where /usr/bin/time is missing: at exit the child
 * reports its own peak RSS (KiB on Linux) into the file the bench names.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => writeFileSync(target, `${process.resourceUsage().maxRSS}\n`));
}
