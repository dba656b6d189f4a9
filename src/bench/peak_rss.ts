/**
 * Child process of the bench's memory lines: runs one CLI command (`src/cli.ts` argv) in this
 * process, then prints one JSON line `{"code", "ms", "maxRssMiB"}` (peak resident set size of the
 * whole process, see `peakRssMiB`). `npm run bench` starts it once per memory line.
 */
import * as fs from 'fs';
import { main } from '../cli';

/**
 * Peak resident set of this process in MiB: Linux's VmHWM (the high-water mark of this program's
 * memory map, fresh after exec), else getrusage's maxRSS, which on Linux also counts the parent's
 * memory copied at fork and so reads the bench's own size for every child.
 */
function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function run(): Promise<void> {
  const t0 = performance.now();
  const code = await main(process.argv.slice(2), { out: () => undefined, err: (l) => console.error(l) });
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ code, ms, maxRssMiB: peakRssMiB() }));
  process.exitCode = code;
}

run().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
