/**
 * Runs a worker pool in its own process for the signal test: `pool_runner.ts <dir> <n>` starts
 * `n` cells that each write their pid (and their child's) to `<dir>` and then wait; the test sends
 * SIGTERM to this process and checks that every worker's process group is gone.
 */
import { runCells } from '../../src/grid/worker_pool';

const [dir, n] = process.argv.slice(2);
// Each cell: a node that starts a `sleep` grandchild in its own group, writes both pids, waits.
const script = `
  const { spawn } = require('child_process');
  const fs = require('fs');
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  fs.writeFileSync(process.argv[1] + '/' + process.pid + '.pids', process.pid + ' ' + child.pid);
  setInterval(() => {}, 1000);`;
const cells = Array.from({ length: Number(n) }, (_, i) => ({ key: `c${i}`, argv: [dir] }));
runCells(cells, {
  jobs: Number(n),
  threadsPerWorker: 1,
  cwd: process.cwd(),
  spawnSpec: (cell) => ({ command: process.execPath, args: ['-e', script, ...cell.argv] }),
}).then((r) => {
  process.stdout.write(JSON.stringify({ interrupted: r.interrupted, failed: r.failures.length }) + '\n');
});
