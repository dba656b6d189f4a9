/**
 * The lines of `npm run bench`: the study's hot paths, each built here on tfjs and described for the
 * PyTorch server (test/reference/bench_torch_server.py) with the same shapes, batch, optimizer steps
 * and host reads. Shapes are the presets' (src/study/rl/toy/schema.ts, src/study/extractability/toy/schema.ts,
 * the language model, RL and SFT schemas); `quick` shrinks every batch for a smoke run of the bench.
 */
import * as tf from '@tensorflow/tfjs';
import { GPT, GPT_CONFIGS, type GPTConfig } from '../models/gpt';
import { ClassificationHead, GPTClassifier, ValueNetwork } from '../models/heads';
import { createProbeEncoder, TOY_PROBE_CONFIG, type ProbeEncoderConfig } from '../models/probe_encoder';
import { responseLogprobs } from '../models/response_logprobs';
import { generate } from '../models/sampling';
import { tokenizedSet, trainClassifier, type TrainableClassifier } from '../probing/probe_training';
import { logprobsFromLogits } from '../tensor/logprobs';
import { makePPOConfig, PPO_CONFIGS } from '../rl/ppo_config';
import { PPOTrainer } from '../rl/ppo_trainer';
import { collectRollout, disposeRollout, policyLogprobsAndValues, type Rollout } from '../rl/rollout';
import { SharedTrunkCritic } from '../rl/shared_trunk_critic';
import { TOY_RESPONSE_TOKENS, toyScores } from '../rl/toy_env';
import { createRng, type Rng } from '../util/rng';
import type { BenchLine } from './paired';
import { resolveParams } from '../study/params/resolve';
import { TOY_RL_PARAMS } from '../study/rl/toy/schema';
import { LANGUAGE_RL_PARAMS } from '../study/rl/language/schema';

const TOY_PROMPT_TOKENS = 10;

const gptConfig = (vocabSize: number, nPositions: number, nLayer: number, dModel: number, nHead: number, dropout = 0): GPTConfig => ({
  vocabSize, nPositions, dModel, nLayer, nHead, dropout, tiedEmbeddings: true, layerNormEps: 1e-5,
});

/** The laptop language model (corpus.tokenizer.vocabSize 2048; lm.model: nLayer 4, dModel 128, nHead 4, nPositions 64, dropout 0.1). */
export const LAPTOP_LM_CONFIG: GPTConfig = gptConfig(2048, 64, 4, 128, 4, 0.1);

function randomIds(rng: Rng, rows: number, cols: number, vocab: number): tf.Tensor2D {
  return tf.tensor2d(Int32Array.from({ length: rows * cols }, () => rng.int(vocab)), [rows, cols], 'int32');
}

/** Forward, token cross-entropy against the inputs (unshifted), backward, Adam (tf.train.adam, as lm/lm_trainer.ts): the GPT training step. */
function gptTrainLine(id: string, name: string, config: GPTConfig, batch: number, seq: number, calls: number): BenchLine {
  return {
    id, case: name, work: `train step, batch ${batch} x ${seq} (fwd+bwd+Adam)`, tokensPerCall: batch * seq, callsPerRound: calls, warmupCalls: 2,
    async setup() {
      const rng = createRng(`bench/${id}`);
      const model = GPT.init(config, rng.child('init'));
      const ids = randomIds(rng, batch, seq, config.vocabSize);
      const optimizer = tf.train.adam(1e-4);
      // The pre-training loss head (lm/causal_lm_loss.ts): mean -log p(target) through logprobsFromLogits.
      const lossNats = () => tf.neg(tf.mean(logprobsFromLogits(model.forward(ids).logits!, ids))) as tf.Scalar;
      return {
        async call() {
          const loss = tf.tidy('bench/trainStep', () => optimizer.minimize(lossNats, true, model.trainableVariables) as tf.Scalar);
          await loss.data(); // sync: one host read per step
          loss.dispose();
        },
        dispose() {
          ids.dispose();
          optimizer.dispose();
          model.dispose();
        },
      };
    },
    torch: { kind: 'gpt_train', params: { config, batch, seq } },
  };
}

