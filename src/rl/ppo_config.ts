/**
 * PPO hyper-parameters and the study's two named variants: `trl` (TRL 0.7.11 legacy PPOTrainer,
 * used by the paper's sentiment experiments) and `rl4lms` (RL4LMs/stable-baselines3 PPO, used by
 * the toy experiments). Variants differ only in these values; the math reads them.
 * Sources: TRL v0.7.11 `trl/trainer/ppo_config.py`; RL4LMs `rl4lms/algorithms/ppo/ppo.py`
 * (SB3 1.5 defaults); docs/study.md for the values the authors set.
 */
import { ConfigError, checkInt, checkRange, oneOf } from '../util/assert';
import { KL_PENALTY_KINDS, KLPenaltyKind } from './kl';

/** How advantages are normalised. */
export type AdvantageNorm = 'batch_whiten' | 'minibatch' | 'none';
export const ADVANTAGE_NORMS: readonly AdvantageNorm[] = ['batch_whiten', 'minibatch', 'none'];
/** Which value loss. */
export type ValueLossKind = 'clipped' | 'mse';
export const VALUE_LOSS_KINDS: readonly ValueLossKind[] = ['clipped', 'mse'];
/** What one unit of `batchSize` / `miniBatchSize` counts. */
export type BatchUnit = 'sequence' | 'token';
export const BATCH_UNITS: readonly BatchUnit[] = ['sequence', 'token'];
/** Optimizer family. */
export type OptimizerKind = 'adam' | 'adamw';
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['adam', 'adamw'];
export type LrScheduleKind = 'constant' | 'linear';
export const LR_SCHEDULE_KINDS: readonly LrScheduleKind[] = ['constant', 'linear'];

