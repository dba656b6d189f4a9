import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  onlineCodeJson,
  MDL_BLOCK_FRACTIONS,
  blockEnds,
  interleaveByClass,
  onlineCodelength,
  type BlockScores,
  type Probe,
} from '../../src/probing/online_code';
import { createRng, type Rng } from '../../src/util/rng';

interface Ex {
  id: number;
  label: number;
}

const balanced = (n: number): Ex[] => Array.from({ length: n }, (_, id) => ({ id, label: id % 2 }));

/**
 * A stub probe: trained on m examples it gives the true label probability m / (m + 1), so every
 * block's codelength is known in closed form. It records what it was trained on and scored.
 */
function stubProbe(log: { trainIds: number[][]; scoredIds: number[][]; disposed: number; rngSeeds: string[] }): Probe<Ex> {
  return async (trainSet: readonly Ex[], rng: Rng) => {
    log.trainIds.push(trainSet.map((e) => e.id));
    log.rngSeeds.push(rng.seed);
    const p = trainSet.length / (trainSet.length + 1);
    return {
      score: async (examples: readonly Ex[]): Promise<BlockScores> => {
        log.scoredIds.push(examples.map((e) => e.id));
        return { exampleBits: examples.map(() => -Math.log2(p)), correct: examples.map(() => p > 0.5) };
      },
      dispose: () => {
        log.disposed++;
      },
    };
  };
}
const newLog = () => ({ trainIds: [] as number[][], scoredIds: [] as number[][], disposed: 0, rngSeeds: [] as string[] });

describe('MDL_BLOCK_FRACTIONS', () => {
  it('holds the 11 cumulative fractions of Voita & Titov (0.1 % ... 100 %)', () => {
    assert.deepEqual(MDL_BLOCK_FRACTIONS, [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.0625, 0.125, 0.25, 0.5, 1]);
  });
});

describe('blockEnds', () => {
  it('gives floor(N * f) for N divisible by the fractions (N = 20000)', () => {
    assert.deepEqual(blockEnds(20000), [20, 40, 80, 160, 320, 640, 1250, 2500, 5000, 10000, 20000]);
  });

  it('rounds down for N not divisible (N = 1001, 37)', () => {
    assert.deepEqual(blockEnds(1001), [1, 2, 4, 8, 16, 32, 62, 125, 250, 500, 1001]);
    assert.deepEqual(blockEnds(37), [0, 0, 0, 0, 0, 1, 2, 4, 9, 18, 37]);
  });

  it('leaves the first blocks empty for very small N (5, 10)', () => {
    assert.deepEqual(blockEnds(5), [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 5]);
    assert.deepEqual(blockEnds(10), [0, 0, 0, 0, 0, 0, 0, 1, 2, 5, 10]);
  });

  it('puts every example in exactly one block for every N up to 5000', () => {
    for (let n = 0; n <= 5000; n++) {
      const ends = blockEnds(n);
      assert.equal(ends[ends.length - 1], n);
      for (let i = 0; i < ends.length; i++) {
        const prev = i === 0 ? 0 : ends[i - 1];
        assert.ok(ends[i] >= prev, `n=${n}: ends decrease at ${i}`);
        // within one example of the exact cut N * f
        assert.ok(ends[i] <= n * MDL_BLOCK_FRACTIONS[i] + 1e-9 && ends[i] > n * MDL_BLOCK_FRACTIONS[i] - 1, `n=${n} i=${i}`);
      }
    }
  });

  it("equals Voita's int(f * N) in floating point for every N up to 20000", () => {
    for (let n = 0; n <= 20000; n++) {
      assert.deepEqual(
        blockEnds(n),
        MDL_BLOCK_FRACTIONS.map((f) => Math.floor(f * n)),
        `n=${n}`,
      );
    }
  });

  it('rejects a negative or fractional N', () => {
    assert.throws(() => blockEnds(-1), { message: 'n: -1 is outside [0, 900719925474]' });
    assert.throws(() => blockEnds(2.5), /n: 2.5 is not an integer/);
  });
});

