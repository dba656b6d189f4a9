/**
 * The TypeScript GPT against Hugging Face GPT2LMHeadModel (transformers 5.18) with the same weights:
 * fixtures from test/reference/gen_gpt2_fixture.py, imported through the safetensors importer.
 * Tolerance 1e-4 absolute on logits of magnitude ~10 (float32 with different summation orders).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { importHfGpt2 } from '../../src/lm/checkpoint';
import { generate } from '../../src/models/sampling';
import { createRng } from '../../src/util/rng';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'models');
const TOL = 1e-4;

interface Case {
  input_ids: number[][];
  attention_mask?: number[][];
  logits: number[][][];
  greedy_new_tokens?: number[][];
}
interface Expected {
  plain: Case;
  left_padded: Case;
}

function worstRealTokenDiff(actual: number[][][], c: Case): number {
  let worst = 0;
  c.logits.forEach((row, b) =>
    row.forEach((logits, t) => {
      if (c.attention_mask && c.attention_mask[b][t] === 0) return; // pad positions are not compared
      logits.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - actual[b][t][k]))));
    }),
  );
  return worst;
}

for (const name of ['tiny_gpt2', 'tiny_gpt2_untied']) {
  describe(`GPT vs HF GPT2LMHeadModel (${name})`, () => {
    const dir = path.join(FIXTURES, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;

    before(async () => {
      await initBackend();
    });

    it(`matches HF logits within ${TOL} on an unpadded batch`, () => {
      const model = importHfGpt2(dir);
      const ids = tf.tensor2d(expected.plain.input_ids, undefined, 'int32');
      const logits = model.forward(ids).logits!;
      const diff = worstRealTokenDiff(logits.arraySync(), expected.plain);
      assert.ok(diff < TOL, `max abs diff ${diff}`);
      tf.dispose([ids, logits]);
      model.dispose();
    });

    it(`matches HF logits of real tokens within ${TOL} on a left-padded batch`, () => {
      const model = importHfGpt2(dir);
      const ids = tf.tensor2d(expected.left_padded.input_ids, undefined, 'int32');
      const mask = tf.tensor2d(expected.left_padded.attention_mask!);
      const logits = model.forward(ids, { attentionMask: mask }).logits!;
      const diff = worstRealTokenDiff(logits.arraySync(), expected.left_padded);
      assert.ok(diff < TOL, `max abs diff ${diff}`);
      tf.dispose([ids, mask, logits]);
      model.dispose();
    });

    it('decodes the same greedy tokens as HF generate from left-padded prompts (KV cache)', async () => {
      const model = importHfGpt2(dir);
      const ids = tf.tensor2d(expected.left_padded.input_ids, undefined, 'int32');
      const mask = tf.tensor2d(expected.left_padded.attention_mask!);
      const out = await generate(model, ids, mask, { maxNewTokens: 4, temperature: 0 }, createRng(0));
      assert.deepEqual(out.tokens.arraySync(), expected.left_padded.greedy_new_tokens);
      tf.dispose([ids, mask, out.tokens, out.logprobs, out.mask]);
      model.dispose();
    });
  });
}
