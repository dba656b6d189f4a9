/**
 * Online (prequential) codelength of labels given inputs: Voita & Titov 2020, "Information-Theoretic
 * Probing with Minimum Description Length", section 3.2. Block ends follow their code
 * (lena-voita/description-length-probing, control_tasks/run_experiment.py `split_data_into_portions`:
 * end_i = int(f_i * N) with `inds: 0.001,...,0.5,1` in mdl_configs/online_l0.yml), and the sum follows
 * mdl_eval_notebooks/Eval_MDL_online_code.ipynb. Pure: no tensors; the probe is a parameter.
 */
import { ConfigError, checkInt } from '../util/assert';
import type { Rng } from '../util/rng';

/**
 * Cumulative block ends in units of 1/10,000 of the data (0.1 %, 0.2 %, 0.4 %, 0.8 %, 1.6 %, 3.2 %,
 * 6.25 %, 12.5 %, 25 %, 50 %, 100 %). Integers, so that `floor(N * k / 10000)` is exact.
 */
export const MDL_BLOCK_ENDS_PER_10000: readonly number[] = Object.freeze([10, 20, 40, 80, 160, 320, 625, 1250, 2500, 5000, 10000]);

/** Cumulative block fractions of the data, Voita & Titov's 11 blocks (0.001 = 0.1 %). */
export const MDL_BLOCK_FRACTIONS: readonly number[] = Object.freeze(MDL_BLOCK_ENDS_PER_10000.map((k) => k / 10000));

/** An example with an integer class label in [0, nClasses). */
export interface LabelledExample {
  readonly label: number;
}

/** What a trained probe says about a block, example by example, in input order. */
export interface BlockScores {
  /** -log2 p(y|x) of each example's label under the probe, in bits. */
  readonly exampleBits: readonly number[];
  /** Whether the probe's most probable class equals the label, per example. */
  readonly correct: readonly boolean[];
}

/** A probe trained on some data, ready to score other data; owns resources until `dispose()`. */
export interface ProbeScorer<T> {
  /** Scores `examples` (in order) without changing the probe. */
  score(examples: readonly T[]): Promise<BlockScores>;
  /** Frees the probe (tensors, optimizer state). */
  dispose(): void;
}

/**
 * The online code's view of a probe: given a training set and a random stream, return a freshly
 * initialised probe trained on that set. `probe_training.ts` builds one from any tfjs classifier;
 * tests pass stubs with known probabilities.
 */
export type Probe<T> = (trainSet: readonly T[], rng: Rng) => Promise<ProbeScorer<T>>;

/** One block of the online code. */
export interface OnlineCodeBlock {
  /** Examples in the block (0 for blocks that are empty because N is small). */
  readonly size: number;
  /** Codelength of the block's labels in bits: size * log2 K for the first non-empty block, else sum of -log2 p(y|x). */
  readonly bits: number;
  /** Probe accuracy on the block; null for the uniformly coded first block and for empty blocks. */
  readonly accuracy: number | null;
}

/** The online codelength of a labelled set (the JSON that `toy-mdl` writes). */
export interface OnlineCodeResult {
  /** Sum of the blocks' bits. */
  readonly codelengthBits: number;
  /** N log2 K: the cost of sending every label with a uniform code. */
  readonly uniformBits: number;
  /** uniformBits / codelengthBits (above 1 when the probe beats the uniform code). */
  readonly compression: number;
  /** Number of examples N. */
  readonly n: number;
  /** The 11 blocks in transmission order, empty ones included (fixed length, so seeds align). */
  readonly blocks: readonly OnlineCodeBlock[];
}

/** The plain-number copy of a result that the MDL commands write: totals and per-block size, bits, accuracy. */
export function onlineCodeJson(online: OnlineCodeResult): OnlineCodeResult {
  return {
    codelengthBits: online.codelengthBits,
    uniformBits: online.uniformBits,
    compression: online.compression,
    n: online.n,
    blocks: online.blocks.map((b) => ({ size: b.size, bits: b.bits, accuracy: b.accuracy })),
  };
}

/** Progress report after each block (for a notebook display or CLI lines). */
export interface OnlineCodeBlockEvent extends OnlineCodeBlock {
  /** Block index, 0..10. */
  readonly index: number;
  /** Examples the block's probe was trained on (0 for the uniform block). */
  readonly trainSize: number;
  /** Wall-clock seconds spent training and scoring the block's probe. */
  readonly seconds: number;
}

/** Options of {@link onlineCodelength}. */
export interface OnlineCodeOptions {
  /** Number of classes K (labels are 0..K-1); 2 for every probe of the study. */
  readonly nClasses: number;
  /** Called after each block, empty ones included. */
  readonly onBlock?: (event: OnlineCodeBlockEvent) => void;
}

/**
 * Cumulative block ends for `n` examples: end_i = floor(n * f_i) for the 11 fractions of
 * {@link MDL_BLOCK_FRACTIONS}, computed exactly in integers. Equal to Voita's `int(f * N)` in
 * floating point for every N checked (0..200,000); the integers just don't rely on float rounding.
 * Block i holds positions [end_{i-1}, end_i) with end_{-1} = 0. The ends never decrease and the
 * last is n, so every example lands in exactly one block; for small n the first blocks are empty
 * (n = 10: ends 0,0,0,0,0,0,0,1,2,5,10).
 */
