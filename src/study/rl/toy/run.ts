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
import { makePPOConfig, PPO_CONFIGS, type PPOConfig } from '../../../rl/ppo_config';
import type { ParamValues } from '../../params/presets';
import type { TOY_RL_GROUP, TOY_RUN_DATA_PARAMS } from './schema';
import { runPpoLoop, type PpoEnvironment, type PpoLoopHooks } from '../../../rl/ppo_loop';
import { TOY_RESPONSE_TOKENS, evaluatePartitions, policyResponder, promptIds, samplePrompts, toyScores, toyVocab } from '../../../rl/toy_env';
import type { Example, Partition } from '../../../tasks/types';
import { ConfigError } from '../../../util/assert';
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

/** The parameters `toyRlConfig` reads: the `toyData` and `toyRl` groups (a notebook's resolved params have them). */
export interface ToyRlParams {
  readonly toyData: ParamValues<typeof TOY_RUN_DATA_PARAMS>;
  readonly toyRl: ParamValues<typeof TOY_RL_GROUP>;
}

/** The GPT policy (and value network) of the toy runs: the `model` group over the toy vocabulary and context. */
export function toyPolicyModel(vocabSymbols: number, nPositions: number, shape: Pick<GPTConfig, 'nLayer' | 'dModel' | 'nHead'>): GPTConfig {
  return {
    vocabSize: toyVocab(vocabSymbols).size, // the V symbols plus pad/unk
    nPositions,
    ...shape,
    dropout: 0.1, // GPT-2's; off during PPO and evaluation (training: false everywhere)
    tiedEmbeddings: true,
    layerNormEps: 1e-5,
  };
}

/** The full configuration of run (task, rate, seed) under `p`: each group placed where the run records it. */
export function toyRlConfig(p: ToyRlParams, task: number, rate: number, seed: number): ToyRlConfig {
  const { toyData, toyRl } = p;
  const data = resolveToyDataConfig({ ...toyData, task, rate });
  const model = toyPolicyModel(toyData.vocab, toyData.length + TOY_RESPONSE_TOKENS, toyRl.model); // prompt + response (docs/study.md used a context of 19)
  // The toy trainer counts whole 5-token episodes (batchSize and miniBatchSize in episodes), validated
  // under SB3's rule (the last minibatch may be smaller). lrSchedule only when not constant: a
  // constant-rate configuration keeps the hash it was stored under.
  const { batchSize, miniBatchSize, lrSchedule, ...rest } = toyRl.ppo;
  if (miniBatchSize > batchSize) throw new ConfigError(`toyRl.ppo.miniBatchSize: ${miniBatchSize} is above toyRl.ppo.batchSize ${batchSize}; expected at most ${batchSize}`);
  const ppo = makePPOConfig(PPO_CONFIGS[toyRl.ppoVariant], { ...rest, ...(lrSchedule === 'constant' ? {} : { lrSchedule }) }, { episodesPerIteration: batchSize, minibatchEpisodes: miniBatchSize });
  return { data, model, ppo, evalPrompts: toyRl.evalPrompts, seed };
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
