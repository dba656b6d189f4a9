/**
 * MDL probing of a language feature (Cruz et al. 2023, "Extractability"; Voita & Titov 2020): the
 * online codelength of a probing set's labels when every block's probe is the pre-trained LM as a
 * sequence classifier (`language_classifier.ts`: a fresh copy, a new head on the last non-pad
 * token, all weights trained with AdamW). Prompts of different token lengths are left-padded and
 * masked. One run = one (task, feature, probe seed); `language_mdl_grid.ts` caches and summarises them.
 */
import { initBackend } from '../../../backend';
import { onlineCodelength, type OnlineCodeBlockEvent, type OnlineCodeResult } from '../../../probing/online_code';
import { neuralProbe, type ProbeTrainingConfig } from '../../../probing/probe_training';
import type { ProbeFeature } from '../../../tasks/probing_sets';
import { buildLanguageProbingSet, resolveLanguageDataConfig, type LanguageDataConfig } from '../../../tasks/language/language_dataset';
import { getPrefixTask, type LanguageTaskId } from '../../../tasks/language/prefix_tasks';
import type { Example } from '../../../tasks/types';
import { ConfigError, checkInt } from '../../../util/assert';
import { createRng } from '../../../util/rng';
import { buildLanguageClassifier, checkLanguageInputs, LANGUAGE_CLASSES, languageModelIdentity, type LanguageModelIdentity, type LanguageModelInputs } from '../../pretraining/model_inputs';
import type { LanguageMdlValues } from './schema';

/** Version of a cell's computation; bump it when the same config would give different numbers. */
export const LANGUAGE_MDL_VERSION = 1;

/** The parameters a language MDL run reads: the probes' axes, data and training of the `languageMdl` group. */
export type LanguageMdlGridParams = { readonly languageMdl: Pick<LanguageMdlValues, 'tasks' | 'seeds' | 'data' | 'training'> };

/** The probing data of a run (what `resolveLanguageDataConfig` records, minus the training-set fields). */
export type LanguageProbeData = Pick<LanguageDataConfig, 'seed' | 'probeSize' | 'maxTokens' | 'corpus' | 'tokenizer'>;

/** Everything that determines one run's numbers (recorded in its result file and compared on reuse). */
export interface LanguageMdlCellConfig {
  /** {@link LANGUAGE_MDL_VERSION} at the time of the run. */
  readonly version: number;
  /** Task id of the authors' code (figures: 1, 2, 5, 22, 23). */
  readonly task: LanguageTaskId;
  /** The target feature t, in words. */
  readonly target: string;
  /** The spurious feature s, in words. */
  readonly spurious: string;
  /** Probed feature: s (s-only vs neither) or t (both vs s-only). */
  readonly feature: ProbeFeature;
  /** Probe seed. */
  readonly seed: number;
  /** The probing set: data seed, N, prompt tokens, corpus and tokenizer fingerprints. */
  readonly data: LanguageProbeData;
  /** The pre-trained model every block probe starts from. */
  readonly lm: LanguageModelIdentity;
  /** How each block's probe is trained (AdamW when weightDecay > 0). */
  readonly training: ProbeTrainingConfig;
}

/** What a run stores: the online code and the backend that computed it. */
export interface LanguageMdlCellResult {
  /** tfjs backend of the run (`tensorflow`, `wasm`, `cpu`): numbers differ across backends by float rounding. */
  readonly backend: string;
  readonly online: OnlineCodeResult;
}

/** The configuration of one run on the model, tokenizer and corpus of `inputs` (the model's weights are hashed once per model object). */
export function languageMdlCellConfig(
  p: LanguageMdlGridParams,
  inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>,
  task: number,
  feature: ProbeFeature,
  seed: number,
): LanguageMdlCellConfig {
  if (feature !== 's' && feature !== 't') throw new ConfigError(`feature: ${JSON.stringify(feature)} is not allowed; expected one of s, t`);
  checkInt('seed', seed, 0);
  const prefixTask = getPrefixTask(task);
  const { data, training } = p.languageMdl;
  // Only the probing set is used: the training set is as large (and the held-out sets minimal) so the data config checks.
  const dataCfg = resolveLanguageDataConfig({ task: prefixTask.id, rate: 0, ...data, trainSize: data.probeSize, testSize: 1 }, inputs);
  return {
    version: LANGUAGE_MDL_VERSION,
    task: prefixTask.id,
    target: prefixTask.target,
    spurious: prefixTask.spurious,
    feature,
    seed,
    data: { seed: dataCfg.seed, probeSize: dataCfg.probeSize, maxTokens: dataCfg.maxTokens, corpus: dataCfg.corpus, tokenizer: dataCfg.tokenizer },
    lm: languageModelIdentity(inputs),
    // `languageMdl.training` in the order runs have always recorded it; evalBatchSize sets speed only, so it is not a parameter.
    training: { epochs: training.epochs, batchSize: training.batchSize, learningRate: training.learningRate, evalBatchSize: 256, weightDecay: training.weightDecay },
  };
}

/** The probing set of a run (stream `probe_<feature>` of the task's data seed, as `generateLanguageDataset` writes it). */
export function languageMdlProbingSet(cfg: Pick<LanguageMdlCellConfig, 'task' | 'feature' | 'data'>, inputs: Pick<LanguageModelInputs, 'tokenizer' | 'corpus'>): Example[] {
  const dataCfg = resolveLanguageDataConfig(
    { task: cfg.task, rate: 0, seed: cfg.data.seed, trainSize: cfg.data.probeSize, testSize: 1, probeSize: cfg.data.probeSize, maxTokens: cfg.data.maxTokens },
    inputs,
  );
  return buildLanguageProbingSet(dataCfg, inputs, cfg.feature);
}

/**
 * Runs one cell: builds its probing set, encodes the prompts with the LM's tokenizer, and computes
 * the online code with a fresh LM classifier per block (`createRng(seed).child('online')`, as the
 * toy probes). Initialises the tensor backend if nobody has. Deterministic for a seed and backend.
 */
export async function runLanguageMdlCell(cfg: LanguageMdlCellConfig, inputs: LanguageModelInputs, onBlock?: (event: OnlineCodeBlockEvent) => void): Promise<LanguageMdlCellResult> {
  const backend = (await initBackend()).backend;
  checkLanguageInputs(cfg, inputs);
  const tok = inputs.tokenizer;
  const examples = languageMdlProbingSet(cfg, inputs).map((e) => ({ ids: tok.encode(e.text), label: e.label }));
  const probe = neuralProbe<{ ids: number[]; label: number }>({
    buildModel: (rng) => buildLanguageClassifier(inputs.model, rng),
    toIds: (e) => e.ids,
    training: cfg.training,
    padId: tok.padId,
  });
  const online = await onlineCodelength(examples, probe, { nClasses: LANGUAGE_CLASSES, onBlock }, createRng(cfg.seed).child('online'));
  return { backend, online };
}
