/**
 * Plain-language verdicts of the planned tests (issue 15: "whatever the outcome, the notebook
 * states it plainly"): supported, contradicted, or not shown at the family-wise level, with the
 * numbers that decide it. Pure: the numbers come in, one sentence goes out.
 */
import { PLAN_ALPHA } from './analysis_plan';

/** A number for prose: 3 significant digits, or 2-digit scientific notation below 1e-3. */
export function formatStat(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

/** What a verdict reads. */
export type TestOutcome = { statistic: number; pValue: number | null; pHolm: number; n: number; low?: number; high?: number };

/**
 * The H2 statistic's 95 % t interval over tasks as a clause, '' without one. When H2 is not shown it
 * says how large an average within-task effect the runs still leave open, in either direction.
 */
export function h2IntervalClause(o: Pick<TestOutcome, 'low' | 'high'>): string {
  return o.low === undefined || o.high === undefined ? '' : `, 95 % t interval over tasks [${formatStat(o.low)}, ${formatStat(o.high)}]`;
}

/** The H1 rho's 95 % interval as a clause, '' without one. */
export function h1IntervalClause(o: Pick<TestOutcome, 'low' | 'high'>): string {
  return o.low === undefined || o.high === undefined ? '' : `, 95 % interval [${formatStat(o.low)}, ${formatStat(o.high)}] (Fisher z, Bonett-Wright)`;
}

/** The sentence after a 'not shown' H2 verdict: what its interval leaves open (empty without an interval). */
export function h2OpenEffectSentence(o: Pick<TestOutcome, 'low' | 'high'>): string {
  if (o.low === undefined || o.high === undefined) return '';
  if (o.low <= 0 && o.high >= 0) return ` The interval contains 0: average within-task rhos from ${formatStat(o.low)} to ${formatStat(o.high)} fit these runs, larger ones in either direction do not.`;
  return ` The interval over tasks excludes 0, but the planned test, after Holm adjustment, does not reach the family-wise level.`;
}

/** The verdict words: the test's direction and significance after Holm adjustment. */
export type VerdictKind = 'supported' | 'contradicted' | 'not shown' | 'not tested';

/** Classifies a test whose hypothesis predicts a positive statistic. */
export function verdictKind(o: TestOutcome | null, alpha = PLAN_ALPHA): VerdictKind {
  if (!o || !Number.isFinite(o.statistic) || o.pValue === null || !Number.isFinite(o.pHolm)) return 'not tested';
  if (o.pHolm > alpha) return 'not shown';
  return o.statistic > 0 ? 'supported' : 'contradicted';
}

/** One sentence on the primary H1 test. */
export function h1Verdict(o: TestOutcome | null, alpha = PLAN_ALPHA): string {
  const kind = verdictKind(o, alpha);
  if (kind === 'not tested' || !o) return `H1 could not be tested: fewer than 3 task pairs with both relative extractability and feature use, or no spread in either.`;
  const nums = `Spearman's rho = ${formatStat(o.statistic)} over ${o.n} task pairs${h1IntervalClause(o)}, exact p = ${formatStat(o.pValue as number)}, Holm-adjusted p = ${formatStat(o.pHolm)}`;
  if (kind === 'supported') return `**H1 is supported**: the more extractable the target relative to the spurious feature, the more the RL policy uses it (${nums}; level ${alpha}).`;
  if (kind === 'contradicted') return `**The data contradict H1**: feature use falls as relative extractability rises (${nums}; level ${alpha}).`;
  return `**H1 is not shown** at family-wise level ${alpha}: ${nums}. This does not show that extractability has no effect; the test could not tell one apart from no association.`;
}

/** One sentence on the primary H2 test. */
export function h2Verdict(o: TestOutcome | null, alpha = PLAN_ALPHA): string {
  const kind = verdictKind(o, alpha);
  if (kind === 'not tested' || !o) return 'H2 could not be tested: no task with runs at two or more rates, or a constant t-only score.';
  const nums = `mean within-task Spearman rho of rate and t-only reward = ${formatStat(o.statistic)} over ${o.n} runs${h2IntervalClause(o)}, stratified permutation p = ${formatStat(o.pValue as number)}, Holm-adjusted p = ${formatStat(o.pHolm)}`;
  if (kind === 'supported') return `**H2 is supported**: within a task, more s-only counter-examples give a higher t-only reward (${nums}; level ${alpha}).`;
  if (kind === 'contradicted') return `**The data contradict H2**: within a task, the t-only reward falls as the rate rises (${nums}; level ${alpha}).`;
  return `**H2 is not shown** at family-wise level ${alpha}: ${nums}.${h2OpenEffectSentence(o)}`;
}

/** One sentence on the RL-minus-SFT difference of the H1 correlations. */
export function rlVsSftVerdict(d: { estimate: number; low: number; high: number; tasks: number } | null, unit = 'task pairs'): string {
  if (!d) return `RL vs SFT: no interval (fewer than 3 ${unit} with runs of both methods, or a constant feature use).`;
  const nums = `rho(RL) - rho(SFT) = ${formatStat(d.estimate)}, 95 % bootstrap interval over seeds [${formatStat(d.low)}, ${formatStat(d.high)}], ${d.tasks} ${unit}`;
  // One seed per task (or identical seeds) leaves the bootstrap nothing to resample: a zero-width interval is no evidence.
  if (d.low === d.high) return `RL vs SFT: rho(RL) - rho(SFT) = ${formatStat(d.estimate)} over ${d.tasks} ${unit}, but the seeds show no spread (one seed per task?), so there is no interval and no conclusion.`;
  if (d.low <= 0 && d.high >= 0) return `RL and SFT: the interval contains 0, so these runs do not show that RL ranks the tasks by extractability differently from supervised fine-tuning (${nums}).`;
  return d.estimate > 0
    ? `RL follows extractability more closely than supervised fine-tuning (${nums}).`
    : `Supervised fine-tuning follows extractability more closely than RL (${nums}).`;
}
