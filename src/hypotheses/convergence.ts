/**
 * Which RL runs converged (issue 15): `trainingConvergence` on each run's training reward curve
 * (`env/reward_mean` per PPO iteration, from the run's step statistics), with the study's window
 * and threshold, and how many runs met it.
 */
import { trainingConvergence, type ConvergenceOptions } from '../stats/index';
import type { RlRun } from './runs';

/** The step statistic that holds the training reward (TRL's name). */
export const TRAINING_REWARD_KEY = 'env/reward_mean';

/**
 * The study's criterion: the least-squares slope over the last quarter of the iterations is at most
 * 0.005 reward per iteration in size (0.05 over a 10-iteration window of a 40-iteration run). The
 * stats default (1e-3 over the last fifth) is below the measured iteration-to-iteration noise of a
 * 128-episode batch mean (sd ~ 0.03-0.08), so it would call plateaued runs unconverged.
 */
export const STUDY_CONVERGENCE: Required<ConvergenceOptions> = Object.freeze({ windowFraction: 0.25, maxSlopePerIteration: 0.005 });

/** One run's convergence (a type alias so rows pass to `showTable`). */
export type ConvergenceRow = { task: number; rate: number; seed: number; iterations: number; 'final reward': number; slope: number; converged: boolean };

/** The criterion on every run with at least 2 logged iterations. */
export function runConvergence(runs: readonly RlRun[], opts: ConvergenceOptions = STUDY_CONVERGENCE): ConvergenceRow[] {
  return runs.flatMap((r) => {
    const curve = r.result.steps.map((s) => s[TRAINING_REWARD_KEY]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (curve.length < 2) return [];
    const c = trainingConvergence(curve, opts);
    return [{ task: r.task, rate: r.rate, seed: r.seed, iterations: curve.length, 'final reward': curve[curve.length - 1], slope: c.slopePerIteration, converged: c.converged }];
  });
}

/** How many runs met the criterion, and of those that did not, how many were still rising (slope > 0) or falling at the end. */
export function convergenceSummary(rows: readonly ConvergenceRow[]): { runs: number; converged: number; share: number; rising: number; falling: number } {
  const converged = rows.filter((r) => r.converged).length;
  const rising = rows.filter((r) => !r.converged && r.slope > 0).length;
  return { runs: rows.length, converged, share: rows.length ? converged / rows.length : NaN, rising, falling: rows.length - converged - rising };
}

/**
 * The convergence sentence of notebook 04 and the results paragraph: how many runs met the
 * criterion and, of the rest, how many were still rising (a budget too short for them) or falling
 * (instability after a plateau).
 */
export function convergenceSentence(summary: ReturnType<typeof convergenceSummary>, what = 'RL runs'): string {
  if (summary.runs === 0) return `Convergence: no ${what}.`;
  const criterion = `|slope| of the training reward over the last quarter of iterations <= ${STUDY_CONVERGENCE.maxSlopePerIteration} per iteration`;
  const notMet = summary.runs - summary.converged;
  const rest = notMet === 0 ? '' : `; of the ${notMet} that did not, ${summary.rising} ${summary.rising === 1 ? 'was' : 'were'} still rising at the last iteration (the budget is short for them) and ${summary.falling} falling`;
  return `Convergence: ${summary.converged} of ${summary.runs} ${what} (${Math.round(100 * summary.share)} %) met the criterion (${criterion})${rest}.`;
}
