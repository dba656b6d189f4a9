/**
 * The supervised (Lovering) baseline on the synthetic tasks: the RL policy's architecture, randomly
 * initialised as in the RL study, with a classification head on the last token, fine-tuned on the
 * rate-p training set; error per held-out partition. Grid over tasks x rates x seeds, one result
 * file per run under `datasets/results/<preset>/toy_sft/task<k>/rate<p>/seed<n>.json` (resumable).
 */
import type { GPTConfig } from '../models/gpt';
import { ResultStore } from '../io/result_store';
import { finetuneAndEvaluate, type FinetuneConfig, type FinetuneResult } from '../sft/classifier_finetune';
import { mean } from '../stats/describe';
import type { Partition } from '../tasks/types';
import { createRng } from '../util/rng';
import { runGrid, type GridProgress } from './grid';
import type { H2Row } from './toy_hypotheses';
import { datasetsPath, rateTag } from './paths';
import { buildToyTestSets, buildToyTrainingSet, resolveToyDataConfig, type ToyDataConfig } from './toy_data';
import { buildToyProbeModel, symbolIds } from './toy_mdl';
import { toyVocab } from '../rl/toy_env';

/** Everything one SFT run depends on. */
export interface ToySftConfig {
  readonly data: ToyDataConfig;
  readonly model: GPTConfig;
  readonly finetune: FinetuneConfig;
  readonly seed: number;
}

/** The parameters `toySftConfig` reads. */
export interface ToySftParams {
  readonly dataSeed: number;
  readonly vocab: number;
  readonly length: number;
  readonly testSize: number;
  readonly probeSize: number;
  readonly policyLayers: number;
  readonly policyWidth: number;
  readonly policyHeads: number;
  readonly sftTrainSize: number;
  readonly sftEpochs: number;
  readonly sftLearningRate: number;
}

/** The configuration of SFT run (task, rate, seed). */
export function toySftConfig(p: ToySftParams, task: number, rate: number, seed: number): ToySftConfig {
  // The training set is generated at the SFT size, so its rate-p composition is exact.
  const data = resolveToyDataConfig({ task, rate, seed: p.dataSeed, vocab: p.vocab, length: p.length, trainSize: p.sftTrainSize, testSize: p.testSize, probeSize: p.probeSize });
  const model: GPTConfig = { vocabSize: toyVocab(p.vocab).size, nPositions: p.length, dModel: p.policyWidth, nLayer: p.policyLayers, nHead: p.policyHeads, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 };
  return { data, model, finetune: { epochs: p.sftEpochs, batchSize: 64, learningRate: p.sftLearningRate }, seed };
}

/** Trains and scores one classifier; frees its tensors. */
export async function runToySft(cfg: ToySftConfig): Promise<FinetuneResult> {
  const rng = createRng(cfg.seed).child(`toy-sft/task${cfg.data.task}/rate${cfg.data.rate}`);
  const train = buildToyTrainingSet(cfg.data);
  const test = buildToyTestSets(cfg.data);
  const model = buildToyProbeModel({ kind: 'policy', config: cfg.model }, rng.child('model'));
  try {
    return await finetuneAndEvaluate(model, train, test, (e) => symbolIds(e.text, cfg.data.vocab), cfg.finetune, rng.child('train'));
  } finally {
    model.dispose();
  }
}

/** One finished SFT run. */
export type ToySftRun = { task: number; rate: number; seed: number; reused: boolean; result: FinetuneResult };

/** Runs (or reuses) the SFT grid tasks x rates x seeds. */
export async function runToySftGrid(
  p: ToySftParams & { readonly preset: string; readonly rlTasks: readonly number[]; readonly rlRates: readonly number[]; readonly rlSeeds: readonly number[] },
  hooks: { onProgress?: (g: GridProgress<ToySftConfig, FinetuneResult>) => void; store?: ResultStore } = {},
): Promise<ToySftRun[]> {
  const cells = p.rlTasks.flatMap((task) => p.rlRates.flatMap((rate) => p.rlSeeds.map((seed) => ({ key: `task${task}/rate${rateTag(rate)}/seed${seed}`, config: toySftConfig(p, task, rate, seed) }))));
  const store = hooks.store ?? new ResultStore(datasetsPath('results', p.preset, 'toy_sft'));
  const results = await runGrid(cells, store, (cell) => runToySft(cell.config), hooks.onProgress);
  return results.map((r) => ({ task: r.config.data.task ?? -1, rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, result: r.result }));
}

/**
 * The SFT counterpart of the RL feature-use score at rate `rate`: 1 - mean(s-only error, t-only
 * error), i.e. the mean accuracy on the two partitions where t and s disagree.
 */
export function toySftFeatureUse(runs: readonly ToySftRun[], rate = 0): { task: number; score: number; n: number }[] {
  const tasks = [...new Set(runs.map((r) => r.task))].sort((a, b) => a - b);
  return tasks.flatMap((task) => {
    const xs = runs.filter((r) => r.task === task && r.rate === rate).map((r) => 1 - (r.result.errors.s_only + r.result.errors.t_only) / 2);
    return xs.length ? [{ task, score: mean(xs), n: xs.length }] : [];
  });
}

/** Mean error per partition and test accuracy per (task, rate), over seeds. */
export function toySftTable(runs: readonly ToySftRun[]): ({ task: number; rate: number; seeds: number; accuracy: number } & Record<Partition, number>)[] {
  const keys = [...new Set(runs.map((r) => `${r.task}|${r.rate}`))];
  return keys.map((k) => {
    const group = runs.filter((r) => `${r.task}|${r.rate}` === k);
    const avg = (f: (r: ToySftRun) => number) => mean(group.map(f));
    return {
      task: group[0].task,
      rate: group[0].rate,
      seeds: group.length,
      accuracy: avg((r) => r.result.accuracy),
      both: avg((r) => r.result.errors.both),
      neither: avg((r) => r.result.errors.neither),
      s_only: avg((r) => r.result.errors.s_only),
      t_only: avg((r) => r.result.errors.t_only),
    };
  });
}

/** H2 coordinates of the SFT runs: the s-only and t-only scores are accuracies (1 - error). */
export function toySftH2Rows(runs: readonly ToySftRun[]): H2Row[] {
  return runs.map((r) => ({ task: r.task, rate: r.rate, seed: r.seed, s_only: 1 - r.result.errors.s_only, t_only: 1 - r.result.errors.t_only }));
}
