/**
 * Loading a Hugging Face GPT-2 folder as the language model: a folder written the way
 * `save_pretrained` writes GPT-2 (config.json, `transformer.`-prefixed safetensors, merges.txt,
 * vocab.json with <|endoftext|> last) is rebuilt with the same token ids and logits, plus a pad row.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { writeSafetensorsFile, type HostTensor } from '../../src/io/safetensors';
import { loadHfLanguageModel, parseMergesTxt } from '../../src/lm/hf_gpt2_import';
import { trainBpeTokenizer } from '../../src/tokenizer/bpe_tokenizer';
import { GPT } from '../../src/models/gpt';
import { ConfigError } from '../../src/util/assert';
import { createRng } from '../../src/util/rng';

const TEXTS = ['the cat sat on the mat', 'the dog sat on the log', 'a cat and a dog', 'the end of the story'];

/** Writes a GPT-2-style HF folder; returns it with the original model (vocab = merges + bytes + EOS, no pad). */
function writeHfFolder(withVocab: boolean): { dir: string; model: GPT; merges: number } {
  const tok = trainBpeTokenizer(TEXTS, { vocabSize: 270, minPairFrequency: 2 });
  const vocabSize = tok.eosId + 1;
  const model = GPT.init({ vocabSize, nPositions: 16, dModel: 16, nLayer: 1, nHead: 2, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 }, createRng(0));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-gpt2-'));
  const host = new Map<string, HostTensor>();
  for (const [name, v] of model.namedWeights()) host.set(`transformer.${name}`, { dtype: 'float32', shape: v.shape, data: v.dataSync() as Float32Array });
  writeSafetensorsFile(path.join(dir, 'model.safetensors'), host, { format: 'pt' });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2', activation_function: 'gelu_new', n_embd: 16, n_head: 2, n_layer: 1, n_positions: 16, vocab_size: vocabSize, tie_word_embeddings: true }));
  fs.writeFileSync(path.join(dir, 'merges.txt'), '#version: 0.2\n' + tok.merges.map(([a, b]) => `${a} ${b}`).join('\n') + '\n');
  if (withVocab) fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify({ ...tok.toJSON().model.vocab, '<|endoftext|>': tok.eosId }));
  return { dir, model, merges: tok.merges.length };
}

describe('loadHfLanguageModel', () => {
  before(async () => {
    await initBackend();
  });

  it("rebuilds GPT-2's ids from merges.txt and adds one pad row without changing the other logits", () => {
    const { dir, model, merges } = writeHfFolder(true);
    const { model: lm, tokenizer } = loadHfLanguageModel(dir);
    assert.equal(tokenizer.eosId, 256 + merges);
    assert.equal(lm.config.vocabSize, tokenizer.vocabSize);
    assert.equal(tokenizer.padId, model.config.vocabSize);
    const ids = tf.tensor2d([tokenizer.encode('the cat sat on the log')], undefined, 'int32');
    const before = model.forward(ids).logits as tf.Tensor3D; // [1, seq, vocab]
    const after = lm.forward(ids).logits as tf.Tensor3D; // [1, seq, vocab + 1]
    const kept = tf.slice(after, [0, 0, 0], before.shape);
    assert.ok(tf.max(tf.abs(tf.sub(kept, before))).dataSync()[0] < 1e-5);
    for (const t of [ids, before, after, kept]) t.dispose();
    model.dispose();
    lm.dispose();
  });

  it('rejects a vocab.json that disagrees with the merges, naming the token', () => {
    const { dir, model } = writeHfFolder(true);
    fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify({ '!': 1 }));
    assert.throws(() => loadHfLanguageModel(dir), (e: Error) => e instanceof ConfigError && /^vocab\.json: '!' has id 1/.test(e.message));
    model.dispose();
  });

  it('explains that the tokenizer is needed when merges.txt is missing', () => {
    const { dir, model } = writeHfFolder(false);
    fs.rmSync(path.join(dir, 'merges.txt'));
    assert.throws(() => loadHfLanguageModel(dir), (e: Error) => e instanceof ConfigError && /^hfModelDir: .* has no merges\.txt/.test(e.message));
    model.dispose();
  });
});

describe('parseMergesTxt', () => {
  it('skips the version header and reads one pair per line', () => {
    assert.deepEqual(parseMergesTxt('#version: 0.2\nĠ t\nh e\n'), [['Ġ', 't'], ['h', 'e']]);
  });
});
