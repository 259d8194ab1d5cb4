/**
 * Preloaded into a benchmark child only where /usr/bin/time is missing: at exit the child
 * reports its own peak RSS (KiB on Linux) and CPU time (user and system, seconds) into the file
 * the bench names, as `/usr/bin/time -f '%M %U %S'` would.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(target, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
  });
}
