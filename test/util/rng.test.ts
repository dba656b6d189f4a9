import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';

const draw = (seed: number | string, n = 20) => {
  const r = createRng(seed);
  return Array.from({ length: n }, () => r.uniform());
};

describe('createRng', () => {
  it('gives identical streams for the same seed and different ones for another seed', () => {
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
  });

  it('derives child streams from seed and label only, not from the parent state', () => {
    const a = createRng(5);
    const b = createRng(5);
    b.uniform();
    b.uniform();
    assert.equal(a.child('x').uniform(), b.child('x').uniform());
    assert.notEqual(a.child('x').uniform(), a.child('y').uniform());
  });

  it('draws integers uniformly in [0, n)', () => {
    const r = createRng(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40000; i++) counts[r.int(4)]++;
    // each count ~ Binomial(40000, 1/4): sd ~ 87, so 5 sd = 433
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 433, `count ${c}`);
  });

  it('draws standard normals with mean ~0 and variance ~1', () => {
    const r = createRng(4);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    assert.ok(Math.abs(mean) < 0.04, `mean ${mean}`); // 5 sd of the mean = 0.035
    assert.ok(Math.abs(v - 1) < 0.05, `var ${v}`);
  });

  it('shuffles into a permutation without touching the input', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8];
    const ys = createRng(1).shuffled(xs);
    assert.deepEqual(xs, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...ys].sort(), xs);
    assert.notDeepEqual(ys, xs);
  });

  it('rejects a bad int bound with a clear message', () => {
    assert.throws(() => createRng(1).int(0), /n must be a positive integer, got 0/);
  });
});
