/**
 * Does MDL saturate? (issue 15) The last-block accuracy of every probe, and whether relative
 * extractability is stable between the probing-set size N and N/2. The N/2 code is the prefix of
 * each N run's online code (its blocks up to N/2 examples): the same probes, no extra training; it
 * differs from a fresh N/2 run only in that its uniformly sent first block is 0.2 %, not 0.1 %.
 */
import { relativeExtractability } from '../probing/extractability';
import { kendallTauB, mean } from '../stats/index';

/** One probe run's online code, as the analysis needs it. */
export type MdlBlocksRun = { task: number; feature: 's' | 't'; seed: number; blocks: readonly { size: number; bits: number; accuracy: number | null }[] };

/** Largest |ratio at N / ratio at N/2 - 1| that still counts as stable (25 %). */
export const STABILITY_MAX_RATIO_CHANGE = 0.25;

/** The stored MDL runs (method `online`) as {@link MdlBlocksRun}s; any run shape with `config` and `result.online`. */
export function mdlBlocksRuns(runs: readonly { config: { task: number; feature: 's' | 't'; seed: number; method?: string }; result: { online?: { blocks: MdlBlocksRun['blocks'] } } }[]): MdlBlocksRun[] {
  return runs.flatMap((r) => (r.result.online && (r.config.method ?? 'online') === 'online' ? [{ task: r.config.task, feature: r.config.feature, seed: r.config.seed, blocks: r.result.online.blocks }] : []));
}

/** Accuracy of the last block with a probe (the probe trained on all earlier examples); NaN when none. */
export function lastBlockAccuracy(blocks: MdlBlocksRun['blocks']): number {
  for (let i = blocks.length - 1; i >= 0; i--) if (blocks[i].accuracy !== null && blocks[i].size > 0) return blocks[i].accuracy as number;
  return NaN;
}

/** Codelength in bits of the first `nExamples` examples: the blocks that end at or before it. Throws unless a block ends exactly there. */
export function prefixCodelengthBits(blocks: MdlBlocksRun['blocks'], nExamples: number): number {
  let n = 0;
  let bits = 0;
  for (const b of blocks) {
    if (n + b.size > nExamples) break;
    n += b.size;
    bits += b.bits;
  }
  if (n !== nExamples) throw new RangeError(`nExamples: ${nExamples} is not at a block boundary (the blocks before it hold ${n} examples)`);
  return bits;
}

/** One task's stability row (a type alias so rows pass to `showTable`). */
export type MdlStabilityRow = { task: number; seeds: number; N: number; 'MDL(s)/MDL(t) at N': number; 'at N/2': number; 'change': number; 'last-block acc s': number; 'last-block acc t': number };

/** Per task: relative extractability at N and at N/2 (prefix code), its relative change, and the mean last-block accuracy of each feature's probes. */
export function mdlStabilityRows(runs: readonly MdlBlocksRun[]): MdlStabilityRow[] {
  const tasks = [...new Set(runs.map((r) => r.task))];
  return tasks.flatMap((task) => {
    const s = runs.filter((r) => r.task === task && r.feature === 's');
    const seeds = s.map((r) => r.seed).filter((seed) => runs.some((r) => r.task === task && r.feature === 't' && r.seed === seed)).sort((a, b) => a - b);
    if (seeds.length === 0) return [];
    const pick = (feature: 's' | 't') => seeds.map((seed) => runs.find((r) => r.task === task && r.feature === feature && r.seed === seed) as MdlBlocksRun);
    const [rs, rt] = [pick('s'), pick('t')];
    const total = (r: MdlBlocksRun) => r.blocks.reduce((a, b) => a + b.bits, 0);
    const n = rs[0].blocks.reduce((a, b) => a + b.size, 0);
    const half = Math.floor(n / 2);
    const atN = relativeExtractability(rs.map(total), rt.map(total)).mean;
    const atHalf = relativeExtractability(rs.map((r) => prefixCodelengthBits(r.blocks, half)), rt.map((r) => prefixCodelengthBits(r.blocks, half))).mean;
    return [{ task, seeds: seeds.length, N: n, 'MDL(s)/MDL(t) at N': atN, 'at N/2': atHalf, change: atN / atHalf - 1, 'last-block acc s': mean(rs.map((r) => lastBlockAccuracy(r.blocks))), 'last-block acc t': mean(rt.map((r) => lastBlockAccuracy(r.blocks))) }];
  });
}

/** The verdict of the N vs N/2 check. */
export type MdlStability = { tasks: number; kendallTau: number; sameOrdering: boolean; sameSideOfOne: boolean; maxAbsChange: number; stable: boolean };

/**
 * Stable when the tasks are ranked the same at N and N/2 (Kendall tau-b = 1; with fewer than 2 tasks,
 * trivially), every task stays on its side of 1, and no ratio changes by more than
 * {@link STABILITY_MAX_RATIO_CHANGE}.
 */
export function mdlStability(rows: readonly MdlStabilityRow[]): MdlStability {
  const a = rows.map((r) => r['MDL(s)/MDL(t) at N']);
  const b = rows.map((r) => r['at N/2']);
  const kendallTau = rows.length >= 2 && new Set(a).size > 1 && new Set(b).size > 1 ? kendallTauB(a, b) : rows.length >= 2 ? NaN : 1;
  const sameOrdering = kendallTau === 1 || (rows.length >= 2 && Math.abs(kendallTau - 1) < 1e-12);
  const sameSideOfOne = rows.every((r) => Math.sign(Math.log(r['MDL(s)/MDL(t) at N'])) === Math.sign(Math.log(r['at N/2'])));
  const maxAbsChange = rows.reduce((m, r) => Math.max(m, Math.abs(r.change)), 0);
  return { tasks: rows.length, kendallTau, sameOrdering, sameSideOfOne, maxAbsChange, stable: sameOrdering && sameSideOfOne && maxAbsChange <= STABILITY_MAX_RATIO_CHANGE };
}