describe('interleaveByClass', () => {
  it('alternates label 1 and label 0 when the classes are equal', () => {
    const out = interleaveByClass(balanced(20), createRng(0));
    assert.deepEqual(
      out.map((e) => e.label),
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    );
  });

  it('uses every example exactly once', () => {
    const ex = Array.from({ length: 101 }, (_, id) => ({ id, label: id % 3 === 0 ? 1 : 0 }));
    const out = interleaveByClass(ex, createRng(1));
    assert.deepEqual(
      out.map((e) => e.id).sort((a, b) => a - b),
      ex.map((e) => e.id),
    );
  });

  it('keeps each class within one example of its share in every prefix when classes are unequal', () => {
    for (const [nPos, nNeg] of [
      [3, 1],
      [60, 40],
      [7, 93],
      [1, 50],
    ]) {
      const ex = [...Array.from({ length: nPos }, (_, id) => ({ id, label: 1 })), ...Array.from({ length: nNeg }, (_, id) => ({ id: nPos + id, label: 0 }))];
      const out = interleaveByClass(ex, createRng(2));
      let pos = 0;
      out.forEach((e, i) => {
        pos += e.label;
        const expected = ((i + 1) * nPos) / (nPos + nNeg);
        assert.ok(Math.abs(pos - expected) <= 1, `${nPos}/${nNeg}: prefix ${i + 1} has ${pos} positives, share ${expected}`);
      });
    }
  });

  it('interleaves three classes round-robin, largest label first', () => {
    const ex = Array.from({ length: 9 }, (_, id) => ({ id, label: id % 3 }));
    assert.deepEqual(
      interleaveByClass(ex, createRng(3)).map((e) => e.label),
      [2, 1, 0, 2, 1, 0, 2, 1, 0],
    );
  });

  it('shuffles within classes: same seed same order, other seed another order', () => {
    const ids = (seed: number) => interleaveByClass(balanced(40), createRng(seed)).map((e) => e.id);
    assert.deepEqual(ids(4), ids(4));
    assert.notDeepEqual(ids(4), ids(5));
  });
});

