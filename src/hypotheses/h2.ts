/**
 * H2 (Cruz et al. 2023): the more evidence against the spurious feature (the s-only rate p),
 * the more the fine-tuned model follows the target: per-run s-only and t-only scores against p,
 * their rank correlations overall and per task, and the mean curves of the figures.
 */
import { correlationRows, type CorrelationRow } from './h1';
import type { RlRun } from './runs';

/** One run's H2 coordinates. */
export type H2Row = { task: number; rate: number; seed: number; s_only: number; t_only: number };

/** Every run as (rate, s-only reward, t-only reward). */
export function h2Rows(runs: readonly RlRun[]): H2Row[] {
  return runs.map((r) => ({ task: r.task, rate: r.rate, seed: r.seed, s_only: r.result.eval.s_only, t_only: r.result.eval.t_only }));
}

/** H2 statistics: s-only and t-only reward against the rate, pooled over tasks and seeds and per task. */
export function h2Correlations(rows: readonly H2Row[]): (CorrelationRow & { scope: string; partition: 's_only' | 't_only' })[] {
  const scopes: [string, readonly H2Row[]][] = [['pooled', rows], ...[...new Set(rows.map((r) => r.task))].sort((a, b) => a - b).map((t): [string, H2Row[]] => [`task ${t}`, rows.filter((r) => r.task === t)])];
  const out: (CorrelationRow & { scope: string; partition: 's_only' | 't_only' })[] = [];
  for (const [scope, group] of scopes) {
    if (group.length < 3 || new Set(group.map((r) => r.rate)).size < 2) continue;
    for (const partition of ['s_only', 't_only'] as const) {
      for (const r of correlationRows(group.map((g) => g.rate), group.map((g) => g[partition]))) out.push({ scope, partition, ...r });
    }
  }
  return out;
}

/** Lines of the H2 figure: the mean s-only and t-only score per rate over `rows` (tasks and seeds pooled), series `<prefix>s-only`, `<prefix>t-only`. */
export function h2MeansByRate(rows: readonly H2Row[], prefix = ''): { x: number; y: number; series: string }[] {
  const rates = [...new Set(rows.map((r) => r.rate))].sort((a, b) => a - b);
  return rates.flatMap((rate) =>
    (['s_only', 't_only'] as const).map((partition) => {
      const ys = rows.filter((r) => r.rate === rate).map((r) => r[partition]);
      return { x: rate, y: ys.reduce((a, b) => a + b, 0) / ys.length, series: `${prefix}${partition === 's_only' ? 's-only' : 't-only'}` };
    }),
  );
}

/** Lines of the per-task H2 figure: the mean `partition` score per rate and task (series = task name). */
export function h2MeansByTask(rows: readonly H2Row[], name: (task: number) => string, partition: 's_only' | 't_only' = 's_only'): { x: number; y: number; series: string }[] {
  const tasks = [...new Set(rows.map((r) => r.task))].sort((a, b) => a - b);
  return tasks.flatMap((task) => h2MeansByRate(rows.filter((r) => r.task === task)).filter((r) => r.series === (partition === 's_only' ? 's-only' : 't-only')).map((r) => ({ ...r, series: name(task) })));
}
