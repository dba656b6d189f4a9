/**
 * The result rows the analysis reads, shared by the synthetic and the language settings: a
 * finished RL run, a finished SFT run, an extractability row per task, an MDL curve point. The grids
 * produce them; the analysis never imports a grid.
 */
import type { FinetuneResult } from '../sft/classifier_finetune';
import type { Partition } from '../tasks/types';

/** What every RL result holds: the held-out score per partition and the per-step statistics under TRL's names. */
export interface RlRunResult {
  /** Mean held-out reward (toy) or normalised score (language) per partition after training. */
  readonly eval: Record<Partition, number>;
  readonly steps: readonly Record<string, number>[];
}

/** One finished RL run with its coordinates. */
export interface RlRun<R extends RlRunResult = RlRunResult> {
  readonly task: number;
  readonly rate: number;
  readonly seed: number;
  readonly reused: boolean;
  readonly wallMs: number;
  readonly result: R;
}

/** One finished supervised (Lovering) run with its coordinates. */
export type SftRun = { task: number; rate: number; seed: number; reused: boolean; wallMs: number; result: FinetuneResult };

/** The stored form of an SFT run as its coordinates and result. */
export const sftRunOf = (r: { config: { readonly task: number; readonly data: { readonly rate: number }; readonly seed: number }; reused: boolean; wallMs: number; result: FinetuneResult }): SftRun => ({
  task: r.config.task,
  rate: r.config.data.rate,
  seed: r.config.seed,
  reused: r.reused,
  wallMs: r.wallMs,
  result: r.result,
});

/** One task's extractability over probe seeds (a type alias so rows pass to `showTable`). */
export type TaskExtractabilityRow = {
  task: number;
  target: string;
  probe: string;
  /** Probe seeds with both an s and a t run. */
  seeds: number;
  /** Mean MDL(s) over seeds, bits. */
  mdlSBits: number;
  mdlSSem: number | null;
  /** Mean MDL(t) over seeds, bits. */
  mdlTBits: number;
  mdlTSem: number | null;
  /** Mean compression (uniform / codelength) of the s and t probes. */
  compressionS: number;
  compressionT: number;
  /** Relative extractability: mean over seeds of MDL(s) / MDL(t); above 1: t is easier. */
  relMdl: number;
  /** Its standard error over seeds (null for one seed). */
  relMdlSem: number | null;
};

/** One block of a task's online-code curve, averaged over probe seeds (a type alias so rows pass to `showTable`). */
export type MdlCurveRow = {
  task: string;
  feature: string;
  /** 1-based block index (the first non-empty block is sent uniformly). */
  block: number;
  /** Examples in the block. */
  size: number;
  /** Mean over seeds of the block's bits / size. */
  bitsPerExample: number;
  /** Mean over seeds of the block probe's accuracy; null for the uniformly sent block. */
  accuracy: number | null;
  seeds: number;
};
