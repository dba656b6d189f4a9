/**
 * PPO statistics under TRL 0.7.11's metric names, so our logs diff against TRL's: the per-minibatch
 * loss statistics (`PPOTrainer.loss`), their per-iteration average (`stack_dicts` + `record_step_stats`,
 * which take the plain mean over minibatches and then var_explained = 1 - error / returns var), the
 * rollout statistics (`record_step_stats`) and `env/*` (`log_stats`). Pure: warnings are returned.
 */
import * as tf from '@tensorflow/tfjs';
import { maskedMean } from '../tensor/masked';

/** Per-minibatch statistics returned by `ppoLoss` (TRL `PPOTrainer.loss`, flattened, 0-d entries). */
export const PPO_LOSS_STAT_NAMES = [
  'loss/policy',
  'loss/value',
  'loss/total',
  'policy/entropy',
  'policy/approxkl',
  'policy/policykl',
  'policy/clipfrac',
  'policy/advantages_mean',
  'returns/mean',
  'returns/var',
  'val/vpred',
  'val/error',
  'val/clipfrac',
  'val/mean',
  'val/var',
] as const;
export type PPOLossStatName = (typeof PPO_LOSS_STAT_NAMES)[number];

/** Per-iteration optimisation statistics: `ppo/` + each loss stat, and `ppo/val/var_explained`. */
export type PPOStepLossStatName = `ppo/${PPOLossStatName}` | 'ppo/val/var_explained';

/** Rollout statistics computed on the device by `rolloutStats`. */
export const ROLLOUT_STAT_NAMES = [
  'objective/kl',
  'objective/entropy',
  'ppo/mean_non_score_reward',
  'ppo/mean_scores',
  'ppo/std_scores',
] as const;
export type RolloutStatName = (typeof ROLLOUT_STAT_NAMES)[number];

/** Query/response length statistics (TRL `tokens/*`). */
export type LengthStatName = 'tokens/queries_len_mean' | 'tokens/queries_len_std' | 'tokens/responses_len_mean' | 'tokens/responses_len_std';
/** Reward statistics of the batch (TRL `log_stats`). */
export type EnvStatName = 'env/reward_mean' | 'env/reward_std';

/** Every scalar metric a TRL 0.7 step logs (the `*_dist` histograms and `time/*` aside). */
export const STEP_STAT_NAMES: readonly string[] = [
  ...ROLLOUT_STAT_NAMES,
  'objective/kl_coef',
  'tokens/queries_len_mean',
  'tokens/queries_len_std',
  'tokens/responses_len_mean',
  'tokens/responses_len_std',
  ...PPO_LOSS_STAT_NAMES.map((n) => `ppo/${n}`),
  'ppo/val/var_explained',
  'ppo/learning_rate',
  'env/reward_mean',
  'env/reward_std',
];

/** TRL warns when the mean sequence KL drops below this (nats). */
export const NEGATIVE_KL_WARN_BELOW = -1;

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

// torch.std default: Bessel-corrected; one element gives NaN, as torch does.
function stdUnbiased(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
}

/**
 * Averages the per-minibatch statistics of one iteration into per-step statistics as TRL does:
 * the plain mean over minibatches (every minibatch weighs the same), keys prefixed with `ppo/`,
 * then `ppo/val/var_explained` = 1 - mean(val/error) / mean(returns/var).
 * @param perMinibatch host numbers, one record per minibatch (in any order)
 */
export function averageMinibatchStats(
  perMinibatch: ReadonlyArray<Readonly<Record<PPOLossStatName, number>>>,
): Record<PPOStepLossStatName, number> {
  if (perMinibatch.length === 0) throw new Error('averageMinibatchStats: perMinibatch is empty; expected at least one minibatch');
  const out = {} as Record<PPOStepLossStatName, number>;
  for (const name of PPO_LOSS_STAT_NAMES) out[`ppo/${name}`] = mean(perMinibatch.map((s) => s[name]));
  out['ppo/val/var_explained'] = 1 - out['ppo/val/error'] / out['ppo/returns/var'];
  return out;
}

/** Rollout tensors for `rolloutStats`; `[batch, resp]` ones are aligned with `mask`. */
export interface RolloutStatInputs {
  /** `[batch]` sequence scores. */
  scores: tf.Tensor1D;
  /** `[batch, resp]` policy log-probs of the sampled tokens at rollout. */
  logprobs: tf.Tensor2D;
  /** `[batch, resp]` per-token KL penalty (`computeRewards(...).kls`). */
  kls: tf.Tensor2D;
  /** `[batch, resp]` -beta * kls (`computeRewards(...).nonScoreRewards`). */
  nonScoreRewards: tf.Tensor2D;
  /** `[batch, resp]` float 0/1. */
  mask: tf.Tensor2D;
}

/**
 * Rollout statistics of TRL `record_step_stats`: objective/kl = batch mean of the per-sequence summed
 * KL; objective/entropy = batch mean of the summed -logprob (a sampled entropy estimate);
 * ppo/mean_non_score_reward = masked mean; ppo/mean_scores, ppo/std_scores (Bessel).
 * @returns new scalars `[]` (caller disposes; read them at the step's sync point)
 */
export function rolloutStats(inputs: RolloutStatInputs): Record<RolloutStatName, tf.Scalar> {
  const { scores, logprobs, kls, nonScoreRewards, mask } = inputs;
  return tf.tidy('rl/rolloutStats', () => {
    const nScores = scores.shape[0];
    const meanScore = tf.mean(scores);
    const scoreVar = tf.div(tf.sum(tf.square(tf.sub(scores, meanScore))), nScores - 1); // [] Bessel
    return {
      'objective/kl': tf.mean(tf.sum(tf.mul(kls, mask), -1)),
      'objective/entropy': tf.mean(tf.sum(tf.mul(tf.neg(logprobs), mask), -1)),
      'ppo/mean_non_score_reward': maskedMean(nonScoreRewards, mask),
      'ppo/mean_scores': meanScore as tf.Scalar,
      'ppo/std_scores': tf.sqrt(scoreVar) as tf.Scalar,
    };
  });
}

/** Mean and Bessel std of query and response lengths, in tokens (TRL `tokens/*`). */
export function lengthStats(queryLens: readonly number[], responseLens: readonly number[]): Record<LengthStatName, number> {
  return {
    'tokens/queries_len_mean': mean(queryLens),
    'tokens/queries_len_std': stdUnbiased(queryLens),
    'tokens/responses_len_mean': mean(responseLens),
    'tokens/responses_len_std': stdUnbiased(responseLens),
  };
}

/** Mean and Bessel std of the batch's scores (TRL `log_stats`: `env/reward_mean`, `env/reward_std`). */
export function envRewardStats(scores: readonly number[]): Record<EnvStatName, number> {
  return { 'env/reward_mean': mean(scores), 'env/reward_std': stdUnbiased(scores) };
}

/**
 * TRL's warning for a KL estimate below -1 nats (the k1 estimator can go negative, e.g. when the
 * sampler does not sample from the policy's own distribution). Returns the text; does not print.
 * @param meanKl `objective/kl`, nats per sequence
 */
export function negativeKlWarning(meanKl: number): string | null {
  if (!(meanKl < NEGATIVE_KL_WARN_BELOW)) return null;
  return (
    `KL divergence is starting to become negative: ${meanKl.toFixed(2)} - this might be a precursor for failed training. ` +
    'Sometimes this happens because the generation settings are not sampling from the policy ' +
    '(top-k/top-p, a minimum length, or pad = EOS); check them, or review the hyperparameters.'
  );
}