/** KV-cache sampling of `newTokens` tokens after a `prompt`-token prompt. */
function gptSampleLine(id: string, name: string, config: GPTConfig, batch: number, prompt: number, newTokens: number, calls: number): BenchLine {
  return {
    id, case: name, work: `sample ${newTokens} tokens, batch ${batch}, KV cache`, tokensPerCall: batch * newTokens, callsPerRound: calls, warmupCalls: 2,
    async setup() {
      const rng = createRng(`bench/${id}`);
      const model = GPT.init(config, rng.child('init'));
      const prompts = randomIds(rng, batch, prompt, config.vocabSize);
      return {
        async call() {
          const out = await generate(model, prompts, undefined, { maxNewTokens: newTokens, useCache: true }, rng);
          await out.tokens.data(); // sync
          tf.dispose([out.tokens, out.logprobs, out.mask]);
        },
        dispose() {
          prompts.dispose();
          model.dispose();
        },
      };
    },
    torch: { kind: 'gpt_sample', params: { config, batch, prompt, newTokens } },
  };
}

/** One toy PPO iteration (rl4lms configuration, separate value network): its rollout or its update. */
function ppoLines(id: string, name: string, config: GPTConfig, episodes: number, minibatch: number, epochs: number, learningRate: number): BenchLine[] {
  const cfg = makePPOConfig(PPO_CONFIGS.rl4lms, { ppoEpochs: epochs, learningRate });
  const build = () => {
    const rng = createRng(`bench/${id}`);
    const policy = GPT.init(config, rng.child('policy'));
    const critic = ValueNetwork.init(config, rng.child('value'));
    const trainer = new PPOTrainer(policy, critic, null, cfg, { minibatchEpisodes: minibatch, temperature: 1 });
    const promptRng = rng.child('prompts');
    const query = tf.tensor2d(Int32Array.from({ length: episodes * TOY_PROMPT_TOKENS }, () => promptRng.int(10)), [episodes, TOY_PROMPT_TOKENS], 'int32');
    const labels = Array.from({ length: episodes }, (_, i) => (i % 2) as 0 | 1);
    const rollout = () => collectRollout(policy, critic, null, query, (r: Int32Array[]) => toyScores(r, labels), { maxNewTokens: TOY_RESPONSE_TOKENS, temperature: 1 }, rng.child('sample'));
    const dispose = () => {
      query.dispose();
      trainer.dispose();
      policy.dispose();
      critic.dispose();
    };
    return { rng, trainer, rollout, dispose };
  };
  const torch = {
    config, episodes, minibatch, epochs, promptTokens: TOY_PROMPT_TOKENS, responseTokens: TOY_RESPONSE_TOKENS,
    ppo: { learningRate: cfg.learningRate, weightDecay: cfg.weightDecay, adamEps: cfg.adamEps, gamma: cfg.gamma, lam: cfg.lam, cliprange: cfg.cliprange, vfCoef: cfg.vfCoef, maxGradNorm: cfg.maxGradNorm },
  };
  const respTokens = episodes * TOY_RESPONSE_TOKENS;
  return [
    {
      id: `${id}-rollout`, case: name, work: `rollout: sample ${TOY_RESPONSE_TOKENS} tokens + policy and value forwards`, tokensPerCall: respTokens, callsPerRound: 1, warmupCalls: 1,
      async setup() {
        const b = build();
        return {
          async call() {
            disposeRollout(await b.rollout());
          },
          dispose: b.dispose,
        };
      },
      torch: { kind: 'ppo_rollout', params: torch },
    },
    {
      id: `${id}-update`, case: name, work: `update: ${epochs} epochs x ${Math.ceil(episodes / minibatch)} minibatches of ${minibatch}`, tokensPerCall: respTokens * epochs, callsPerRound: 1, warmupCalls: 1,
      async setup() {
        const b = build();
        const fixed: Rollout = await b.rollout();
        let n = 0;
        return {
          async call() {
            await b.trainer.step(fixed, b.rng.child(`ppo${n++}`)); // one host read per minibatch, as in training
          },
          dispose() {
            disposeRollout(fixed);
            b.dispose();
          },
        };
      },
      torch: { kind: 'ppo_update', params: torch },
    },
  ];
}