/** Every PPO setting the rollout, the math and the trainer read. Read-only; derive, never mutate. */
export interface PPOConfig {
  /** Learning rate of the optimizer; TRL 0.7 default 1.41e-5; RL4LMs toy 1e-4 (docs/study.md). */
  readonly learningRate: number;
  /**
   * Learning rate over the run: 'constant' (TRL, SB3/RL4LMs) or 'linear' from `learningRate` at the
   * first iteration down to `learningRate / nIterations` at the last (CleanRL's `anneal_lr`).
   * Absent = 'constant', so a configuration stored before the field keeps its hash.
   */
  readonly lrSchedule?: LrScheduleKind;
  /** Optimizer: TRL builds torch `Adam(lr)`; RL4LMs toy uses AdamW (docs/study.md). */
  readonly optimizer: OptimizerKind;
  /** Decoupled weight decay (AdamW only); TRL 0 (Adam); RL4LMs toy 1e-6 (docs/study.md). */
  readonly weightDecay: number;
  /** Adam beta1; torch default 0.9 (both variants). */
  readonly adamBeta1: number;
  /** Adam beta2; torch default 0.999 (both variants). */
  readonly adamBeta2: number;
  /** Adam epsilon; torch default 1e-8 (both variants; tfjs's own default is 1e-7, so pass this). */
  readonly adamEps: number;
  /** Unit of `batchSize`/`miniBatchSize`: TRL counts sequences; SB3/RL4LMs count token transitions. */
  readonly batchUnit: BatchUnit;
  /** Rollouts per PPO iteration (TRL `batch_size`): STUDY 256 sequences (TRL 0.7 default 128); RL4LMs 16 envs x 128 steps = 2048 tokens. */
  readonly batchSize: number;
  /** Samples per forward/backward pass (TRL `mini_batch_size`): STUDY 1 sequence (TRL 0.7 default 128); RL4LMs 256 tokens. */
  readonly miniBatchSize: number;
  /** Minibatches accumulated per optimizer step (TRL `gradient_accumulation_steps`); default 1 (both). */
  readonly gradientAccumulationSteps: number;
  /** Passes over each rollout batch (TRL `ppo_epochs` 4; RL4LMs `n_epochs` 5 in docs/study.md). */
  readonly ppoEpochs: number;
  /** PPO iterations (rollout + update) per run: TRL 24,576 prompts / 256 = 96 (docs/study.md); RL4LMs 100 (docs/study.md). */
  readonly nIterations: number;
  /** Discount factor; TRL default 1; RL4LMs/SB3 0.99. */
  readonly gamma: number;
  /** GAE lambda; 0.95 in both (TRL `lam`, SB3 `gae_lambda`). */
  readonly lam: number;
  /** Policy ratio clip epsilon; 0.2 in both (TRL `cliprange`, SB3 `clip_range`). */
  readonly cliprange: number;
  /** Value clip around the rollout values (TRL `cliprange_value` 0.2); null = no value clipping (SB3 `clip_range_vf=None`). */
  readonly cliprangeValue: number | null;
  /** `clipped`: TRL's 0.5 * mean(max(unclipped, clipped) squared error); `mse`: SB3's mean squared error, no 0.5, no clip. */
  readonly valueLoss: ValueLossKind;
  /** Weight of the value loss in the total loss; TRL default 0.1; SB3/RL4LMs 0.5. */
  readonly vfCoef: number;
  /** Weight of the entropy bonus (loss -= entCoef * mean entropy); TRL has none (0); RL4LMs toy 0 (docs/study.md). */
  readonly entCoef: number;
  /** Global gradient-norm clip; TRL default null (off); SB3/RL4LMs 0.5. */
  readonly maxGradNorm: number | null;
  /** Skip a minibatch (loss * 0) when its mean ratio exceeds this; TRL default 10; null = never (SB3). */
  readonly ratioThreshold: number | null;
  /** `batch_whiten`: TRL masked_whiten over the rollout batch; `minibatch`: SB3 (adv - mean)/(std + 1e-8) per minibatch; `none`. */
  readonly advantageNorm: AdvantageNorm;
  /** Whiten per-token rewards (shift_mean=false) before GAE (TRL `whiten_rewards`); default false (both). */
  readonly whitenRewards: boolean;
  /** Adaptive KL coefficient (TRL `adap_kl_ctrl`, default true); false = fixed at `initKlCoef` (RL4LMs toy). */
  readonly adapKlCtrl: boolean;
  /** Initial (or fixed) KL penalty coefficient beta; TRL default 0.2; RL4LMs toy 0 (docs/study.md). */
  readonly initKlCoef: number;
  /** Per-token KL estimator in the reward: kl (k1) | abs | mse | full; TRL default 'kl' (RL4LMs uses k1 too). */
  readonly klPenalty: KLPenaltyKind;
  /** KL target of the adaptive controller, nats per sequence; TRL default 6; unused when `adapKlCtrl` is false. */
  readonly target: number;
  /** Horizon of the adaptive controller, in samples; TRL default 10000; unused when `adapKlCtrl` is false. */
  readonly horizon: number;
  /** Stop an iteration's epochs when policykl > 1.5 * targetKl (TRL `early_stopping`); default false (both). */
  readonly earlyStopping: boolean;
  /** Early-stopping KL threshold (TRL `target_kl`); default 1; unused unless `earlyStopping`. */
  readonly targetKl: number;
}

/** The study's two PPO variants, frozen. Pinned by test/rl/ppo_config.test.ts. */
export const PPO_CONFIGS = Object.freeze({
  trl: Object.freeze({
    learningRate: 1.41e-5,
    optimizer: 'adam',
    weightDecay: 0,
    adamBeta1: 0.9,
    adamBeta2: 0.999,
    adamEps: 1e-8,
    batchUnit: 'sequence',
    batchSize: 256,
    miniBatchSize: 1,
    gradientAccumulationSteps: 1,
    ppoEpochs: 4,
    nIterations: 96,
    gamma: 1,
    lam: 0.95,
    cliprange: 0.2,
    cliprangeValue: 0.2,
    valueLoss: 'clipped',
    vfCoef: 0.1,
    entCoef: 0,
    maxGradNorm: null,
    ratioThreshold: 10,
    advantageNorm: 'batch_whiten',
    whitenRewards: false,
    adapKlCtrl: true,
    initKlCoef: 0.2,
    klPenalty: 'kl',
    target: 6,
    horizon: 10000,
    earlyStopping: false,
    targetKl: 1,
  }),
  rl4lms: Object.freeze({
    learningRate: 1e-4,
    optimizer: 'adamw',
    weightDecay: 1e-6,
    adamBeta1: 0.9,
    adamBeta2: 0.999,
    adamEps: 1e-8,
    batchUnit: 'token',
    batchSize: 2048,
    miniBatchSize: 256,
    gradientAccumulationSteps: 1,
    ppoEpochs: 5,
    nIterations: 100,
    gamma: 0.99,
    lam: 0.95,
    cliprange: 0.2,
    cliprangeValue: null,
    valueLoss: 'mse',
    vfCoef: 0.5,
    entCoef: 0,
    maxGradNorm: 0.5,
    ratioThreshold: null,
    advantageNorm: 'minibatch',
    whitenRewards: false,
    adapKlCtrl: false,
    initKlCoef: 0,
    klPenalty: 'kl',
    target: 6,
    horizon: 10000,
    earlyStopping: false,
    targetKl: 1,
  }),
} as const satisfies Record<string, PPOConfig>);

