/**
 * One process of the "two processes, one run" test: runs `runOrReuse` on the cell given in argv
 * against the store folder in argv, with a computation that takes `ms` and appends one line to a
 * counter file per call, then prints `computed` or `reused`.
 *   node --import tsx test/io/run_store_worker.ts <storeDir> <counterFile> <ms>
 */
import * as fs from 'fs';
import { RunStore } from '../../src/io/run_store';

const [dir, counter, ms] = process.argv.slice(2);
const store = new RunStore(dir, { kind: 'toy_rl', backend: () => 'cpu', lockPollMs: 50, onNotice: (l) => console.error(l) });
store
  .runOrReuse({ key: 'task1/rate0/seed3', config: { lr: 0.1 } }, async (ctx) => {
    fs.appendFileSync(counter, `${process.pid}\n`);
    for (let i = 1; i <= 3; i++) {
      fs.appendFileSync(ctx.stepLogFile, JSON.stringify({ step: i, pid: process.pid }) + '\n');
      await new Promise((r) => setTimeout(r, Number(ms) / 3));
    }
    return { value: 42 };
  })
  .then((r) => console.log(r.reused ? 'reused' : 'computed'));