/** `steps` Adam(W) steps of a classifier through the production trainer (one epoch, one host read). */
function classifierSteps(model: TrainableClassifier, rows: number[][], labels: number[], batch: number, learningRate: number, weightDecay: number, rng: Rng) {
  const data = tokenizedSet(rows, labels);
  return async () => {
    await trainClassifier(model, data, { epochs: 1, batchSize: batch, learningRate, weightDecay }, rng);
  };
}

/** MDL probe training steps of the laptop toy probe (notebook 02: d 128, FF 512, 2 layers, batch 64, Adam 1e-4). */
function probeLine(quick: boolean): BenchLine {
  const config: ProbeEncoderConfig = { ...TOY_PROBE_CONFIG, dModel: 128, nHead: 4, nLayer: 2, dFF: 512 };
  const batch = quick ? 16 : 64;
  const steps = 10;
  return {
    id: 'probe-laptop', case: `MDL probe laptop (d128, FF 512, L2, batch ${batch})`, work: `${steps} train steps (fwd+bwd+Adam)`, tokensPerCall: steps * batch * config.maxLen, callsPerRound: 1, warmupCalls: 1,
    async setup() {
      const rng = createRng('bench/probe');
      const model = createProbeEncoder(config, rng.child('init'));
      const rows = Array.from({ length: steps * batch }, () => Array.from({ length: config.maxLen }, () => rng.int(config.vocabSize)));
      const call = classifierSteps(model, rows, rows.map(() => rng.int(2)), batch, 1e-4, 0, rng.child('train'));
      return { call, dispose: () => model.dispose() };
    },
    torch: { kind: 'probe_train', params: { config, batch, steps, learningRate: 1e-4 } },
  };
}

/** Supervised (Lovering) baseline on the laptop language model: GPT classifier on the last token, AdamW 1e-4, wd 0.01, dropout on. */
function sftLine(quick: boolean): BenchLine {
  const config = LAPTOP_LM_CONFIG;
  const batch = quick ? 16 : 64;
  const seq = 16;
  const steps = 5;
  return {
    id: 'sft-laptop', case: `SFT laptop LM (4x128, vocab 2048, batch ${batch} x ${seq})`, work: `${steps} train steps (fwd+bwd+AdamW)`, tokensPerCall: steps * batch * seq, callsPerRound: 1, warmupCalls: 1,
    async setup() {
      const rng = createRng('bench/sft');
      const classifier = new GPTClassifier(GPT.init(config, rng.child('trunk')), ClassificationHead.init(config.dModel, 2, rng.child('head')));
      const dropoutRng = rng.child('dropout');
      const model: TrainableClassifier = {
        logits: (ids, training, mask) => classifier.forward(ids, mask, training, dropoutRng),
        trainableVariables: classifier.trainableVariables,
        dispose: () => classifier.dispose(),
      };
      const rows = Array.from({ length: steps * batch }, () => Array.from({ length: seq }, () => rng.int(config.vocabSize)));
      const call = classifierSteps(model, rows, rows.map(() => rng.int(2)), batch, 1e-4, 0.01, rng.child('train'));
      return { call, dispose: () => model.dispose() };
    },
    torch: { kind: 'sft_step', params: { config, batch, seq, steps, learningRate: 1e-4, weightDecay: 0.01 } },
  };
}

/**
 * One language PPO step (trl configuration) at the laptop preset's shape (src/study/rl/language/schema.ts:
 * rollouts, prompt and response tokens, minibatch, epochs, lr, initial KL): the policy (+ shared-trunk
 * value head) and reference forwards of the batch, then `PPOTrainer.step`. Sampling is not timed here
 * (the toy rollout lines time it).
 */
