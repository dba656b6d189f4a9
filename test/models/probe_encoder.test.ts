import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import {
  TOY_PROBE_CONFIG,
  createProbeEncoder,
  sinusoidalPositions,
  type ProbeEncoderConfig,
  type WeightValues,
} from '../../src/models/probe_encoder';
import { trainClassifier, tokenizedSet } from '../../src/probing/probe_training';
import { createRng } from '../../src/util/rng';

// PyTorch reference: test/reference/gen_mdl_fixtures.py (transformer_toy.py at width 16).
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/probing/mdl_reference.json'), 'utf8'));
const ref = fixture.probe_encoder;
const refCfg: ProbeEncoderConfig = {
  vocabSize: ref.config.vocab_size,
  maxLen: ref.config.max_len,
  dModel: ref.config.hidden_size,
  nHead: ref.config.num_heads,
  nLayer: ref.config.num_layers,
  dFF: ref.config.dim_ff,
  dropout: ref.config.dropout,
  nClasses: ref.config.num_classes,
  head: 'dense-tanh',
  headDropout: ref.config.head_dropout,
  layerNormEps: ref.config.layer_norm_eps,
  identicalLayerInit: true,
};
const small: ProbeEncoderConfig = { ...refCfg };

function maxAbsDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i][j]))));
}

