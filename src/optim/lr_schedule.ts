/**
 * The learning-rate schedule of causal-LM pre-training: linear warmup from 0 to the peak, then
 * cosine decay to `minLrRatio` x peak at the last step (nanoGPT `get_lr`; GPT-2/GPT-3 used warmup
 * plus cosine decay). Pure arithmetic, so a test pins every value.
 */
import { checkInt, checkRange } from '../util/assert';

/** The schedule's settings. */
export interface LrScheduleConfig {
  /** Peak learning rate, reached at the end of warmup; nanoGPT's small models 1e-3, GPT-2 small 6e-4. */
  readonly learningRate: number;
  /** Steps of linear warmup (0 = start at the peak); nanoGPT 2,000 of 600,000. */
  readonly warmupSteps: number;
  /** Total optimizer steps; the decay ends at the last one. */
  readonly totalSteps: number;
  /** Final learning rate as a share of the peak; nanoGPT 0.1 (min_lr = learning_rate / 10). */
  readonly minLrRatio: number;
}

/** Checks `cfg` (one-line ConfigErrors naming the field) and returns it. */
export function checkLrSchedule(cfg: LrScheduleConfig): LrScheduleConfig {
  checkRange('learningRate', cfg.learningRate, 0, 10);
  checkInt('totalSteps', cfg.totalSteps, 1);
  checkInt('warmupSteps', cfg.warmupSteps, 0, cfg.totalSteps);
  checkRange('minLrRatio', cfg.minLrRatio, 0, 1);
  return cfg;
}

/**
 * Learning rate of optimizer step `step` (0-based): `learningRate * (step + 1) / warmupSteps`
 * during warmup, then `min + (peak - min) * (1 + cos(pi * progress)) / 2` with progress going
 * from 0 (first step after warmup) to 1 (the last step).
 */
export function learningRateAt(step: number, cfg: LrScheduleConfig): number {
  const peak = cfg.learningRate;
  if (step < cfg.warmupSteps) return (peak * (step + 1)) / cfg.warmupSteps;
  const decaySteps = cfg.totalSteps - cfg.warmupSteps;
  const progress = decaySteps <= 1 ? 1 : Math.min(1, (step - cfg.warmupSteps) / (decaySteps - 1));
  const min = peak * cfg.minLrRatio;
  return min + ((peak - min) * (1 + Math.cos(Math.PI * progress))) / 2;
}
