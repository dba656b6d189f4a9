import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { interruptedLine } from '../../src/notebooks/run_notebooks';

describe('interruptedLine', () => {
  it('counts the result files written since the session started, not older ones, logs or locks', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'interrupted-'));
    const write = (rel: string, mtimeS: number): void => {
      const file = path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '{}');
      fs.utimesSync(file, mtimeS, mtimeS);
    };
    const since = 1_700_000_000_000;
    write('toy_rl/task1/rate0/seed0--0123456789ab.json', since / 1000 - 60); // before: not counted
    write('toy_rl/task1/rate0/seed1--0123456789ab.json', since / 1000 + 5);
    write('toy_mdl/task2/t/encoder/seed0--abcdefabcdef.json', since / 1000 + 9);
    write('toy_rl/task1/rate0/seed1--0123456789ab.steps.jsonl', since / 1000 + 5); // a log: not counted
    write('toy_rl/task1/rate0/seed2--0123456789ab.lock', since / 1000 + 5); // a lock: not counted
    write('toy_rl/task1/rate0/seed3.json', since / 1000 + 5); // old layout (no hash): not counted
    assert.equal(interruptedLine(since, root), 'interrupted: 2 runs finished and kept; rerun the same command to resume');
    assert.equal(interruptedLine(since + 6000, root), 'interrupted: 1 run finished and kept; rerun the same command to resume');
    assert.equal(interruptedLine(since, path.join(root, 'missing')), 'interrupted: 0 runs finished and kept; rerun the same command to resume');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