describe('probe encoder', () => {
  before(async () => {
    await initBackend();
  });

  it('pins the toy probe to the original: width 256, 2 layers, 4 heads, FFN 2048, dropout 0.1, post-LN, dense-tanh head', () => {
    assert.deepEqual(
      { ...TOY_PROBE_CONFIG },
      {
        vocabSize: 10,
        maxLen: 10,
        dModel: 256,
        nHead: 4,
        nLayer: 2,
        dFF: 2048,
        dropout: 0.1,
        nClasses: 2,
        head: 'dense-tanh',
        headDropout: 0.5,
        layerNormEps: 1e-5,
        identicalLayerInit: true,
      },
    );
  });

  it('reproduces PyTorch eval-mode logits from the same weights (float32, 1e-5)', () => {
    const enc = createProbeEncoder(refCfg, createRng(0));
    enc.loadWeights(ref.weights as Record<string, WeightValues>);
    const logits = tf.tidy(() => enc.logits(tf.tensor2d(ref.ids, undefined, 'int32'), false).arraySync() as number[][]);
    enc.dispose();
    const diff = maxAbsDiff(logits, ref.logits_eval);
    assert.ok(diff < 1e-5, `max |diff| ${diff}`);
  });

  it('matches PyTorch after one Adam step with dropout off (gradients and optimizer)', async () => {
    const enc = createProbeEncoder({ ...refCfg, dropout: 0, headDropout: 0 }, createRng(0));
    enc.loadWeights(ref.weights as Record<string, WeightValues>);
    const data = tokenizedSet(ref.ids, ref.adam_step.labels);
    const { lossNatsPerEpoch } = await trainClassifier(enc, data, { epochs: 1, batchSize: data.n, learningRate: ref.adam_step.lr }, createRng(0));
    assert.ok(Math.abs(lossNatsPerEpoch[0] - ref.adam_step.loss_nats) < 1e-5, `loss ${lossNatsPerEpoch[0]} vs ${ref.adam_step.loss_nats}`);
    const logits = tf.tidy(() => enc.logits(tf.tensor2d(ref.ids, undefined, 'int32'), false).arraySync() as number[][]);
    enc.dispose();
    const diff = maxAbsDiff(logits, ref.adam_step.logits_after);
    assert.ok(diff < 1e-5, `max |diff| ${diff}`);
  });

  it('has the state-dict keys and shapes of the PyTorch module', () => {
    const enc = createProbeEncoder(refCfg, createRng(0));
    const ours = Object.fromEntries([...enc.namedWeights()].map(([k, v]) => [k, v.shape]));
    const theirs = Object.fromEntries(Object.entries(ref.weights as Record<string, WeightValues>).map(([k, v]) => [k, v.shape]));
    enc.dispose();
    assert.deepEqual(ours, theirs);
  });

  it('starts every layer from the same weights, as nn.TransformerEncoder does, unless told otherwise', () => {
    assert.equal(fixture.torch_layer_clones_identical, true);
    const sameInit = (identicalLayerInit: boolean) => {
      const enc = createProbeEncoder({ ...small, identicalLayerInit }, createRng(1));
      const w = enc.namedWeights();
      const a = w.get('transformer.layers.0.linear1.weight')!.dataSync();
      const b = w.get('transformer.layers.1.linear1.weight')!.dataSync();
      enc.dispose();
      return a.every((x, i) => x === b[i]);
    };
    assert.equal(sameInit(true), true);
    assert.equal(sameInit(false), false);
  });

  it('initialises like PyTorch: N(0,1) embedding, Xavier in-projection, zero attention biases', () => {
    const enc = createProbeEncoder({ ...TOY_PROBE_CONFIG, vocabSize: 50 }, createRng(2));
    const w = enc.namedWeights();
    const emb = Array.from(w.get('embedding.weight')!.dataSync());
    const mean = emb.reduce((s, x) => s + x, 0) / emb.length;
    const sd = Math.sqrt(emb.reduce((s, x) => s + (x - mean) ** 2, 0) / emb.length);
    // 12,800 draws: sd of the sample mean 0.009, of the sample sd about 0.006
    assert.ok(Math.abs(mean) < 0.04 && Math.abs(sd - 1) < 0.03, `mean ${mean} sd ${sd}`);
    const inProj = Array.from(w.get('transformer.layers.0.self_attn.in_proj_weight')!.dataSync());
    const bound = Math.sqrt(6 / (256 + 768));
    const maxAbs = inProj.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(maxAbs <= bound && maxAbs > 0.99 * bound, `max |w| ${maxAbs}, bound ${bound}`);
    assert.ok(w.get('transformer.layers.0.self_attn.in_proj_bias')!.dataSync().every((x) => x === 0));
    assert.ok(w.get('transformer.layers.0.self_attn.out_proj.bias')!.dataSync().every((x) => x === 0));
    enc.dispose();
  });

  it('gives identical logits for the same seed and different ones for another seed', () => {
    const ids = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 0]];
    const run = (seed: number) => {
      const enc = createProbeEncoder(small, createRng(seed));
      const out = tf.tidy(() => enc.logits(tf.tensor2d(ids, undefined, 'int32'), false).arraySync());
      enc.dispose();
      return out;
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
  });

  it('applies dropout only in training mode', () => {
    const enc = createProbeEncoder(small, createRng(5));
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8, 9, 0]], undefined, 'int32');
    const evalA = enc.logits(ids, false);
    const evalB = enc.logits(ids, false);
    const trainA = enc.logits(ids, true);
    const trainB = enc.logits(ids, true);
    assert.deepEqual(evalA.arraySync(), evalB.arraySync());
    assert.notDeepEqual(trainA.arraySync(), trainB.arraySync());
    tf.dispose([ids, evalA, evalB, trainA, trainB]);
    enc.dispose();
  });

  it('lets the first token change the classification read at the last position (no causal mask)', () => {
    const enc = createProbeEncoder(small, createRng(6));
    const out = tf.tidy(() => enc.logits(tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8, 9, 0], [9, 2, 3, 4, 5, 6, 7, 8, 9, 0]], undefined, 'int32'), false).arraySync());
    enc.dispose();
    assert.notDeepEqual(out[0], out[1]);
  });

  it('frees every tensor on dispose and leaks none per forward pass', () => {
    const before = tf.memory().numTensors;
    const enc = createProbeEncoder(small, createRng(7));
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8, 9, 0]], undefined, 'int32');
    const afterCreate = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) enc.logits(ids, true).dispose();
    assert.equal(tf.memory().numTensors, afterCreate);
    ids.dispose();
    enc.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects a sequence longer than maxLen and a head count that does not divide the width', () => {
    const enc = createProbeEncoder({ ...small, maxLen: 4 }, createRng(0));
    const ids = tf.tensor2d([[1, 2, 3, 4, 5]], undefined, 'int32');
    assert.throws(() => enc.logits(ids, false), { message: 'ids: sequence length 5 exceeds maxLen 4' });
    ids.dispose();
    enc.dispose();
    assert.throws(() => createProbeEncoder({ ...small, nHead: 3 }, createRng(0)), { message: 'nHead: 3 does not divide dModel 16; expected a divisor of dModel' });
    assert.throws(() => createProbeEncoder({ ...small, head: 'mlp' as 'linear' }, createRng(0)), { message: "head: 'mlp' is not allowed; expected one of 'dense-tanh', 'linear'" });
  });

  it('builds sinusoids with sin on even and cos on odd dimensions', () => {
    const pe = sinusoidalPositions(3, 4);
    const v = pe.arraySync();
    pe.dispose();
    // position 2, dims 2,3: angle = 2 * 10000^(-2/4) = 0.02
    assert.ok(Math.abs(v[2][2] - Math.sin(0.02)) < 1e-7 && Math.abs(v[2][3] - Math.cos(0.02)) < 1e-7);
    assert.deepEqual(v[0], [0, 1, 0, 1]);
  });
});
