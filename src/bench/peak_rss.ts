/**
 * Child process of the bench's memory lines: runs one CLI command (`src/cli.ts` argv) in this
 * process, then prints one JSON line `{"code", "ms", "maxRssMiB"}` (peak resident set size of the
 * whole process, from getrusage). `npm run bench` starts it once per memory line.
 */
import { main } from '../cli';

async function run(): Promise<void> {
  const t0 = performance.now();
  const code = await main(process.argv.slice(2), { out: () => undefined, err: (l) => console.error(l) });
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ code, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exitCode = code;
}

run().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
