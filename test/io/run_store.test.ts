import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunStore } from '../../src/io/run_store';
import { runGrid, type GridCell } from '../../src/io/run_store';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'grid-'));
const cells: GridCell<{ x: number }>[] = [1, 2, 3].map((x) => ({ key: `x${x}/seed0`, config: { x } }));

describe('runGrid', () => {
  it('stores one file per cell and reuses them on a rerun without recomputing', async () => {
    const store = new RunStore(tmp());
    let calls = 0;
    const square = async (c: GridCell<{ x: number }>) => (calls++, c.config.x ** 2);
    const first = await runGrid(cells, store, square);
    assert.deepEqual(first.map((r) => r.result), [1, 4, 9]);
    assert.equal(calls, 3);
    assert.deepEqual(store.keys(), ['x1/seed0', 'x2/seed0', 'x3/seed0']);
    const second = await runGrid(cells, store, square);
    assert.equal(calls, 3);
    assert.deepEqual(second.map((r) => [r.result, r.reused]), [[1, true], [4, true], [9, true]]);
  });

  it('resumes after a crash: finished cells survive, only the rest run again', async () => {
    const store = new RunStore(tmp());
    const ran: number[] = [];
    const crashy = async (c: GridCell<{ x: number }>) => {
      if (c.config.x === 3) throw new Error('crash in cell 3');
      ran.push(c.config.x);
      return c.config.x;
    };
    await assert.rejects(runGrid(cells, store, crashy), /crash in cell 3/);
    assert.deepEqual(store.keys(), ['x1/seed0', 'x2/seed0']);
    const again: number[] = [];
    const results = await runGrid(cells, store, async (c) => (again.push(c.config.x), c.config.x));
    assert.deepEqual(again, [3]);
    assert.deepEqual(results.map((r) => r.reused), [true, true, false]);
  });

  it('keeps runs of other numerics (another TensorFlow thread count) apart from the pinned ones', async () => {
    const dir = tmp();
    const pinned = new RunStore(dir, { backend: () => 'tensorflow', numerics: () => undefined });
    const twoThreads = new RunStore(dir, { backend: () => 'tensorflow', numerics: () => 'intraop2' });
    // The pinned identity is the one every archived run has: no numerics field, so their keys hold.
    assert.deepEqual(pinned.identity(), { kind: path.basename(dir), algorithmVersion: 1, backend: 'tensorflow' });
    assert.deepEqual(twoThreads.identity(), { kind: path.basename(dir), algorithmVersion: 1, backend: 'tensorflow', numerics: 'intraop2' });
    const one = [cells[0]];
    await runGrid(one, twoThreads, async () => 10);
    let calls = 0;
    const r = await runGrid(one, pinned, async () => (calls++, 1));
    assert.equal(calls, 1); // the 2-thread run is not reused as the pinned run
    assert.deepEqual(r.map((x) => [x.result, x.reused]), [[1, false]]);
    assert.equal(fs.readdirSync(path.join(dir, 'x1')).filter((f) => f.endsWith('.json')).length, 2); // both kept
    assert.deepEqual((await runGrid(one, twoThreads, async () => 99)).map((x) => [x.result, x.reused]), [[10, true]]);
  });

  it('recomputes a cell whose stored configuration differs', async () => {
    const store = new RunStore(tmp());
    await runGrid(cells, store, async (c) => c.config.x);
    const changed = [{ key: 'x1/seed0', config: { x: 10 } }];
    const [r] = await runGrid(changed, store, async (c) => c.config.x);
    assert.equal(r.reused, false);
    assert.equal(r.result, 10);
  });

  it('rejects duplicate keys and unsafe keys', async () => {
    const store = new RunStore(tmp());
    await assert.rejects(runGrid([cells[0], cells[0]], store, async () => 0), /key 'x1\/seed0' appears twice/);
    assert.throws(() => store.file('../escape'), /key: '..\/escape' is not allowed/);
  });

  it('treats a torn result file as missing', async () => {
    const dir = tmp();
    const store = new RunStore(dir);
    fs.mkdirSync(path.join(dir, 'x1'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'x1', 'seed0.json'), '{"config": {"x": 1}, "res');
    const [r] = await runGrid([cells[0]], store, async () => 42);
    assert.equal(r.reused, false);
    assert.equal(r.result, 42);
  });
});
