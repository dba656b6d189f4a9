/**
 * The MDL arithmetic of the original code, kept ONLY to compare magnitudes with the papers' numbers.
 * Reproduces `compute_mdl` and `random_split_partition` of Lovering et al. 2021
 * (cjlovering/predicting-inductive-biases, main.py, commit 4a61a6e), used unchanged by Cruz et al.
 * 2023 for the toy probes (EdoardoPona/predicting-inductive-biases-RL, toy_main_fast.py, commit
 * 72146c2; losses from models/base.py `test_step`, averaged by pytorch-lightning 1.7.7's `_ResultMetric`).
 * Its defects, reproduced on purpose: block 1 is counted in bits but later blocks in nats; each later
 * block's cost is the batch-size-weighted MEAN of per-batch SUMS (about batchSize times the mean loss,
 * not the block's total); the class zip drops the surplus of the larger class. Use online_code.ts for results.
 */
import { ConfigError, checkInt } from '../util/assert';
import type { Rng } from '../util/rng';
import { checkLabels, type LabelledExample, type Probe } from './online_code';

/** Block sizes of the original code in percent of N (not cumulative; note 3.05, so the ends hit 6.25 %). */
export const LOVERING_BLOCK_PERCENTS: readonly number[] = Object.freeze([0.1, 0.1, 0.2, 0.4, 0.8, 1.6, 3.05, 6.25, 12.5, 25, 50]);

/** One block as the original code counts it. */
export interface LoveringMdlBlock {
  /** Examples actually in the block (the zip may leave late blocks short or empty). */
  readonly size: number;
  /** Block 1: its nominal size (1 bit per example). Later blocks: batch-weighted mean of per-batch nat sums. */
  readonly cost: number;
  /** Unit of `cost`. */
  readonly unit: 'bits' | 'nats, batch-averaged sum';
  /** Probe accuracy on the block; null for block 1 and empty blocks. */
  readonly accuracy: number | null;
}

/** The original code's `total_mdl`, with its blocks. */
export interface LoveringMdlResult {
  /** Sum of the blocks' costs in their mixed units: Lovering's and Cruz's `total_mdl`. Not a codelength. */
  readonly totalMdlMixedUnits: number;
  /** Examples given. */
  readonly n: number;
  /** Examples left after the class zip (2 * the smaller class count). */
  readonly nUsed: number;
  /** The 11 blocks. */
  readonly blocks: readonly LoveringMdlBlock[];
}

/** Options of {@link loveringMdl}. */
export interface LoveringMdlOptions {
  /** Test batch size of the original evaluation (toy_main_fast.py: 64); it sets the averaging. */
  readonly batchSize: number;
}

/**
 * Nominal block sizes of the original code: ceil(0.01 * N * p) for p in {@link LOVERING_BLOCK_PERCENTS},
 * in float64 as numpy computes it, then the overshoot is taken off the last block (which can go
 * negative for tiny N; its slice is then empty).
 */
export function loveringBlockSizes(n: number): number[] {
  checkInt('n', n, 0);
  const sizes = LOVERING_BLOCK_PERCENTS.map((p) => Math.ceil(0.01 * n * p));
  const extra = sizes.reduce((s, x) => s + x, 0) - n;
  sizes[sizes.length - 1] -= extra;
  return sizes;
}

/** The original ordering: shuffle everything (seeded), then {@link loveringZip}. */
export function loveringInterleave<T extends LabelledExample>(examples: readonly T[], rng: Rng): T[] {
  return loveringZip(rng.shuffled(examples));
}

/**
 * `random_split_partition` after its shuffle: split into label 1 and the rest, keeping order, then
 * `zip(pos, neg)`: alternate 1, 0, 1, 0, ... and drop what the smaller class cannot pair.
 */
export function loveringZip<T extends LabelledExample>(examples: readonly T[]): T[] {
  const pos = examples.filter((ex) => ex.label === 1);
  const neg = examples.filter((ex) => ex.label !== 1);
  const out: T[] = [];
  for (let i = 0; i < Math.min(pos.length, neg.length); i++) out.push(pos[i], neg[i]);
  return out;
}

/** Python's `interleaved[end - length : end]` for the cumulative ends of `sizes`. */
export function loveringBlocks<T>(ordered: readonly T[], sizes: readonly number[]): T[][] {
  let end = 0;
  return sizes.map((length) => {
    end += length;
    return ordered.slice(Math.max(0, end - length), Math.max(0, end));
  });
}

/**
 * What pytorch-lightning 1.7 reports as `test_loss` when `test_step` logs a per-batch SUM:
 * the batch-size-weighted mean of the per-batch sums, sum_b n_b S_b / sum_b n_b, over batches of
 * `batchSize` in order (the last may be short). `exampleNats`: -ln p(y|x) per example. 0 for none.
 */
export function lightningBatchAveragedNats(exampleNats: readonly number[], batchSize: number): number {
  checkInt('batchSize', batchSize, 1);
  let weighted = 0;
  for (let start = 0; start < exampleNats.length; start += batchSize) {
    const batch = exampleNats.slice(start, start + batchSize);
    weighted += batch.length * batch.reduce((s, x) => s + x, 0);
  }
  return exampleNats.length === 0 ? 0 : weighted / exampleNats.length;
}

/**
 * The original `compute_mdl` total: block 1 costs its nominal size, block i+1 costs
 * {@link lightningBatchAveragedNats} of a fresh probe trained on blocks 1..i. Binary labels only
 * (the original splits label 1 from the rest). The original's extra probe trained and tested on all
 * data (`data_cost`) is not part of the total and is not run. Empty blocks cost 0 (the original
 * would fail on an empty test loader).
 */
export async function loveringMdl<T extends LabelledExample>(
  examples: readonly T[],
  probe: Probe<T>,
  options: LoveringMdlOptions,
  rng: Rng,
): Promise<LoveringMdlResult> {
  checkLabels(examples, 2);
  if (examples.length === 0) throw new ConfigError('examples: is empty; expected at least 1 example');
  const sizes = loveringBlockSizes(examples.length);
  const ordered = loveringInterleave(examples, rng.child('order'));
  const splits = loveringBlocks(ordered, sizes);
  const blocks: LoveringMdlBlock[] = [{ size: splits[0].length, cost: sizes[0], unit: 'bits', accuracy: null }];
  for (let i = 1; i < splits.length; i++) {
    const block = splits[i];
    if (block.length === 0) {
      blocks.push({ size: 0, cost: 0, unit: 'nats, batch-averaged sum', accuracy: null });
      continue;
    }
    const scorer = await probe(splits.slice(0, i).flat(), rng.child(`block${i}`));
    try {
      const scores = await scorer.score(block);
      const nats = scores.exampleBits.map((b) => b * Math.LN2);
      const accuracy = scores.correct.filter((c) => c).length / block.length;
      blocks.push({ size: block.length, cost: lightningBatchAveragedNats(nats, options.batchSize), unit: 'nats, batch-averaged sum', accuracy });
    } finally {
      scorer.dispose();
    }
  }
  return {
    totalMdlMixedUnits: blocks.reduce((s, b) => s + b.cost, 0),
    n: examples.length,
    nUsed: ordered.length,
    blocks,
  };
}