function languagePpoLine(quick: boolean): BenchLine {
  const laptop = resolveParams(LANGUAGE_RL_PARAMS, { preset: 'laptop', env: {} }).languageRl;
  const config = { ...LAPTOP_LM_CONFIG, dropout: 0 }; // PPO forwards run without dropout (ppo_trainer.ts)
  const batch = quick ? 8 : laptop.ppo.batchSize;
  const minibatch = quick ? 4 : laptop.ppo.miniBatchSize;
  const promptTokens = laptop.data.maxTokens;
  const responseTokens = laptop.responseTokens;
  const epochs = laptop.ppo.ppoEpochs;
  const cfg = makePPOConfig(PPO_CONFIGS.trl, { ppoEpochs: epochs, learningRate: laptop.ppo.learningRate, initKlCoef: laptop.ppo.initKlCoef });
  return {
    id: 'lm-ppo-laptop', case: `language PPO laptop (4x128, vocab 2048, ${batch} x ${promptTokens}+${responseTokens})`, work: `step: forwards + ${epochs} epochs x ${batch / minibatch} minibatches of ${minibatch}`,
    tokensPerCall: batch * responseTokens * epochs, callsPerRound: 1, warmupCalls: 1,
    async setup() {
      const rng = createRng('bench/lm-ppo');
      const policy = GPT.init(config, rng.child('policy'));
      const ref = policy.copy(false);
      const critic = SharedTrunkCritic.init(policy, rng.child('head'));
      const trainer = new PPOTrainer(policy, critic, ref, cfg, { minibatchEpisodes: minibatch, temperature: 1 });
      const queryIds = randomIds(rng, batch, promptTokens, config.vocabSize);
      const responseIds = randomIds(rng, batch, responseTokens, config.vocabSize);
      const ids = tf.concat([queryIds, responseIds], 1) as tf.Tensor2D; // [batch, seq] int32
      const scores = Array.from({ length: batch }, () => rng.normal());
      let n = 0;
      return {
        async call() {
          const fwd = tf.tidy('bench/lmPpoForwards', () => {
            const pv = policyLogprobsAndValues(policy, critic, ids, undefined, promptTokens, 1);
            return { ...pv, refLogprobs: responseLogprobs(ref, ids, undefined, promptTokens).logprobs };
          });
          const rollout: Rollout = { queryIds, queryMask: null, responseIds, mask: tf.onesLike(fwd.logprobs), logprobs: fwd.logprobs, refLogprobs: fwd.refLogprobs, values: fwd.values, scores };
          await trainer.step(rollout, rng.child(`ppo${n++}`));
          tf.dispose([rollout.mask, fwd.logprobs, fwd.refLogprobs, fwd.values]);
        },
        dispose() {
          tf.dispose([queryIds, responseIds, ids]);
          trainer.dispose();
          critic.dispose();
          ref.dispose();
          policy.dispose();
        },
      };
    },
    torch: {
      kind: 'lm_ppo_step',
      params: {
        config, batch, minibatch, epochs, promptTokens, responseTokens,
        ppo: { learningRate: cfg.learningRate, adamEps: cfg.adamEps, gamma: cfg.gamma, lam: cfg.lam, cliprange: cfg.cliprange, cliprangeValue: cfg.cliprangeValue, vfCoef: cfg.vfCoef, initKlCoef: cfg.initKlCoef },
      },
    },
  };
}

