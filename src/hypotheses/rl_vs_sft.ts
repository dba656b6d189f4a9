/**
 * RL against supervised fine-tuning as one quantity (issue 15): the difference of the two H1
 * Spearman correlations (RL minus SFT) over the same task pairs, with a 95 % bootstrap interval over
 * seeds (`correlationDifferenceInterval`: seeds resampled within each task and method).
 */
import { correlationDifferenceInterval, type CorrelationDifferenceInterval, type TaskSeedValues } from '../stats/index';
import type { Rng } from '../util/rng';
import type { TaskExtractabilityRow } from './runs';

/**
 * rho(log relMdl, RL use) - rho(log relMdl, SFT use) with its interval, over the tasks that have
 * relative extractability and runs of both methods; null with fewer than 3 such tasks or when either
 * correlation is undefined (constant feature use).
 */
export function rlMinusSftH1(extractability: readonly TaskExtractabilityRow[], rl: readonly TaskSeedValues[], sft: readonly TaskSeedValues[], rng: Rng, nResamples = 2000): (CorrelationDifferenceInterval & { tasks: number }) | null {
  const rows = extractability.flatMap((e) => {
    const a = rl.find((t) => t.task === e.task);
    const b = sft.find((t) => t.task === e.task);
    return a && b && a.values.length > 0 && b.values.length > 0 ? [{ x: Math.log(e.relMdl), a: a.values, b: b.values }] : [];
  });
  if (rows.length < 3) return null;
  try {
    const d = correlationDifferenceInterval(rows.map((r) => r.x), rows.map((r) => r.a), rows.map((r) => r.b), { correlation: 'spearman', nResamples }, rng);
    return { ...d, tasks: rows.length };
  } catch {
    // An undefined correlation (every task's mean use equal, on the data or in a resample) has no interval.
    return null;
  }
}
