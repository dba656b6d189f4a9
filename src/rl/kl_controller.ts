/**
 * The KL coefficient beta of the per-token reward -beta * KL. Adaptive controller of Ziegler et al.
 * 2019 (arXiv 1909.08593, eq. 2), as TRL 0.7.11 `AdaptiveKLController`: error = clip(KL / target - 1,
 * -0.2, 0.2), beta *= 1 + error * nSteps / horizon. RL4LMs's `KLController` is the same rule with
 * nSteps / horizon fixed at 0.1; the toy study runs it with beta = 0 (fixed).
 */
import type { PPOConfig } from './ppo_config';

/** Ziegler's clip on the proportional error (TRL `np.clip(..., -0.2, 0.2)`). */
export const KL_ERROR_CLIP = 0.2;

/** A KL coefficient that the training loop reads each iteration and updates once per iteration. */
export interface KLController {
  /** The current coefficient beta (dimensionless). */
  readonly value: number;
  /** Updates `value` from the iteration's mean sequence KL (nats) and the number of samples it covered. */
  update(currentKl: number, nSteps: number): void;
}

/**
 * One adaptive update, pure: value * (1 + clip(currentKl / target - 1, -0.2, 0.2) * nSteps / horizon).
 * @param currentKl mean per-sequence KL of the iteration, nats (TRL `objective/kl`)
 * @param nSteps samples in the iteration (TRL passes `batch_size * num_processes`)
 */
export function nextAdaptiveKLCoef(value: number, currentKl: number, nSteps: number, target: number, horizon: number): number {
  const error = Math.min(Math.max(currentKl / target - 1, -KL_ERROR_CLIP), KL_ERROR_CLIP);
  return value * (1 + (error * nSteps) / horizon);
}

/** TRL's `AdaptiveKLController`: mutable state owned by the training loop. */
export class AdaptiveKLController implements KLController {
  private current: number;
  constructor(initKlCoef: number, readonly target: number, readonly horizon: number) {
    this.current = initKlCoef;
  }
  get value(): number {
    return this.current;
  }
  update(currentKl: number, nSteps: number): void {
    this.current = nextAdaptiveKLCoef(this.current, currentKl, nSteps, this.target, this.horizon);
  }
}

/** TRL's `FixedKLController`: `update` does nothing. */
export class FixedKLController implements KLController {
  constructor(readonly value: number) {}
  update(_currentKl: number, _nSteps: number): void {
    // fixed by definition
  }
}

/** Builds the controller a config asks for (adaptive iff `adapKlCtrl`, as TRL's PPOTrainer does). */
export function makeKLController(cfg: Pick<PPOConfig, 'adapKlCtrl' | 'initKlCoef' | 'target' | 'horizon'>): KLController {
  return cfg.adapKlCtrl
    ? new AdaptiveKLController(cfg.initKlCoef, cfg.target, cfg.horizon)
    : new FixedKLController(cfg.initKlCoef);
}
