/**
 * The random-initialisation control of the language MDL probes (issue 16; not in the study), as
 * analysis: relative extractability of each task on the pre-trained model beside an untrained model
 * of the same shape, the log-ratio gain that pre-training gives, and the README's sentence on it.
 * The probes themselves run in src/study/extractability/language/random_control.ts.
 */
import { median } from '../stats/describe';
import type { TaskExtractabilityRow } from './runs';
import { formatStat } from './verdict';

/** One row per task of the control table (a type alias so rows pass to `showTable`). */
export type ExtractabilityControlRow = {
  task: number;
  'MDL(s)/MDL(t), pre-trained': number;
  'MDL(s)/MDL(t), random init': number;
  'MDL(t) bits, pre-trained': number;
  'MDL(t) bits, random init': number;
  /** log(rel pre-trained) - log(rel random): above 0, pre-training made t relatively more extractable. */
  'log ratio gain from pre-training': number;
};

/** Relative extractability of each task on both models (tasks in the pre-trained table's order; NaN where a model has no row). */
export function extractabilityControlTable(pretrained: readonly TaskExtractabilityRow[], random: readonly TaskExtractabilityRow[]): ExtractabilityControlRow[] {
  const tasks = [...new Set([...pretrained, ...random].map((r) => r.task))];
  return tasks.map((task) => {
    const a = pretrained.find((r) => r.task === task);
    const b = random.find((r) => r.task === task);
    return {
      task,
      'MDL(s)/MDL(t), pre-trained': a?.relMdl ?? NaN,
      'MDL(s)/MDL(t), random init': b?.relMdl ?? NaN,
      'MDL(t) bits, pre-trained': a?.mdlTBits ?? NaN,
      'MDL(t) bits, random init': b?.mdlTBits ?? NaN,
      'log ratio gain from pre-training': a && b ? Math.log(a.relMdl) - Math.log(b.relMdl) : NaN,
    };
  });
}

/**
 * One sentence on the control: MDL(s)/MDL(t) on the untrained model beside the pre-trained one, and
 * in how many tasks pre-training raised it (log-ratio gain above 0: t became relatively more
 * extractable), with the median gain. Tasks without a finite ratio on both models are left out.
 */
export function randomInitControlLine(pretrained: readonly TaskExtractabilityRow[], random: readonly TaskExtractabilityRow[]): string {
  const rows = extractabilityControlTable(pretrained, random).filter((r) => Number.isFinite(r['log ratio gain from pre-training']));
  if (rows.length === 0) return 'Random-initialisation control: no task has MDL runs on both the pre-trained and the untrained model yet.';
  const range = (xs: number[]) => `${formatStat(Math.min(...xs))}-${formatStat(Math.max(...xs))}`;
  const gains = rows.map((r) => r['log ratio gain from pre-training']);
  const raised = gains.filter((g) => g > 0).length;
  return `Random-initialisation control (not in the study): on an untrained model of the same shape, MDL(s)/MDL(t) spans ${range(rows.map((r) => r['MDL(s)/MDL(t), random init']))} over ${rows.length} tasks (pre-trained: ${range(rows.map((r) => r['MDL(s)/MDL(t), pre-trained']))}); pre-training raised it, making t relatively more extractable, in ${raised} of ${rows.length} tasks (median log-ratio gain ${formatStat(median(gains))}).`;
}