/** One TensorFlow op of the laptop PPO update, repeated: `add` (elementwise) or `matmul` (`BatchMatMulV2`, as tfjs-node issues every matmul). */
export interface OpSpec {
  readonly op: 'add' | 'matmul';
  /** Operand shapes; for `matmul` after the transposes, the last two axes multiply. */
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/**
 * The per-op floor: `reps` calls of one op at a laptop PPO shape, each result disposed (tfjs) or
 * dropped (PyTorch, under `no_grad`), one host read of the last result per call. Ops/s sit in the
 * tokens/s columns (`tokensPerCall` = `reps`), so 1e6 / ops/s is the µs per op of each side: the
 * time one eager op costs at that shape, dispatch and kernel together, which no reordering of the
 * study's code can go below.
 */
function opFloorLine(id: string, what: string, spec: OpSpec, reps: number): BenchLine {
  const shape = (s: readonly number[]) => `[${s.join(',')}]`;
  const t = (x: boolean | undefined) => (x ? '^T' : '');
  const formula = spec.op === 'add' ? `${shape(spec.a)} + ${shape(spec.b)}` : `${shape(spec.a)}${t(spec.transposeA)} x ${shape(spec.b)}${t(spec.transposeB)}`;
  return {
    id, case: `one op: ${what}`, work: `${reps} x ${spec.op === 'add' ? 'Add' : 'BatchMatMulV2'} ${formula} (ops/s)`, tokensPerCall: reps, callsPerRound: 5, warmupCalls: 2,
    async setup() {
      const rng = createRng(`bench/${id}`);
      const tensor = (s: readonly number[]) => tf.tensor(Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => rng.normal()), [...s]);
      const a = tensor(spec.a);
      const b = tensor(spec.b);
      const once = spec.op === 'add' ? () => tf.add(a, b) : () => tf.matMul(a, b, spec.transposeA ?? false, spec.transposeB ?? false);
      return {
        async call() {
          for (let i = 1; i < reps; i++) once().dispose();
          const last = once();
          await last.data(); // sync: one host read per call
          last.dispose();
        },
        dispose() {
          tf.dispose([a, b]);
        },
      };
    },
    torch: { kind: 'op_floor', params: { ...spec, reps } },
  };
}

/**
 * The per-op floor lines at the laptop PPO update's shapes (64 episodes x 15 tokens = 960 rows,
 * width 64, 4 heads of 16): a 64-float Add (dispatch alone), an activation Add, the fused Q/K/V
 * projection, its weight gradient, and the attention scores of one layer.
 */
export function opFloorLines(): BenchLine[] {
  return [
    opFloorLine('op-add-64', 'Add of 64 floats (dispatch alone)', { op: 'add', a: [64], b: [64] }, 500),
    opFloorLine('op-add-960x64', 'Add, laptop activations', { op: 'add', a: [960, 64], b: [960, 64] }, 500),
    opFloorLine('op-matmul-qkv', 'matmul, laptop Q/K/V projection', { op: 'matmul', a: [960, 64], b: [64, 192] }, 200),
    opFloorLine('op-matmul-dw', 'matmul, laptop Q/K/V weight gradient', { op: 'matmul', a: [960, 64], b: [960, 192], transposeA: true }, 200),
    opFloorLine('op-matmul-scores', 'batched matmul, laptop attention scores', { op: 'matmul', a: [256, 15, 16], b: [256, 15, 16], transposeB: true }, 200),
  ];
}

/** Every line of the bench, in table order. */
export function benchLines(quick: boolean): BenchLine[] {
  const toy = { ...GPT_CONFIGS.toyPolicy, dropout: 0 };
  const small = gptConfig(16, 16, 2, 128, 4);
  const tb = quick ? 32 : 256;
  const { model: m, ppo } = resolveParams(TOY_RL_PARAMS, { preset: 'laptop', env: {} }).toyRl; // the laptop PPO line follows the preset
  return [
    gptTrainLine('toy-train', 'toy policy (4x256, vocab 12)', toy, tb, 15, quick ? 2 : 2),
    gptSampleLine('toy-sample', 'toy policy (4x256, vocab 12)', toy, tb, 10, 5, 2),
    gptTrainLine('small-train', 'small GPT (2x128, vocab 16)', small, 32, 16, 10),
    gptSampleLine('small-sample', 'small GPT (2x128, vocab 16)', small, 32, 8, 8, 5),
    ...ppoLines('ppo-laptop', `PPO laptop (${m.nLayer}x${m.dModel}, ${ppo.batchSize} episodes)`, gptConfig(12, 15, m.nLayer, m.dModel, m.nHead), quick ? 32 : ppo.batchSize, quick ? 16 : ppo.miniBatchSize, quick ? 2 : ppo.ppoEpochs, ppo.learningRate),
    ...(quick ? [] : ppoLines('ppo-paper', 'PPO paper (4x256, 409 episodes)', gptConfig(12, 15, 4, 256, 4), 409, 51, 5, 1e-4)),
    probeLine(quick),
    languagePpoLine(quick),
    sftLine(quick),
    ...opFloorLines(),
  ];
}
