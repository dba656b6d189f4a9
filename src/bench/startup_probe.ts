/**
 * What every grid cell pays before it computes anything: Node, tsx, the CLI's imports and the
 * tensor backend. `grid_bench` times this file as the per-task start-up of a worker or a Slurm
 * array task. Prints one JSON line: `{"backend": ..., "importMs": ..., "backendMs": ...}`.
 */
const t0 = Date.now();
// eslint-disable-next-line @typescript-eslint/no-var-requires
require('../cli');
const t1 = Date.now();
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { initBackend } = require('../backend') as typeof import('../backend');
initBackend().then((r) => {
  process.stdout.write(JSON.stringify({ backend: r.backend, importMs: t1 - t0, backendMs: Date.now() - t1 }) + '\n');
});
