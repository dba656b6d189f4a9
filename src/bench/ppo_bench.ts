/**
 * PPO lines of the bench: one iteration of the synthetic RL experiment split into its rollout
 * (KV-cache sampling of 5 tokens + the policy and value forwards) and its update (`ppoEpochs` passes
 * of seeded minibatches: forward, clipped losses, backward, global-norm clip, AdamW), for the toy
 * paper configuration (4 x 256, 409 episodes, minibatch 51, 5 epochs) and the laptop preset's smaller
 * one. Throughput is counted in response tokens, which are RL4LMs' "samples" (token transitions):
 * rollout = episodes x 5 per second; update = episodes x 5 x epochs per second.
 * PyTorch counterpart: test/reference/bench_ppo_torch.py (HF GPT2 policy, separate GPT2 value
 * network, same shapes, same PPO arithmetic).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../backend';
import { GPT, type GPTConfig } from '../models/gpt';
import { ValueNetwork } from '../models/heads';
import { makePPOConfig, PPO_CONFIGS } from '../rl/ppo_config';
import { PPOTrainer } from '../rl/ppo_trainer';
import { collectRollout, disposeRollout, type Rollout } from '../rl/rollout';
import { TOY_RESPONSE_TOKENS, toyScores } from '../rl/toy_env';
import { createRng } from '../util/rng';
import { timeCalls, type BenchModule, type BenchOptions, type BenchRow } from './harness';

/** One workload: a policy/value shape and the batch of one PPO iteration. */
export interface PPOBenchCase {
  readonly name: string;
  readonly config: GPTConfig;
  /** Episodes per iteration (prompts of 10 tokens, responses of 5). */
  readonly episodes: number;
  /** Episodes per minibatch. */
  readonly minibatch: number;
  readonly epochs: number;
  /** Timed calls per line after `warmup` calls. */
  readonly repeats: number;
  readonly warmup: number;
}

const PROMPT_TOKENS = 10;

/** The cases of a bench run (quick: small batches, one timed call). */
export function ppoBenchCases(opts: BenchOptions): PPOBenchCase[] {
  const model = (nLayer: number, dModel: number, nHead: number): GPTConfig => ({
    vocabSize: 12, nPositions: PROMPT_TOKENS + TOY_RESPONSE_TOKENS, dModel, nLayer, nHead, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5,
  });
  const paper: PPOBenchCase = { name: 'toy paper (4x256, 409 ep, mb 51, 5 ep.)', config: model(4, 4 * 64, 4), episodes: 409, minibatch: 51, epochs: 5, repeats: 2, warmup: 1 };
  const laptop: PPOBenchCase = { name: 'laptop (2x64, 128 ep, mb 32, 4 ep.)', config: model(2, 64, 4), episodes: 128, minibatch: 32, epochs: 4, repeats: 5, warmup: 2 };
  if (opts.quick) return [{ ...laptop, episodes: 32, minibatch: 16, epochs: 2, repeats: 2, warmup: 1, name: 'quick (2x64, 32 ep, mb 16, 2 ep.)' }];
  return [laptop, paper];
}

/** Line labels, shared with the PyTorch script so rows pair up. */
export const PPO_BENCH_LINES = { rollout: 'rollout (sample + fwd), resp tokens/s', update: 'update (epochs x minibatches), resp tokens/s' } as const;

async function runCase(c: PPOBenchCase, backend: BackendName): Promise<BenchRow[]> {
  const rng = createRng(`bench/ppo/${c.name}`);
  const policy = GPT.init(c.config, rng.child('policy'));
  const critic = ValueNetwork.init(c.config, rng.child('value'));
  const cfg = makePPOConfig(PPO_CONFIGS.rl4lms, { ppoEpochs: c.epochs });
  const trainer = new PPOTrainer(policy, critic, null, cfg, { minibatchEpisodes: c.minibatch, temperature: 1 });
  const promptRng = rng.child('prompts');
  const query = tf.tensor2d(Array.from({ length: c.episodes * PROMPT_TOKENS }, () => promptRng.int(10)), [c.episodes, PROMPT_TOKENS], 'int32');
  const labels = Array.from({ length: c.episodes }, (_, i) => (i % 2) as 0 | 1);
  const score = (responses: Int32Array[]) => toyScores(responses, labels);
  const respTokens = c.episodes * TOY_RESPONSE_TOKENS;
  const row = (line: string, tokens: number, t: { bestMs: number; medianMs: number }): BenchRow => ({
    module: 'ppo', case: c.name, line, backend, tokensPerSec: (tokens / t.bestMs) * 1e3, bestMs: t.bestMs, medianMs: t.medianMs,
  });
  const rows: BenchRow[] = [];
  let call = 0;
  const rollout = async () => {
    const r = await collectRollout(policy, critic, null, query, score, { maxNewTokens: TOY_RESPONSE_TOKENS, temperature: 1 }, rng.child(`sample${call++}`));
    await r.values.data(); // sync: wait for the forwards
    disposeRollout(r);
  };
  rows.push(row(PPO_BENCH_LINES.rollout, respTokens, await timeCalls(rollout, c.warmup, c.repeats)));
  const fixed: Rollout = await collectRollout(policy, critic, null, query, score, { maxNewTokens: TOY_RESPONSE_TOKENS, temperature: 1 }, rng.child('fixed'));
  const update = async () => {
    await trainer.step(fixed, rng.child(`ppo${call++}`)); // one host read per minibatch, as in training
  };
  rows.push(row(PPO_BENCH_LINES.update, respTokens * c.epochs, await timeCalls(update, c.warmup, c.repeats)));
  disposeRollout(fixed);
  query.dispose();
  trainer.dispose();
  policy.dispose();
  critic.dispose();
  return rows;
}

/** The PPO bench module (register it in bench.ts's MODULES). */
export const ppoBench: BenchModule = {
  name: 'ppo',
  skip: { cpu: 'minutes per PPO iteration on the pure-JS backend' },
  async run(backend: BackendName, opts: BenchOptions): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const c of ppoBenchCases(opts)) rows.push(...(await runCase(c, backend)));
    return rows;
  },
  torchJob(opts: BenchOptions) {
    const ppo = PPO_CONFIGS.rl4lms;
    return {
      script: 'test/reference/bench_ppo_torch.py',
      job: {
        cases: ppoBenchCases(opts).map((c) => ({ ...c, promptTokens: PROMPT_TOKENS, responseTokens: TOY_RESPONSE_TOKENS })),
        lines: PPO_BENCH_LINES,
        ppo: { learningRate: ppo.learningRate, weightDecay: ppo.weightDecay, adamEps: ppo.adamEps, gamma: ppo.gamma, lam: ppo.lam, cliprange: ppo.cliprange, vfCoef: ppo.vfCoef, maxGradNorm: ppo.maxGradNorm },
      },
    };
  },
};
