import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pairedRatios, pairedTable, type PairedResult } from '../../src/bench/paired';

describe('paired bench arithmetic', () => {
  it('gives tfjs / PyTorch throughput per pair as PyTorch ms over tfjs ms, with median, min and max', () => {
    // Pair 2 ran under load on both sides: its absolute times double, its ratio does not move.
    const r = pairedRatios([10, 20, 8], [20, 40, 4]);
    assert.deepEqual(r.ratios, [2, 2, 0.5]);
    assert.equal(r.median, 2);
    assert.equal(r.min, 0.5);
    assert.equal(r.max, 2);
  });

  it('has no ratio without pairs and refuses unpaired rounds', () => {
    assert.deepEqual(pairedRatios([], []), { ratios: [], median: null, min: null, max: null });
    assert.throws(() => pairedRatios([1, 2], [1]), /2 tfjs rounds but 1 PyTorch rounds; expected pairs/);
  });

  it('prints the median ratio and its range, or dashes for a tfjs-only line', () => {
    const line = { id: 'x', case: 'toy', work: 'train', tokensPerCall: 100, callsPerRound: 1, warmupCalls: 0, setup: async () => ({ call: async () => undefined, dispose: () => undefined }), torch: { kind: 'gpt_train', params: {} } };
    const base: PairedResult = { line, tfjsTokensPerSec: 1000, torchTokensPerSec: 500, ratios: [2, 1.5, 3], loadBefore: 1, loadAfter: 2, leakedTensors: 0 };
    const table = pairedTable([base, { ...base, torchTokensPerSec: null, ratios: [] }]).split('\n');
    assert.equal(table[2], '| toy | train | 1,000 | 500 | **2.00** | 1.50–3.00 | 1.0 → 2.0 |');
    assert.equal(table[3], '| toy | train | 1,000 | - | - | - | 1.0 → 2.0 |');
  });
});
