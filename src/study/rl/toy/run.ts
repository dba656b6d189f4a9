/**
 * One synthetic RL run (docs/study.md "RL on synthetic tasks"): a randomly initialised GPT-2 policy and
 * a separate value network of the same shape are trained with PPO on prompts drawn from the rate-p
 * training set, then evaluated by the mean reward per partition on held-out prompts.
 * Randomness: one root `createRng(seed)`; children `policy`, `value`, `iter<i>/prompts`,
 * `iter<i>/sample`, `iter<i>/ppo`, `eval/<partition>`.
 */
import * as tf from '@tensorflow/tfjs';
import { GPT, type GPTConfig } from '../../../models/gpt';
import { ValueNetwork } from '../../../models/heads';
import { makePPOConfig, PPO_CONFIGS, type LrScheduleKind, type PPOConfig } from '../../../rl/ppo_config';
import { runPpoLoop, type PpoEnvironment, type PpoLoopHooks } from '../../../rl/ppo_loop';
import { TOY_RESPONSE_TOKENS, evaluatePartitions, policyResponder, promptIds, samplePrompts, toyScores, toyVocab } from '../../../rl/toy_env';
import type { Example, Partition } from '../../../tasks/types';
import { createRng } from '../../../util/rng';
import { buildToyTestSets, buildToyTrainingSet, resolveToyDataConfig, type ToyDataConfig } from '../../data/toy';

export { TOY_RESPONSE_TOKENS };

/** Everything a run depends on (recorded with its result). */
export interface ToyRlConfig {
  /** The data: task, rate, sizes, data seed. */
  readonly data: ToyDataConfig;
  /** Policy and value network architecture. */
  readonly model: GPTConfig;
  /** PPO hyper-parameters (a named variant plus overrides); `batchSize` and `miniBatchSize` count episodes, as the trainer uses them. */
  readonly ppo: PPOConfig;
  /** Held-out prompts per partition in the evaluation. */
  readonly evalPrompts: number;
  /** Seed of initialisation, sampling and shuffling. */
  readonly seed: number;
}

/** What a run returns (and the CLI writes). */
export interface ToyRlResult {
  readonly config: ToyRlConfig;
  readonly seed: number;
  /** Per-iteration statistics under TRL's names. */
  readonly steps: Record<string, number>[];
  /** Mean reward per partition on held-out prompts after training. */
  readonly eval: Record<Partition, number>;
  /** Warnings raised during training (negative KL, skipped minibatches). */
  readonly warnings: string[];
}

/** The parameters `toyRlConfig` reads (a notebook's resolved params satisfy it). */
export interface ToyRlParams {
  readonly dataSeed: number;
  readonly vocab: number;
  readonly length: number;
  readonly trainSize: number;
  readonly testSize: number;
  readonly probeSize: number;
  readonly policyLayers: number;
  readonly policyWidth: number;
  readonly policyHeads: number;
  readonly rlIterations: number;
  readonly episodesPerIteration: number;
  readonly minibatchEpisodes: number;
  readonly ppoEpochs: number;
  readonly learningRate: number;
  readonly lrSchedule: LrScheduleKind;
  readonly ppoConfig: 'rl4lms' | 'trl';
  readonly evalPrompts: number;
}

/** The full configuration of run (task, rate, seed) under `p`. */
export function toyRlConfig(p: ToyRlParams, task: number, rate: number, seed: number): ToyRlConfig {
  const data = resolveToyDataConfig({ task, rate, seed: p.dataSeed, vocab: p.vocab, length: p.length, trainSize: p.trainSize, testSize: p.testSize, probeSize: p.probeSize });
  const vocab = toyVocab(p.vocab);
  const model: GPTConfig = {
    vocabSize: vocab.size,
    nPositions: p.length + TOY_RESPONSE_TOKENS, // prompt + response (docs/study.md used a context of 19)
    dModel: p.policyWidth,
    nLayer: p.policyLayers,
    nHead: p.policyHeads,
    dropout: 0.1, // off during PPO and evaluation (training: false everywhere)
    tiedEmbeddings: true,
    layerNormEps: 1e-5,
  };
  // The toy trainer counts whole 5-token episodes: the run records the episode counts it uses, not
  // RL4LMs' token units, validated under SB3's rule (the last minibatch may be smaller).
  const ppo = makePPOConfig(
    PPO_CONFIGS[p.ppoConfig],
    // lrSchedule only when not constant: a constant-rate configuration keeps the hash it was stored under.
    { learningRate: p.learningRate, ppoEpochs: p.ppoEpochs, nIterations: p.rlIterations, ...(p.lrSchedule === 'constant' ? {} : { lrSchedule: p.lrSchedule }) },
    { episodesPerIteration: p.episodesPerIteration, minibatchEpisodes: p.minibatchEpisodes },
  );
  return { data, model, ppo, evalPrompts: p.evalPrompts, seed };
}

/** Hooks of a run: the PPO loop's (`onStep`, `stepLogFile`) plus a training pool. */
export interface ToyRlHooks extends PpoLoopHooks {
  /** Prompts to train on instead of the rate-p training set (e.g. a trivial set in a learning test). */
  readonly trainPool?: readonly Example[];
}

/** The toy environment of the PPO loop: prompts drawn from `train`, the toy reward of their labels, 5-token responses. */
export function toyPpoEnvironment(train: readonly Example[], episodesPerStep: number): PpoEnvironment {
  return {
    prompts(_step, rng) {
      const batch = samplePrompts(train, episodesPerStep, rng);
      const labels = batch.map((e) => e.label);
      const query = tf.tensor2d(batch.map(promptIds), undefined, 'int32'); // [batch, prompt] int32
      return { query, score: (responses) => toyScores(responses, labels) };
    },
    sampling: { maxNewTokens: TOY_RESPONSE_TOKENS, temperature: 1 },
    rngStepLabel: 'iter',
  };
}

/** Trains and evaluates one policy; all tensors are freed on return (also on error). */
export async function runToyRl(cfg: ToyRlConfig, hooks: ToyRlHooks = {}): Promise<ToyRlResult> {
  const rng = createRng(cfg.seed).child(`toy-rl/task${cfg.data.task ?? `${cfg.data.target}+${cfg.data.spurious}`}/rate${cfg.data.rate}`);
  const train = hooks.trainPool ?? buildToyTrainingSet(cfg.data);
  const test = buildToyTestSets(cfg.data);
  const policy = GPT.init(cfg.model, rng.child('policy'));
  const critic = ValueNetwork.init(cfg.model, rng.child('value'));
  // The frozen reference is needed only when a KL penalty can be non-zero (not in the rl4lms toy setting).
  const ref = cfg.ppo.adapKlCtrl || cfg.ppo.initKlCoef > 0 ? policy.copy(false) : null;
  try {
    const { steps, warnings } = await runPpoLoop({ policy, critic, ref }, toyPpoEnvironment(train, cfg.ppo.batchSize), cfg.ppo, cfg.ppo.miniBatchSize, rng, hooks);
    // Held-out evaluation at temperature 1, as in training (child rngs eval/<partition>).
    const evalRewards = await evaluatePartitions(policyResponder(policy, 1), test, cfg.evalPrompts, rng.child('eval'));
    return { config: cfg, seed: cfg.seed, steps, eval: evalRewards, warnings };
  } finally {
    policy.dispose();
    critic.dispose();
    ref?.dispose();
  }
}
