import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunStore } from '../../src/io/run_store';
import { reuseLine, runProgress, runSteppedGridCountingReuse, type SteppedProgress } from '../../src/study/grid_progress';

describe('grid progress', () => {
  it('counts the stored runs of a stepped grid in units, and only those', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-progress-'));
    try {
      const store = new RunStore(dir);
      const cells = [0, 1, 2].map((i) => ({ key: `run${i}`, config: { i } }));
      const run = async (_cell: unknown, onStep: (index: number) => void) => {
        for (let b = 0; b < 3; b++) onStep(b);
        return { ok: true };
      };
      await runSteppedGridCountingReuse(cells.slice(0, 2), store, 3, run, (c) => `r${c.i}`); // runs 0 and 1 stored
      const events: SteppedProgress[] = [];
      const runs = await runSteppedGridCountingReuse(cells, store, 3, run, (c) => `r${c.i}`, (p) => events.push(p));
      assert.deepEqual(events.map((e) => [e.done, e.reused]), [[3, 3], [6, 6], [7, 6], [8, 6], [9, 6], [9, 6]]);
      assert.ok(events.every((e) => e.total === 9 && e.unitsPerRun === 3));
      assert.equal(reuseLine(runs), '3 runs: 1 computed now (run2), 2 reused from the store');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns a grid event into a display state and shortens long lists of computed runs', () => {
    assert.deepEqual(runProgress({ done: 2, total: 5, reused: 1, cell: { key: 'task1/seed0', config: {} } }, 'RL '), { done: 2, total: 5, reused: 1, label: 'RL task1/seed0' });
    const runs = Array.from({ length: 4 }, (_, i) => ({ key: `k${i}`, reused: false }));
    assert.equal(reuseLine(runs, 'SFT runs', 2), '4 SFT runs: 4 computed now (k0, k1, … 2 more), 0 reused from the store');
    assert.equal(reuseLine([{ task: 2, rate: 0.01, seed: 3, reused: false }, { task: 1, rate: 0, seed: 0, reused: true }]), '2 runs: 1 computed now (task2/rate0.01/seed3), 1 reused from the store');
  });
});
