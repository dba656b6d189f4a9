// A stand-in for src/cli.ts in the Slurm test (plain JS: starts in ~50 ms without tsx).
// usage: node tiny_cli.js <outDir> <key> <sleepMs> [exitCode]
// Writes <outDir>/<key>.json with its argv, thread env, host and start/end times; then exits
// with exitCode (default 0), printing a line on stderr when it is not 0.
const fs = require('fs');
const [outDir, key, sleepMs, exitCode = '0'] = process.argv.slice(2);
const startMs = Date.now();
setTimeout(() => {
  const env = ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS'].map((k) => process.env[k] ?? null);
  const record = { key, argv: process.argv.slice(2), env, cwd: process.cwd(), task: process.env.SLURM_ARRAY_TASK_ID ?? null, startMs, endMs: Date.now() };
  if (exitCode !== '0') {
    process.stderr.write(`tiny_cli: cell ${key} fails on purpose with exit code ${exitCode}\n`);
    process.exit(Number(exitCode));
  }
  fs.writeFileSync(`${outDir}/${key}.json`, JSON.stringify(record) + '\n');
}, Number(sleepMs));
