/**
 * One natural-language RL run (Cruz et al. 2023, sentiment experiments): the pre-trained LM as the
 * policy with TRL's value head on its trunk, a frozen copy as the KL reference, the `trl` PPO
 * configuration, and the sentiment reward with the sign rule on one pass over the rate-p training
 * prompts; then the mean reward per held-out partition. Everything random comes from one seed.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../../../models/gpt';
import { generate } from '../../../models/sampling';
import { PPO_CONFIGS, makePPOConfig, type PPOConfig } from '../../../rl/ppo_config';
import { runPpoLoop, type PpoEnvironment, type PpoLoopHooks } from '../../../rl/ppo_loop';
import { episodeRewards, promptBatch, type EpisodeTokenizer, type RewardText, type SentimentScorer } from '../../../rl/sentiment_env';
import { normaliseScore } from '../../../rl/sentiment_reward';
import { SharedTrunkCritic } from '../../../rl/shared_trunk_critic';
import { buildLanguageTestSets, buildLanguageTrainingSet, resolveLanguageDataConfig, type LanguageDataConfig } from '../../../tasks/language/language_dataset';
import { PARTITIONS } from '../../../tasks/partitions';
import type { Example, Partition } from '../../../tasks/types';
import { ConfigError } from '../../../util/assert';
import { createRng, type Rng } from '../../../util/rng';
import { checkLanguageInputs, languageModelIdentity, type LanguageModelIdentity, type LanguageModelInputs } from '../../pretraining/model_inputs';
import { languageRewardModel, type RewardSpec } from './reward_model';
import type { LanguageRlParamValues } from './schema';
import type { LmValues } from '../../pretraining/schema';

/** Version of a run's computation; bump it when the same config would give different numbers. */
export const LANGUAGE_RL_VERSION = 1;

/** Everything a run depends on (recorded with its result and compared on reuse). */
export interface LanguageRlConfig {
  readonly version: number;
  /** The prompt data: task, rate, sizes, data seed, corpus and tokenizer identity. */
  readonly data: LanguageDataConfig;
  /** The pre-trained model: weights hash, tokenizer fingerprint, architecture (a retrained model invalidates the run). */
  readonly lm: LanguageModelIdentity;
  /** PPO hyper-parameters (`trl` variant plus the preset's overrides). */
  readonly ppo: PPOConfig;
  /** The reward model. */
  readonly reward: RewardSpec;
  /** The text the reward scores; absent = 'prompt+response' (the study's), so runs stored before the option keep their hash. */
  readonly rewardOn?: RewardText;
  /** Sampled response tokens per episode. */
  readonly responseTokens: number;
  /** Responses end at EOS (else always `responseTokens` tokens). */
  readonly stopAtEos: boolean;
  /** Also score the pre-trained policy before training. */
  readonly evalBefore: boolean;
  /** Seed of the value head, sampling and minibatch order. */
  readonly seed: number;
}

/** Scores of a policy on the held-out prompts. */
export interface PartitionScores {
  /** Mean signed reward per partition (VADER: in [-1, 1]; classifier: log-odds). */
  readonly rewards: Record<Partition, number>;
  /** Mean normalised score (R + scale) / (2 scale) per partition (in [0, 1] for VADER; the classifier can leave it, as in the study). */
  readonly normalisedScores: Record<Partition, number>;
  /** The first few prompt + response texts per partition, with their rewards. */
  readonly samples: Record<Partition, { text: string; reward: number }[]>;
}

/**
 * What a run returns (the grid stores it). `eval` holds normalised scores so that the synthetic
 * summaries (`rlFeatureUse`, `h2Rows`, `summariseRl`) read language runs unchanged.
 */
export interface LanguageRlResult {
  readonly seed: number;
  /** Per-step statistics under TRL's names (`env/reward_mean` is the mean signed reward). */
  readonly steps: Record<string, number>[];
  /** Mean normalised score (R + scale) / (2 scale) per held-out partition after training. */
  readonly eval: Record<Partition, number>;
  /** The same scores under the run filter's name (`filterRunsByNeitherScore`). */
  readonly normalisedScores: Record<Partition, number>;
  /** Mean signed reward per partition after training. */
  readonly rewards: Record<Partition, number>;
  /** A few held-out texts per partition after training. */
  readonly samples: Record<Partition, { text: string; reward: number }[]>;
  /** The pre-trained policy's scores, when `evalBefore`. */
  readonly before: PartitionScores | null;
  /** Warnings raised during training (negative KL, skipped minibatches). */
  readonly warnings: string[];
  readonly wallMs: number;
}

