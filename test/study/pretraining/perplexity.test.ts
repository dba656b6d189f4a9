import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { heldOutPerplexityRows } from '../../../src/study/pretraining/perplexity';

describe('held-out perplexity', () => {
  it('is exp of the loss in nats: ln 2048 nats -> 2048 (uniform over 2,048 tokens), ln 100 -> 100, 3 nats -> e^3', () => {
    const rows = heldOutPerplexityRows({ initialValLossNats: Math.log(2048), unigramValLossNats: Math.log(100), finalValLossNats: 3, valTokens: 5000 });
    assert.deepEqual(rows.map((r) => r.model), ['untrained (initialisation)', 'unigram (token frequencies, no context)', 'pre-trained']);
    assert.ok(Math.abs(rows[0].perplexity - 2048) < 1e-9);
    assert.ok(Math.abs(rows[1].perplexity - 100) < 1e-9);
    assert.ok(Math.abs(rows[2].perplexity - Math.exp(3)) < 1e-12);
    assert.equal(rows[2]['validation tokens'], 5000);
  });
});
