import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { CONFIG_FILE, WEIGHTS_FILE, gptConfigFromHf, hfKeyToName, importHfGpt2, loadCheckpoint, loadGPT, saveCheckpoint, saveGPT } from '../../src/lm/checkpoint';
import { writeSafetensorsFile } from '../../src/io/safetensors';
import { GPT } from '../../src/models/gpt';
import { ValueHead } from '../../src/models/heads';
import { createRng } from '../../src/util/rng';
import { TINY, maxAbsDiff } from '../models/tiny_models';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'models');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-'));
}

function bits(t: tf.Tensor): Uint8Array {
  const d = t.dataSync();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

describe('checkpoint', () => {
  before(async () => {
    await initBackend();
  });

  it('round-trips a GPT exactly: config and every weight bit for bit', async () => {
    const dir = tempDir();
    const model = GPT.init(TINY, createRng(1));
    await saveGPT(dir, model);
    assert.ok(fs.existsSync(path.join(dir, WEIGHTS_FILE)) && fs.existsSync(path.join(dir, CONFIG_FILE)));
    const loaded = loadGPT(dir);
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual([...loaded.namedWeights().keys()], [...model.namedWeights().keys()]);
    for (const [name, v] of model.namedWeights()) assert.deepEqual(bits(loaded.namedWeights().get(name)!), bits(v), name);
    const ids = tf.tensor2d([[1, 2, 3]], undefined, 'int32');
    const a = model.forward(ids).logits!;
    const b = loaded.forward(ids).logits!;
    assert.equal(maxAbsDiff(a, b), 0);
    tf.dispose([ids, a, b]);
    model.dispose();
    loaded.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves arbitrary named weights (a value head) and loads them back with kind and config', async () => {
    const dir = tempDir();
    const head = ValueHead.init(8, createRng(2));
    await saveCheckpoint(dir, 'value-head', { dModel: 8, dropout: 0.1 }, head.namedWeights());
    const ckpt = loadCheckpoint(dir);
    assert.equal(ckpt.kind, 'value-head');
    assert.deepEqual(ckpt.config, { dModel: 8, dropout: 0.1 });
    const back = ValueHead.fromTensors(ckpt.tensors);
    for (const [name, v] of head.namedWeights()) assert.deepEqual(bits(back.namedWeights().get(name)!), bits(v));
    tf.dispose([...ckpt.tensors.values()]);
    head.dispose();
    back.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('detects a config.json that belongs to other weights (a save torn between the two files)', async () => {
    const dir = tempDir();
    const model = GPT.init(TINY, createRng(3));
    await saveGPT(dir, model);
    const other = GPT.init(TINY, createRng(4));
    const host = new Map([...other.namedWeights()].map(([k, v]) => [k, { dtype: 'float32' as const, shape: v.shape, data: v.dataSync() as Float32Array }]));
    writeSafetensorsFile(path.join(dir, WEIGHTS_FILE), host); // new weights, old config
    assert.throws(() => loadGPT(dir), /does not match the SHA-256 recorded in config.json/);
    model.dispose();
    other.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports Hugging Face folders: strips `transformer.`, skips attn.bias buffers and tied lm_head, converts float16', () => {
    assert.equal(hfKeyToName('transformer.h.3.mlp.c_fc.weight', true), 'h.3.mlp.c_fc.weight');
    assert.equal(hfKeyToName('h.0.attn.bias', false), undefined);
    assert.equal(hfKeyToName('transformer.h.0.attn.masked_bias', false), undefined);
    assert.equal(hfKeyToName('lm_head.weight', true), undefined);
    assert.equal(hfKeyToName('lm_head.weight', false), 'lm_head.weight');
    const tied = importHfGpt2(path.join(FIXTURES, 'tiny_gpt2'));
    assert.deepEqual(tied.config, { vocabSize: 13, nPositions: 16, dModel: 32, nLayer: 2, nHead: 2, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 });
    const untied = loadGPT(path.join(FIXTURES, 'tiny_gpt2_untied')); // detected as HF by model_type
    assert.equal(untied.config.tiedEmbeddings, false);
    assert.deepEqual(untied.namedWeights().get('lm_head.weight')!.shape, [11, 16]);
    tied.dispose();
    untied.dispose();
  });

  it('rejects HF configs this GPT does not compute, naming the field', () => {
    const base = { model_type: 'gpt2', vocab_size: 5, n_positions: 8, n_embd: 8, n_layer: 1, n_head: 2 };
    assert.throws(() => gptConfigFromHf({ ...base, activation_function: 'relu' }), /activation_function = "relu" is not supported/);
    assert.throws(() => gptConfigFromHf({ ...base, n_inner: 16 }), /n_inner = 16 is not supported/);
    assert.throws(() => gptConfigFromHf({ ...base, attn_pdrop: 0 }), /attn_pdrop = 0 is not supported; expected equal .*\(one dropout rate\)/);
    assert.throws(() => gptConfigFromHf({ ...base, model_type: 'llama' }), /model_type = "llama"/);
    assert.equal(gptConfigFromHf({ ...base, n_inner: null }).dModel, 8);
  });
});