export function blockEnds(n: number): number[] {
  checkInt('n', n, 0, Math.floor(Number.MAX_SAFE_INTEGER / 10000));
  return MDL_BLOCK_ENDS_PER_10000.map((k) => Math.floor((n * k) / 10000));
}

/**
 * Orders examples for the online code: shuffles each class (seeded), then interleaves the classes
 * so every prefix holds each class in proportion to its share of the whole set. With equal class
 * counts this is exact alternation, label 1 first (as Lovering's `zip(pos, neg)`), so tiny first
 * blocks hold both classes. With unequal counts no example is dropped (Lovering's zip drops the
 * surplus): the j-th of the n_c examples of class c sits at relative position (j + 1/2) / n_c, and
 * the merged order sorts by that position, ties going to the larger label. Returns a new array.
 */
export function interleaveByClass<T extends LabelledExample>(examples: readonly T[], rng: Rng): T[] {
  const byClass = new Map<number, T[]>();
  for (const ex of examples) {
    const list = byClass.get(ex.label);
    if (list) list.push(ex);
    else byClass.set(ex.label, [ex]);
  }
  const labels = [...byClass.keys()].sort((a, b) => b - a);
  const shuffled = labels.map((label) => rng.child(`class${label}`).shuffled(byClass.get(label) as T[]));
  const slots: { cls: number; j: number }[] = [];
  shuffled.forEach((list, cls) => list.forEach((_, j) => slots.push({ cls, j })));
  slots.sort((a, b) => {
    // compare (2j+1)/(2 n_a) with (2k+1)/(2 n_b) by cross-multiplying: exact in integers
    const lhs = (2 * a.j + 1) * shuffled[b.cls].length;
    const rhs = (2 * b.j + 1) * shuffled[a.cls].length;
    return lhs !== rhs ? lhs - rhs : a.cls - b.cls;
  });
  return slots.map(({ cls, j }) => shuffled[cls][j]);
}

/** Throws unless every label is an integer in [0, nClasses). */
export function checkLabels(examples: readonly LabelledExample[], nClasses: number): void {
  checkInt('nClasses', nClasses, 2);
  examples.forEach((ex, i) => {
    if (!Number.isInteger(ex.label) || ex.label < 0 || ex.label >= nClasses) {
      throw new ConfigError(`examples[${i}].label: ${JSON.stringify(ex.label)} is not allowed; expected an integer in [0, ${nClasses - 1}]`);
    }
  });
}

/**
 * Online codelength of the labels of `examples` (Voita & Titov 2020): order the set with
 * {@link interleaveByClass}, cut it at {@link blockEnds}, send the first non-empty block with the
 * uniform code (size * log2 K bits), and every later non-empty block with a probe freshly built by
 * `probe` from all earlier examples: the block costs the sum of -log2 p(y|x) over its examples.
 * Empty blocks cost nothing and train nothing. Each block's probe gets its own stream
 * `rng.child('block<i>')`; the order comes from `rng.child('order')`.
 */
export async function onlineCodelength<T extends LabelledExample>(
  examples: readonly T[],
  probe: Probe<T>,
  options: OnlineCodeOptions,
  rng: Rng,
): Promise<OnlineCodeResult> {
  const { nClasses } = options;
  checkLabels(examples, nClasses);
  const n = examples.length;
  if (n === 0) throw new ConfigError('examples: is empty; expected at least 1 example');
  const bitsPerLabel = Math.log2(nClasses);
  const ordered = interleaveByClass(examples, rng.child('order'));
  const ends = blockEnds(n);
  const blocks: OnlineCodeBlock[] = [];
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    const block = ordered.slice(start, end);
    const t0 = Date.now();
    let result: OnlineCodeBlock;
    if (block.length === 0) {
      result = { size: 0, bits: 0, accuracy: null };
    } else if (start === 0) {
      result = { size: block.length, bits: block.length * bitsPerLabel, accuracy: null };
    } else {
      const scorer = await probe(ordered.slice(0, start), rng.child(`block${i}`));
      try {
        const scores = await scorer.score(block);
        result = summarizeBlock(scores, block.length, i);
      } finally {
        scorer.dispose();
      }
    }
    blocks.push(result);
    options.onBlock?.({ ...result, index: i, trainSize: result.accuracy === null ? 0 : start, seconds: (Date.now() - t0) / 1000 });
    start = end;
  }
  const codelengthBits = blocks.reduce((s, b) => s + b.bits, 0);
  const uniformBits = n * bitsPerLabel;
  return { codelengthBits, uniformBits, compression: uniformBits / codelengthBits, n, blocks };
}

function summarizeBlock(scores: BlockScores, size: number, index: number): OnlineCodeBlock {
  if (scores.exampleBits.length !== size || scores.correct.length !== size) {
    throw new Error(`probe scores for block ${index}: got ${scores.exampleBits.length} bits and ${scores.correct.length} flags; expected ${size} of each`);
  }
  let bits = 0;
  for (const b of scores.exampleBits) {
    if (!(b >= 0) || !Number.isFinite(b)) throw new Error(`probe scores for block ${index}: ${b} is not a codelength; expected a finite number >= 0 bits`);
    bits += b;
  }
  const nCorrect = scores.correct.reduce((s, c) => s + (c ? 1 : 0), 0);
  return { size, bits, accuracy: nCorrect / size };
}