/** What {@link languageRlConfig} reads: the `languageRl` group and the DistilBERT folder of the `lm` group. */
export type LanguageRlConfigParams = Pick<LanguageRlParamValues, 'languageRl'> & { readonly lm: Pick<LmValues, 'distilbertDir'> };

/**
 * The full configuration of run (task, rate, seed) under `p` with the pre-trained model `lm`. The
 * `languageRl` group's keys are the configuration's fields, so its groups are copied as they are;
 * only `data.trainSize` (one pass of `nIterations` batches) and the identities are derived.
 */
export function languageRlConfig(p: LanguageRlConfigParams, lm: LanguageRlInputs, task: number, rate: number, seed: number): LanguageRlConfig {
  const rl = p.languageRl;
  const context = lm.model.config.nPositions;
  if (rl.data.maxTokens + rl.responseTokens > context) {
    throw new ConfigError(`languageRl.responseTokens: ${rl.data.maxTokens} prompt + ${rl.responseTokens} response tokens exceed the model's context of ${context}; expected at most ${context - rl.data.maxTokens}`);
  }
  const data = resolveLanguageDataConfig({ task, rate, ...rl.data, trainSize: rl.ppo.nIterations * rl.ppo.batchSize, probeSize: 2 }, { corpus: lm.corpus, tokenizer: lm.tokenizer });
  const ppo = makePPOConfig(PPO_CONFIGS.trl, rl.ppo);
  const reward = languageRewardModel(rl.reward.kind, lm.corpus, { distilbertDir: p.lm.distilbertDir }).spec;
  // Recorded only when not the study's default, so runs stored before the option keep their hash.
  const rewardOn = rl.rewardOn === 'response' ? { rewardOn: rl.rewardOn } : {};
  return { version: LANGUAGE_RL_VERSION, data, lm: languageModelIdentity(lm), ppo, reward, ...rewardOn, responseTokens: rl.responseTokens, stopAtEos: rl.stopAtEos, evalBefore: rl.evalBefore, seed };
}

/** Inputs of a run besides its configuration: the pre-trained model (copied for the policy and the reference, never changed), its tokenizer and the corpus. */
export type LanguageRlInputs = LanguageModelInputs & { readonly tokenizer: EpisodeTokenizer };

/** Hooks of a run: the PPO loop's. */
export type LanguageRlHooks = PpoLoopHooks;

/**
 * The sentiment environment of the PPO loop: one pass over the shuffled training prompts, a batch
 * of `ppo.batchSize` per step (TRL's dataloader), scored by the reward model with the sign rule.
 */
export function sentimentPpoEnvironment(
  train: readonly Example[],
  tok: EpisodeTokenizer,
  score: SentimentScorer,
  cfg: Pick<LanguageRlConfig, 'ppo' | 'responseTokens' | 'stopAtEos' | 'rewardOn'>,
): PpoEnvironment {
  return {
    prompts(step) {
      const batch = train.slice(step * cfg.ppo.batchSize, (step + 1) * cfg.ppo.batchSize);
      const prompts = batch.map((e) => e.text);
      const labels = batch.map((e) => e.label);
      const q = promptBatch(prompts, tok);
      return { query: q.ids, queryMask: q.mask ?? undefined, score: (responses, lengths) => episodeRewards(tok, prompts, labels, responses, lengths, score, cfg.rewardOn).rewards };
    },
    sampling: { maxNewTokens: cfg.responseTokens, temperature: 1, eosTokenId: cfg.stopAtEos ? tok.eosId : undefined, padTokenId: tok.padId },
    rngStepLabel: 'step',
  };
}

