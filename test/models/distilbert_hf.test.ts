/**
 * The TypeScript DistilBERT classifier against Hugging Face DistilBertForSequenceClassification
 * (transformers 5.18) with the same random weights: fixture from test/reference/gen_distilbert_fixture.py,
 * imported through the safetensors importer. Tolerance 1e-4 absolute on logits of magnitude ~3
 * (float32 with different summation orders).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors';
import { geluErf } from '../../src/models/distilbert';
import { distilBertConfigFromHf, importHfDistilBert, loadHfDistilBert, loadHfDistilBertTokenizer } from '../../src/models/hf_distilbert_import';

const DIR = path.join(__dirname, '..', 'fixtures', 'models', 'tiny_distilbert');
const TOL = 1e-4;

interface LogitCase {
  input_ids: number[][];
  attention_mask: number[][];
  logits: number[][];
}
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as {
  texts: LogitCase & { texts: string[]; logits_unpadded: number[][] };
  truncated: LogitCase & { max_length: number };
  ids: LogitCase;
};

function maxAbsDiff(a: number[][], b: number[][]): number {
  assert.deepEqual([a.length, a[0].length], [b.length, b[0].length], 'shape');
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  return worst;
}

function logitsOf(c: LogitCase, withMask = true): number[][] {
  const { model } = importHfDistilBert(DIR);
  const ids = tf.tensor2d(c.input_ids, undefined, 'int32');
  const mask = tf.tensor2d(c.attention_mask);
  const logits = model.classify(ids, withMask ? mask : undefined);
  const out = logits.arraySync();
  tf.dispose([ids, mask, logits]);
  model.dispose();
  return out;
}

/** A copy of the fixture folder without the files `drop`, in a temporary directory. */
const tempDirs: string[] = [];
after(() => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function fixtureWithout(...drop: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distilbert-'));
  tempDirs.push(dir);
  for (const f of fs.readdirSync(DIR)) if (!drop.includes(f)) fs.copyFileSync(path.join(DIR, f), path.join(dir, f));
  return dir;
}

describe('DistilBERT vs HF DistilBertForSequenceClassification (tiny_distilbert)', () => {
  before(async () => {
    await initBackend();
  });

  it(`matches HF logits within ${TOL} on raw id batches with padding`, () => {
    const diff = maxAbsDiff(logitsOf(expected.ids), expected.ids.logits);
    assert.ok(diff < TOL, `max abs diff ${diff}`);
  });

  it(`matches HF logits within ${TOL} on tokenized texts in a right-padded batch`, () => {
    const diff = maxAbsDiff(logitsOf(expected.texts), expected.texts.logits);
    assert.ok(diff < TOL, `max abs diff ${diff}`);
    assert.ok(maxAbsDiff(expected.texts.logits, expected.texts.logits_unpadded) < TOL, 'HF: padding does not change the logits');
  });

  it(`matches HF logits within ${TOL} on texts truncated and padded to max_length`, () => {
    const diff = maxAbsDiff(logitsOf(expected.truncated), expected.truncated.logits);
    assert.ok(diff < TOL, `max abs diff ${diff}`);
  });

  it('changes the logits of padded rows when the mask is left out (the mask is used)', () => {
    const diff = maxAbsDiff(logitsOf(expected.texts, false), expected.texts.logits);
    assert.ok(diff > 1e-2, `max abs diff without the mask ${diff}`);
  });

  it('tokenizes and classifies texts end to end as HF does (folder loader)', () => {
    const { model, tokenizer, labels } = loadHfDistilBert(DIR);
    assert.deepEqual(labels, ['NEGATIVE', 'POSITIVE']);
    assert.equal(tokenizer.options.maxLength, 24);
    const batch = tokenizer.encodeBatch(expected.texts.texts);
    assert.deepEqual(batch.inputIds, expected.texts.input_ids);
    const ids = tf.tensor2d(batch.inputIds, undefined, 'int32');
    const mask = tf.tensor2d(batch.attentionMask);
    const logits = model.classify(ids, mask);
    const diff = maxAbsDiff(logits.arraySync(), expected.texts.logits);
    assert.ok(diff < TOL, `max abs diff ${diff}`);
    tf.dispose([ids, mask, logits]);
    model.dispose();
  });

  it('leaves no tensor behind per classify call, and frees its weights on dispose', () => {
    const before = tf.memory().numTensors;
    const { model } = importHfDistilBert(DIR);
    const ids = tf.tensor2d(expected.ids.input_ids, undefined, 'int32');
    const mask = tf.tensor2d(expected.ids.attention_mask);
    tf.dispose(model.classify(ids, mask));
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(model.classify(ids, mask));
    assert.equal(tf.memory().numTensors, warm);
    tf.dispose([ids, mask]);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('has a gradient with respect to its weights (a differentiable forward)', () => {
    const { model } = importHfDistilBert(DIR);
    const ids = tf.tensor2d(expected.ids.input_ids, undefined, 'int32');
    const mask = tf.tensor2d(expected.ids.attention_mask);
    const w = model.namedWeights().get('distilbert.transformer.layer.0.attention.q_lin.weight')!;
    const g = tf.grad(() => tf.sum(model.classify(ids, mask)))(w);
    assert.deepEqual(g.shape, w.shape);
    assert.ok(tf.norm(g).arraySync() as number > 0);
    tf.dispose([ids, mask, g]);
    model.dispose();
  });
});

describe('DistilBERT pieces', () => {
  it('uses the exact erf GELU: gelu(1) = 0.8413447, gelu(-1) = -0.1586553 (tanh form: 0.8411920)', () => {
    const y = geluErf(tf.tensor1d([1, -1, 0])).arraySync();
    assert.ok(Math.abs(y[0] - 0.8413447461) < 2e-6, `${y[0]}`);
    assert.ok(Math.abs(y[1] + 0.1586552539) < 2e-6, `${y[1]}`);
    assert.equal(y[2], 0);
  });

  it('reads the config and rejects an unsupported activation or model type in one line', () => {
    const hf = JSON.parse(fs.readFileSync(path.join(DIR, 'config.json'), 'utf8'));
    assert.deepEqual(distilBertConfigFromHf(hf), { vocabSize: 94, maxPositions: 24, dModel: 32, nLayer: 2, nHead: 2, dHidden: 64, nClasses: 2 });
    assert.throws(() => distilBertConfigFromHf({ ...hf, activation: 'relu' }), /^ConfigError: config.json: activation = "relu" is not supported; expected 'gelu'/);
    assert.throws(() => distilBertConfigFromHf({ ...hf, model_type: 'bert' }), /config.json: model_type = "bert" is not supported; expected 'distilbert'/);
  });
});

describe('DistilBERT folder errors name what is missing', () => {
  it('falls back to the WordPiece vocabulary of tokenizer.json when vocab.txt is absent', () => {
    const tok = loadHfDistilBertTokenizer(fixtureWithout('vocab.txt'));
    assert.deepEqual(tok.vocab, loadHfDistilBertTokenizer(DIR).vocab);
    assert.deepEqual(tok.encodeBatch(expected.texts.texts).inputIds, expected.texts.input_ids);
  });

  it('names a missing model.safetensors, and says how to convert pytorch_model.bin', () => {
    const dir = fixtureWithout('model.safetensors');
    assert.throws(() => importHfDistilBert(dir), /model\.safetensors: .* does not exist; expected the weights in safetensors format$/);
    fs.writeFileSync(path.join(dir, 'pytorch_model.bin'), '');
    assert.throws(() => importHfDistilBert(dir), /pytorch_model\.bin: convert it .*save_pretrained\(dir, safe_serialization=True\)/);
  });

  it('names a missing config.json, vocab.txt and folder', () => {
    assert.throws(() => importHfDistilBert(fixtureWithout('config.json')), /config\.json: .*config\.json does not exist; expected the DistilBertConfig/);
    assert.throws(() => loadHfDistilBert(fixtureWithout('vocab.txt', 'tokenizer.json')), /vocab\.txt: .*vocab\.txt does not exist; expected the WordPiece vocabulary/);
    assert.throws(() => importHfDistilBert(path.join(os.tmpdir(), 'no-such-distilbert')), /distilbertDir: .*no-such-distilbert is not a folder; expected a Hugging Face DistilBertForSequenceClassification folder/);
  });

  it('names a missing tensor with its expected shape', () => {
    const dir = fixtureWithout('model.safetensors');
    const { tensors } = parseSafetensors(fs.readFileSync(path.join(DIR, 'model.safetensors')));
    tensors.delete('pre_classifier.weight');
    fs.writeFileSync(path.join(dir, 'model.safetensors'), serializeSafetensors(tensors));
    assert.throws(() => importHfDistilBert(dir), /model\.safetensors: DistilBERT weights: 'pre_classifier\.weight' is missing; expected shape \[32, 32\]/);
  });
});

describe('DistilBERT on the other backends', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`matches HF logits within ${TOL} on the ${backend} backend (erf, gather and batched matmul kernels differ)`, async () => {
      await initBackend(backend); // throws when the backend is unavailable (both are package dependencies)
      assert.equal(tf.getBackend(), backend);
      for (const c of [expected.ids, expected.texts]) {
        const diff = maxAbsDiff(logitsOf(c), c.logits);
        assert.ok(diff < TOL, `${backend}: max abs diff ${diff}`);
      }
    });
  }
});
