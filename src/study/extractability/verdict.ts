/**
 * The sentences notebooks 02 and 06 print under the extractability table: whether any probe learned
 * at all, whether the expected ordering shows, and which probes never beat the uniform code. The
 * thresholds are named here, once; the notebooks only display what these return.
 */
import type { TaskExtractabilityRow } from '../../hypotheses/runs';
import { md } from '../../viz/notebook_display';

/** A probe "learned" its feature when its compression (uniform bits / online codelength) exceeds this. */
export const LEARNED_COMPRESSION = 1.2;
/** Below this compression a probe is taken to have never beaten the uniform code. */
export const UNLEARNED_COMPRESSION = 1.05;

type Row = Pick<TaskExtractabilityRow, 'task' | 'relMdl' | 'relMdlSem' | 'compressionS' | 'compressionT'>;

/** True when some probe of `table` compresses its labels by more than {@link LEARNED_COMPRESSION}. */
export function anyProbeLearned(table: readonly Row[]): boolean {
  return table.some((r) => Math.max(r.compressionS, r.compressionT) > LEARNED_COMPRESSION);
}

function nothingLearned(table: readonly Row[], why: string): string {
  const best = Math.max(...table.map((r) => Math.max(r.compressionS, r.compressionT)));
  return md`**No probe learned its feature at this preset** (every compression is at most ${best}): ${why} Run the \`laptop\` or \`paper\` preset.`;
}

/**
 * Notebook 02's verdict, as Markdown paragraphs: contains-1 (task 1) is expected to be more extractable
 * than every positional rule; positional t probes below {@link UNLEARNED_COMPRESSION} sit at the ratio's floor.
 */
export function toyExtractabilityVerdict(table: readonly (Row & { target: string })[], probeSize: number, label: (r: Row & { target: string }) => string): string[] {
  if (table.length === 0) return [];
  if (!anyProbeLearned(table)) {
    return [nothingLearned(table, 'the probe is too small, N too small or training too short, so every codelength is close to the uniform N bits and the ratios are about 1 by construction. They say nothing about extractability;')];
  }
  const contains1 = table.find((r) => r.task === 1);
  const positional = table.filter((r) => r.task !== 1);
  if (contains1 === undefined || positional.length === 0) return [];
  const best = Math.max(...positional.map((r) => r.relMdl));
  const verdict = contains1.relMdl > best
    ? 'contains-1 is clearly the most extractable target, as expected: like s it only asks whether one symbol occurs'
    : 'contains-1 is NOT more extractable than every positional rule here, unlike the expectation';
  const out = [
    md`Relative extractability of contains-1: **${contains1.relMdl}** (± ${contains1.relMdlSem ?? NaN}); positional rules: ${positional.map((r) => `${label(r)} ${r.relMdl.toFixed(3)}`).join(', ')}. So ${verdict}. The s probes all find the symbol 2 (compression ${Math.min(...table.map((r) => r.compressionS))} to ${Math.max(...table.map((r) => r.compressionS))}).`,
  ];
  const unlearned = positional.filter((r) => r.compressionT < UNLEARNED_COMPRESSION);
  if (unlearned.length > 0) {
    out.push(md`The t probes of ${unlearned.map(label).join(', ')} never beat the uniform code within N = ${probeSize} examples (compression ≈ 1), so their MDL(t) ≈ N bits and their ratio sits at its floor MDL(s) / N: at this N they are "hard" but cannot be ordered among themselves. Larger N (the \`paper\` preset) lets their probes learn and separates them.`);
  }
  return out;
}

/**
 * Notebook 06's verdict, as Markdown paragraphs: the tasks by relative extractability, and the controlled
 * pair 22/23 (the same two features swapped), expected on opposite sides of 1.
 */
export function languageExtractabilityVerdict(table: readonly Row[], probeSize: number, label: (r: Row) => string): string[] {
  if (table.length === 0) return [];
  if (!anyProbeLearned(table)) {
    return [nothingLearned(table, 'the probing sets are too small or training too short, so every codelength is close to the uniform N bits and the ratios carry no information.')];
  }
  const t22 = table.find((r) => r.task === 22);
  const t23 = table.find((r) => r.task === 23);
  const pair = t22 && t23
    ? (t22.relMdl < 1 && t23.relMdl > 1
      ? `The controlled pair behaves as expected: task 22 (t = space parity) has ${t22.relMdl.toFixed(2)} < 1 and task 23 (the same features swapped) ${t23.relMdl.toFixed(2)} > 1, so the leading hyphen is the easier feature either way.`
      : `The controlled pair does NOT separate as expected: task 22 ${t22.relMdl.toFixed(2)}, task 23 ${t23.relMdl.toFixed(2)} (expected one below and one above 1).`)
    : 'Tasks 22 and 23 are not both in this grid.';
  const out = [md`Ordered by relative extractability: ${[...table].sort((a, b) => b.relMdl - a.relMdl).map((r) => `${label(r)} ${r.relMdl.toFixed(2)}`).join(', ')}. ${pair}`];
  const flat = table.filter((r) => Math.min(r.compressionS, r.compressionT) < UNLEARNED_COMPRESSION);
  if (flat.length > 0) {
    out.push(md`In ${flat.map(label).join(', ')} one probe never beats the uniform code within N = ${probeSize} prompts (compression below ${UNLEARNED_COMPRESSION}; below 1 when overconfident late-block probes cost more than 1 bit per prompt), so that MDL is about N bits and the ratio measures only how easy the other feature is.`);
  }
  return out;
}