describe('onlineCodelength', () => {
  it('gives the hand-computed codelength with a stub probe (N = 10)', async () => {
    // ends 0,0,0,0,0,0,0,1,2,5,10: block 7 (1 example) is sent uniformly: 1 bit; block 8 (1 example)
    // by a probe trained on 1: p = 1/2, 1 bit; block 9 (3) trained on 2: p = 2/3; block 10 (5) trained on 5: p = 5/6.
    const log = newLog();
    const r = await onlineCodelength(balanced(10), stubProbe(log), { nClasses: 2 }, createRng(0));
    const expected = 1 + 1 + 3 * Math.log2(3 / 2) + 5 * Math.log2(6 / 5);
    assert.ok(Math.abs(r.codelengthBits - expected) < 1e-12, `${r.codelengthBits} vs ${expected}`);
    assert.equal(r.uniformBits, 10);
    assert.equal(r.n, 10);
    assert.ok(Math.abs(r.compression - 10 / expected) < 1e-12);
    assert.equal(r.blocks.length, 11);
    assert.deepEqual(
      r.blocks.map((b) => b.size),
      [0, 0, 0, 0, 0, 0, 0, 1, 1, 3, 5],
    );
    assert.deepEqual(
      r.blocks.map((b) => b.accuracy),
      [null, null, null, null, null, null, null, null, 0, 1, 1],
    );
    assert.equal(r.blocks[7].bits, 1);
    assert.deepEqual(
      log.trainIds.map((t) => t.length),
      [1, 2, 5],
    );
  });

  it('trains each probe on exactly the examples before its block and scores every later example once', async () => {
    const log = newLog();
    await onlineCodelength(balanced(1000), stubProbe(log), { nClasses: 2 }, createRng(7));
    assert.equal(log.trainIds.length, 10);
    const order = [...log.trainIds[0], ...log.scoredIds.flat()];
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      balanced(1000).map((e) => e.id),
    );
    log.trainIds.forEach((train, i) => assert.deepEqual(train, order.slice(0, train.length), `block ${i + 1}`));
    assert.deepEqual(
      log.scoredIds.map((s) => s.length),
      [1, 2, 4, 8, 16, 30, 63, 125, 250, 500],
    );
    assert.equal(log.disposed, 10, 'every probe is disposed');
  });

  it('counts the uniform block as size * log2 K bits and N log2 K as the uniform code (K = 3)', async () => {
    const ex = Array.from({ length: 1000 }, (_, id) => ({ id, label: id % 3 }));
    const r = await onlineCodelength(ex, stubProbe(newLog()), { nClasses: 3 }, createRng(0));
    assert.equal(r.blocks[0].bits, Math.log2(3));
    assert.ok(Math.abs(r.uniformBits - 1000 * Math.log2(3)) < 1e-9);
  });

  it('is deterministic in the seed: same seed equal results, other seed another order', async () => {
    // a probe whose cost depends on the example, so the order shows in the result
    const probe: Probe<Ex> = async () => ({
      score: async (examples) => ({ exampleBits: examples.map((e) => (e.id % 7) / 7), correct: examples.map(() => true) }),
      dispose: () => undefined,
    });
    const run = (seed: number) => onlineCodelength(balanced(200), probe, { nClasses: 2 }, createRng(seed));
    assert.deepEqual(await run(1), await run(1));
    assert.notDeepEqual(await run(1), await run(2));
  });

  it('gives each block its own random stream derived from the seed', async () => {
    const log = newLog();
    await onlineCodelength(balanced(10), stubProbe(log), { nClasses: 2 }, createRng(3));
    assert.deepEqual(log.rngSeeds, ['3/block8', '3/block9', '3/block10']);
  });

  it('reports every block, empty ones included, with the training size', async () => {
    const events: { index: number; size: number; trainSize: number }[] = [];
    await onlineCodelength(balanced(10), stubProbe(newLog()), { nClasses: 2, onBlock: (e) => events.push({ index: e.index, size: e.size, trainSize: e.trainSize }) }, createRng(0));
    assert.equal(events.length, 11);
    assert.deepEqual(events.slice(7), [
      { index: 7, size: 1, trainSize: 0 },
      { index: 8, size: 1, trainSize: 1 },
      { index: 9, size: 3, trainSize: 2 },
      { index: 10, size: 5, trainSize: 5 },
    ]);
  });

  it('rejects labels outside [0, K), an empty set, and K < 2', async () => {
    await assert.rejects(onlineCodelength([{ id: 0, label: 2 }], stubProbe(newLog()), { nClasses: 2 }, createRng(0)), {
      message: 'examples[0].label: 2 is not allowed; expected an integer in [0, 1]',
    });
    await assert.rejects(onlineCodelength([], stubProbe(newLog()), { nClasses: 2 }, createRng(0)), { message: 'examples: is empty; expected at least 1 example' });
    await assert.rejects(onlineCodelength(balanced(4), stubProbe(newLog()), { nClasses: 1 }, createRng(0)), { message: 'nClasses: 1 is outside [2, 9007199254740991]' });
  });

  it('rejects a probe that returns the wrong number of scores', async () => {
    const bad: Probe<Ex> = async () => ({ score: async () => ({ exampleBits: [1], correct: [true] }), dispose: () => undefined });
    await assert.rejects(onlineCodelength(balanced(10), bad, { nClasses: 2 }, createRng(0)), {
      message: 'probe scores for block 9: got 1 bits and 1 flags; expected 3 of each',
    });
  });
});

describe('onlineCodeJson', () => {
  it('keeps the totals and each block\'s size, bits and accuracy, and nothing else', () => {
    const block = { size: 2, bits: 1.5, accuracy: 0.5, extra: 'x' };
    const result = { codelengthBits: 3, uniformBits: 4, compression: 4 / 3, n: 4, blocks: [block, { ...block, accuracy: null }], timings: [1] };
    assert.deepEqual(onlineCodeJson(result as never), { codelengthBits: 3, uniformBits: 4, compression: 4 / 3, n: 4, blocks: [{ size: 2, bits: 1.5, accuracy: 0.5 }, { size: 2, bits: 1.5, accuracy: null }] });
  });
});