/** Samples the policy's responses to `examples` in batches of `batchSize` and scores them with the sign rule. */
export async function scorePartitions(
  policy: GPT,
  tok: EpisodeTokenizer,
  test: Readonly<Record<Partition, readonly Example[]>>,
  opts: { responseTokens: number; stopAtEos: boolean; batchSize: number; score: SentimentScorer; scale: number; keepSamples?: number; rewardOn?: RewardText },
  rng: Rng,
): Promise<PartitionScores> {
  const rewards = {} as Record<Partition, number>;
  const normalisedScores = {} as Record<Partition, number>;
  const samples = {} as Record<Partition, { text: string; reward: number }[]>;
  for (const part of PARTITIONS) {
    const set = test[part];
    if (set.length === 0) throw new ConfigError(`test.${part}: is empty; expected held-out prompts for every partition`);
    const all: number[] = [];
    samples[part] = [];
    for (let start = 0; start < set.length; start += opts.batchSize) {
      const batch = set.slice(start, start + opts.batchSize);
      const prompts = batch.map((e) => e.text);
      const q = promptBatch(prompts, tok);
      const gen = await generate(
        policy,
        q.ids,
        q.mask ?? undefined,
        { maxNewTokens: opts.responseTokens, temperature: 1, eosTokenId: opts.stopAtEos ? tok.eosId : undefined, padTokenId: tok.padId },
        rng.child(`${part}/${start}`),
      );
      // sync: responses and their lengths, once per batch.
      const [ids, mask] = await Promise.all([gen.tokens.data() as Promise<Int32Array>, gen.mask.data() as Promise<Float32Array>]);
      tf.dispose([q.ids, gen.tokens, gen.mask, gen.logprobs]);
      q.mask?.dispose();
      const resp = Array.from({ length: batch.length }, (_, i) => ids.subarray(i * opts.responseTokens, (i + 1) * opts.responseTokens));
      const lengths = Array.from({ length: batch.length }, (_, i) => mask.subarray(i * opts.responseTokens, (i + 1) * opts.responseTokens).reduce((a, b) => a + b, 0));
      const scored = episodeRewards(tok, prompts, batch.map((e) => e.label), resp, lengths, opts.score, opts.rewardOn);
      all.push(...scored.rewards);
      for (let i = 0; i < batch.length && samples[part].length < (opts.keepSamples ?? 3); i++) samples[part].push({ text: scored.texts[i], reward: scored.rewards[i] });
    }
    rewards[part] = all.reduce((a, b) => a + b, 0) / all.length;
    normalisedScores[part] = normaliseScore(rewards[part], opts.scale);
  }
  return { rewards, normalisedScores, samples };
}

/** Trains and evaluates one policy; all tensors are freed on return (also on error). */
export async function runLanguageRl(cfg: LanguageRlConfig, inputs: LanguageRlInputs, hooks: LanguageRlHooks = {}): Promise<LanguageRlResult> {
  const t0 = Date.now();
  checkLanguageInputs(cfg, inputs);
  const rng = createRng(cfg.seed).child(`language-rl/task${cfg.data.task}/rate${cfg.data.rate}`);
  const dataInputs = { corpus: inputs.corpus, tokenizer: inputs.tokenizer };
  const train = buildLanguageTrainingSet(cfg.data, dataInputs);
  const test = buildLanguageTestSets(cfg.data, dataInputs);
  const tok = inputs.tokenizer;
  const reward = languageRewardModel(cfg.reward.kind, inputs.corpus, { distilbertDir: cfg.reward.dir });
  if (reward.spec.sha256 !== cfg.reward.sha256) {
    throw new ConfigError(`reward: the ${cfg.reward.kind} reward model of this corpus (sha256 ${reward.spec.sha256}) is not the one of the configuration (${cfg.reward.sha256}); rebuild the configuration with languageRlConfig`);
  }
  const evalOpts = { responseTokens: cfg.responseTokens, stopAtEos: cfg.stopAtEos, batchSize: cfg.ppo.batchSize, score: reward.score, scale: reward.spec.scale, rewardOn: cfg.rewardOn };
  const policy = inputs.model.copy(true);
  const critic = SharedTrunkCritic.init(policy, rng.child('value_head'));
  const ref = inputs.model.copy(false);
  try {
    const evalBefore = cfg.evalBefore ? await scorePartitions(ref, tok, test, evalOpts, rng.child('eval-before')) : null;
    const env = sentimentPpoEnvironment(train, tok, reward.score, cfg);
    const { steps, warnings } = await runPpoLoop({ policy, critic, ref }, env, cfg.ppo, cfg.ppo.miniBatchSize, rng, hooks);
    const evalAfter = await scorePartitions(policy, tok, test, evalOpts, rng.child('eval'));
    return {
      seed: cfg.seed,
      steps,
      eval: evalAfter.normalisedScores,
      normalisedScores: evalAfter.normalisedScores,
      rewards: evalAfter.rewards,
      samples: evalAfter.samples,
      before: evalBefore,
      warnings,
      wallMs: Date.now() - t0,
    };
  } finally {
    critic.dispose();
    policy.dispose();
    ref.dispose();
  }
}
