import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockCurve, extractabilityBar, meanAndSem, relativeExtractability, taskExtractability } from '../../src/probing/extractability';

describe('relativeExtractability', () => {
  it('averages the per-seed ratios MDL(s)/MDL(t) and gives their standard error (n - 1)', () => {
    // ratios 2 and 1.5: mean 1.75, sample sd sqrt(2 * 0.25^2 / 1) = 0.35355, sem = sd / sqrt(2) = 0.25
    const r = relativeExtractability([100, 90], [50, 60]);
    assert.deepEqual(r.perSeed, [2, 1.5]);
    assert.equal(r.mean, 1.75);
    assert.ok(Math.abs((r.sem as number) - 0.25) < 1e-12);
    assert.equal(r.n, 2);
    assert.ok(Math.abs(r.ratioOfMeans - 95 / 55) < 1e-12);
  });

  it('gives no standard error for a single seed', () => {
    assert.equal(relativeExtractability([10], [5]).sem, null);
  });

  it('rejects unpaired seeds and non-positive codelengths', () => {
    assert.throws(() => relativeExtractability([1, 2], [1]), { message: 'mdlTBits: has 1 seeds; expected 2, one per seed of mdlSBits' });
    assert.throws(() => relativeExtractability([], []), { message: 'mdlSBits: is empty; expected at least one seed' });
    assert.throws(() => relativeExtractability([1, 0], [1, 1]), { message: 'mdlSBits[1]: 0 is not allowed; expected a finite codelength > 0' });
  });
});

describe('meanAndSem', () => {
  it('matches a hand computation for 4 values', () => {
    // 1,2,3,4: mean 2.5, sample variance 5/3, sem sqrt(5/3/4)
    const { mean, sem } = meanAndSem([1, 2, 3, 4]);
    assert.equal(mean, 2.5);
    assert.ok(Math.abs((sem as number) - Math.sqrt(5 / 12)) < 1e-12);
  });
});

describe('taskExtractability', () => {
  const run = (feature: 's' | 't', seed: number, codelengthBits: number, task = 1) => ({ task, feature, seed, codelengthBits, compression: 100 / codelengthBits });

  it('pairs s and t by seed, skips unpaired seeds and other tasks, and averages the per-seed ratios', () => {
    const runs = [run('s', 0, 20), run('t', 0, 10), run('s', 1, 30), run('t', 1, 60), run('s', 2, 5), run('t', 9, 5), run('s', 0, 999, 2), run('t', 0, 1, 2)];
    const e = taskExtractability(runs, 1);
    assert.ok(e);
    assert.equal(e.seeds, 2);
    assert.equal(e.mdlSBits, 25);
    assert.equal(e.mdlTBits, 35);
    assert.equal(e.relMdl, (2 + 0.5) / 2); // ratios 20/10 and 30/60
    assert.ok(Math.abs((e.relMdlSem as number) - 0.75) < 1e-12); // sd of {2, 0.5} = 1.0607, / sqrt(2)
    assert.equal(e.compressionS, (100 / 20 + 100 / 30) / 2);
  });

  it('returns null when no seed has both probes', () => {
    assert.equal(taskExtractability([run('s', 0, 20), run('t', 1, 10)], 1), null);
  });
});

describe('blockCurve and extractabilityBar', () => {
  it('averages bits per example and accuracy over seeds per block, skipping empty blocks', () => {
    const seedA = { blocks: [{ size: 0, bits: 0, accuracy: null }, { size: 2, bits: 2, accuracy: null }, { size: 4, bits: 2, accuracy: 0.5 }] };
    const seedB = { blocks: [{ size: 0, bits: 0, accuracy: null }, { size: 2, bits: 2, accuracy: null }, { size: 4, bits: 6, accuracy: 1 }] };
    assert.deepEqual(blockCurve([seedA, seedB]), [
      { block: 2, size: 2, bitsPerExample: 1, accuracy: null, seeds: 2 },
      { block: 3, size: 4, bitsPerExample: 1, accuracy: 0.75, seeds: 2 },
    ]);
    assert.deepEqual(blockCurve([]), []);
  });

  it('spans ratio +- SEM, keeping the lower end above a tenth of the ratio', () => {
    assert.deepEqual(extractabilityBar(2, 0.5), { ratio: 2, lo: 1.5, hi: 2.5 });
    assert.deepEqual(extractabilityBar(1, 5), { ratio: 1, lo: 0.1, hi: 6 });
    assert.deepEqual(extractabilityBar(1, null), { ratio: 1, lo: 1, hi: 1 });
  });
});