/** Names of the predefined variants. */
export type PPOVariant = keyof typeof PPO_CONFIGS;

function checkPositive(field: string, value: unknown): number {
  checkRange(field, value, 0, Number.MAX_VALUE);
  if (value === 0) throw new ConfigError(`${field}: 0 is not allowed; expected a number > 0`);
  return value as number;
}

function checkBool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${field}: ${JSON.stringify(value)} is not allowed; expected true or false`);
  return value;
}

function checkBeta(field: string, value: unknown): void {
  checkRange(field, value, 0, 1);
  if (value === 1) throw new ConfigError(`${field}: 1 is not allowed; expected a number in [0, 1)`);
}

function positiveOrNull(field: string, value: unknown): void {
  if (value !== null) checkPositive(field, value);
}

// One check per field; the mapped type makes the compiler reject a field without a check.
const FIELD_CHECKS: { readonly [K in keyof PPOConfig]-?: (value: unknown) => void } = {
  learningRate: (v) => checkPositive('learningRate', v),
  lrSchedule: (v) => oneOf('lrSchedule', v, LR_SCHEDULE_KINDS),
  optimizer: (v) => oneOf('optimizer', v, OPTIMIZER_KINDS),
  weightDecay: (v) => checkRange('weightDecay', v, 0, 1),
  adamBeta1: (v) => checkBeta('adamBeta1', v),
  adamBeta2: (v) => checkBeta('adamBeta2', v),
  adamEps: (v) => checkPositive('adamEps', v),
  batchUnit: (v) => oneOf('batchUnit', v, BATCH_UNITS),
  batchSize: (v) => checkInt('batchSize', v, 1),
  miniBatchSize: (v) => checkInt('miniBatchSize', v, 1),
  gradientAccumulationSteps: (v) => checkInt('gradientAccumulationSteps', v, 1),
  ppoEpochs: (v) => checkInt('ppoEpochs', v, 1),
  nIterations: (v) => checkInt('nIterations', v, 1),
  gamma: (v) => checkRange('gamma', v, 0, 1),
  lam: (v) => checkRange('lam', v, 0, 1),
  cliprange: (v) => checkPositive('cliprange', v),
  cliprangeValue: (v) => positiveOrNull('cliprangeValue', v),
  valueLoss: (v) => oneOf('valueLoss', v, VALUE_LOSS_KINDS),
  vfCoef: (v) => checkRange('vfCoef', v, 0, Number.MAX_VALUE),
  entCoef: (v) => checkRange('entCoef', v, 0, Number.MAX_VALUE),
  maxGradNorm: (v) => positiveOrNull('maxGradNorm', v),
  ratioThreshold: (v) => positiveOrNull('ratioThreshold', v),
  advantageNorm: (v) => oneOf('advantageNorm', v, ADVANTAGE_NORMS),
  whitenRewards: (v) => checkBool('whitenRewards', v),
  adapKlCtrl: (v) => checkBool('adapKlCtrl', v),
  initKlCoef: (v) => checkRange('initKlCoef', v, 0, Number.MAX_VALUE),
  klPenalty: (v) => oneOf('klPenalty', v, KL_PENALTY_KINDS),
  target: (v) => checkPositive('target', v),
  horizon: (v) => checkPositive('horizon', v),
  earlyStopping: (v) => checkBool('earlyStopping', v),
  targetKl: (v) => checkPositive('targetKl', v),
};

/** Fields that may be absent (their absence means the default stated on the field). */
const OPTIONAL_KEYS: readonly (keyof PPOConfig)[] = ['lrSchedule'];

/** The learning rate of PPO iteration `iteration` (0-based) under `cfg.lrSchedule`. */
export function ppoLearningRate(cfg: Pick<PPOConfig, 'learningRate' | 'lrSchedule' | 'nIterations'>, iteration: number): number {
  if ((cfg.lrSchedule ?? 'constant') === 'constant') return cfg.learningRate;
  return cfg.learningRate * (1 - Math.min(iteration, cfg.nIterations - 1) / cfg.nIterations);
}

/** The required field names of `PPOConfig`, in declaration order (the optional ones are `OPTIONAL_KEYS`). */
export const PPO_CONFIG_KEYS = Object.freeze((Object.keys(FIELD_CHECKS) as (keyof PPOConfig)[]).filter((k) => !OPTIONAL_KEYS.includes(k)));

/**
 * Checks every field and the relations between fields; throws one `ConfigError` line naming the
 * first bad field, its value and what is allowed (e.g. `gamma: 1.5 is outside [0, 1]`).
 */
export function validatePPOConfig(cfg: Readonly<Record<string, unknown>>, opts: { readonly raggedLastMinibatch?: boolean } = {}): PPOConfig {
  for (const key of Object.keys(cfg)) {
    if (!(key in FIELD_CHECKS)) {
      throw new ConfigError(`${key}: unknown PPOConfig field; expected one of ${[...PPO_CONFIG_KEYS, ...OPTIONAL_KEYS].join(', ')}`);
    }
  }
  for (const key of PPO_CONFIG_KEYS) {
    if (!(key in cfg)) throw new ConfigError(`${key}: missing; every PPOConfig field needs a value`);
    FIELD_CHECKS[key](cfg[key]);
  }
  for (const key of OPTIONAL_KEYS) if (key in cfg) FIELD_CHECKS[key](cfg[key]);
  const c = cfg as unknown as PPOConfig;
  if (c.valueLoss === 'clipped' && c.cliprangeValue === null) {
    throw new ConfigError(`cliprangeValue: null is not allowed with valueLoss 'clipped'; expected a number > 0`);
  }
  if (c.valueLoss === 'mse' && c.cliprangeValue !== null) {
    throw new ConfigError(`cliprangeValue: ${c.cliprangeValue} is not allowed with valueLoss 'mse' (SB3 clips nothing); expected null`);
  }
  if (c.optimizer === 'adam' && c.weightDecay !== 0) {
    throw new ConfigError(`weightDecay: ${c.weightDecay} is not allowed with optimizer 'adam'; expected 0 (use 'adamw')`);
  }
  const backward = c.miniBatchSize * c.gradientAccumulationSteps;
  if (opts.raggedLastMinibatch) {
    if (backward > c.batchSize) throw new ConfigError(`miniBatchSize: ${c.miniBatchSize} * gradientAccumulationSteps ${c.gradientAccumulationSteps} is above batchSize ${c.batchSize}; expected at most ${c.batchSize}`);
  } else if (c.batchSize % backward !== 0) {
    throw new ConfigError(
      `batchSize: ${c.batchSize} is not a multiple of miniBatchSize * gradientAccumulationSteps = ${backward}`,
    );
  }
  return c;
}

/**
 * Batch sizes of a trainer that samples whole episodes (the toy run's `PPOTrainer`), in episodes
 * rather than RL4LMs' token units (16 envs x 128 steps = 2048 tokens; 5 tokens per toy episode).
 */
export interface EpisodeCounts {
  /** Episodes per PPO iteration, becomes `batchSize` (paper 409 = 2,048 transitions / 5 tokens). */
  readonly episodesPerIteration: number;
  /** Episodes per minibatch, becomes `miniBatchSize` (paper 51 = 256 / 5). */
  readonly minibatchEpisodes: number;
}

/**
 * Returns a new frozen config: `base` with `overrides` applied, validated. Unknown keys and bad
 * values throw one `ConfigError` line. Neither argument is modified.
 * With `episodes` (the toy run), `batchSize` / `miniBatchSize` are those episode counts
 * (`batchUnit` 'sequence'), validated under SB3's rule instead of TRL's: the batch need not be a
 * multiple of the minibatch, the last minibatch of an epoch is smaller (paper: 409 episodes in
 * minibatches of 51), as in RL4LMs and the trainer. Bad counts are named by their episode fields.
 * @example makePPOConfig(PPO_CONFIGS.trl, { batchSize: 64, miniBatchSize: 8 })
 * @example makePPOConfig(PPO_CONFIGS.rl4lms, { ppoEpochs: 5 }, { episodesPerIteration: 409, minibatchEpisodes: 51 })
 */
export function makePPOConfig(base: PPOConfig, overrides: Readonly<Record<string, unknown>> = {}, episodes?: EpisodeCounts): PPOConfig {
  for (const key of Object.keys(overrides)) {
    if (!(key in FIELD_CHECKS)) {
      throw new ConfigError(`${key}: unknown PPOConfig field; expected one of ${[...PPO_CONFIG_KEYS, ...OPTIONAL_KEYS].join(', ')}`);
    }
  }
  if (!episodes) return Object.freeze(validatePPOConfig({ ...base, ...overrides }));
  for (const key of ['batchSize', 'miniBatchSize', 'batchUnit'] as const) {
    if (key in overrides) throw new ConfigError(`${key}: set by the episode counts; expected episodesPerIteration / minibatchEpisodes instead`);
  }
  const batchSize = checkInt('episodesPerIteration', episodes.episodesPerIteration, 1);
  const miniBatchSize = checkInt('minibatchEpisodes', episodes.minibatchEpisodes, 1);
  if (miniBatchSize > batchSize) throw new ConfigError(`minibatchEpisodes: ${miniBatchSize} is above episodesPerIteration ${batchSize}; expected at most ${batchSize}`);
  return Object.freeze(validatePPOConfig({ ...base, ...overrides, batchUnit: 'sequence', batchSize, miniBatchSize }, { raggedLastMinibatch: true }));
}

/** Counts that follow from a config (never written back into it). */
export interface PPOBatchCounts {
  /** Samples per optimizer step: miniBatchSize * gradientAccumulationSteps (TRL `backward_batch_size`). */
  readonly backwardBatchSize: number;
  /** Minibatches per epoch: batchSize / miniBatchSize. */
  readonly nMiniBatchesPerEpoch: number;
  /** Optimizer steps per epoch: batchSize / backwardBatchSize. */
  readonly nOptimizerStepsPerEpoch: number;
  /** Minibatch forward/backward passes per iteration: ppoEpochs * nMiniBatchesPerEpoch. */
  readonly nMiniBatchesPerIteration: number;
  /** Optimizer steps per iteration (without early stopping): ppoEpochs * nOptimizerStepsPerEpoch. */
  readonly nOptimizerStepsPerIteration: number;
  /** Optimizer steps per run: nIterations * nOptimizerStepsPerIteration. */
  readonly nOptimizerStepsTotal: number;
  /** Samples (in `batchUnit`) collected per run: nIterations * batchSize. */
  readonly nSamplesTotal: number;
}

/** Derives the batch bookkeeping of a (validated) config; pure. */
export function derivePPOBatch(
  cfg: Pick<PPOConfig, 'batchSize' | 'miniBatchSize' | 'gradientAccumulationSteps' | 'ppoEpochs' | 'nIterations'>,
): PPOBatchCounts {
  const backwardBatchSize = cfg.miniBatchSize * cfg.gradientAccumulationSteps;
  const nMiniBatchesPerEpoch = cfg.batchSize / cfg.miniBatchSize;
  const nOptimizerStepsPerEpoch = cfg.batchSize / backwardBatchSize;
  if (!Number.isInteger(nOptimizerStepsPerEpoch)) {
    throw new ConfigError(`batchSize: ${cfg.batchSize} is not a multiple of miniBatchSize * gradientAccumulationSteps = ${backwardBatchSize}`);
  }
  return Object.freeze({
    backwardBatchSize,
    nMiniBatchesPerEpoch,
    nOptimizerStepsPerEpoch,
    nMiniBatchesPerIteration: cfg.ppoEpochs * nMiniBatchesPerEpoch,
    nOptimizerStepsPerIteration: cfg.ppoEpochs * nOptimizerStepsPerEpoch,
    nOptimizerStepsTotal: cfg.nIterations * cfg.ppoEpochs * nOptimizerStepsPerEpoch,
    nSamplesTotal: cfg.nIterations * cfg.batchSize,
  });
}
