/**
 * MDL probing of a toy feature (Cruz et al. 2023, section on extractability; Lovering et al. 2021,
 * section 3): the online codelength of a probing set's labels under the toy transformer probe,
 * trained from scratch per block. The CLI command `toy-mdl` and notebook 02 call `runToyMdl`
 * (through `toy_mdl_grid.ts`). The probe is the toy transformer encoder of Cruz et al. (`encoder`) or
 * the toy policy's GPT trunk with a classification head on the last token (`policy`).
 * Probing files are JSON lines `{"text": "3 5 1 ...", "label": 0 | 1, "partition": ...}`; symbol k is token id k.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend';
import { GPT, checkGPTConfig, type GPTConfig } from '../../../models/gpt';
import { ClassificationHead, GPTClassifier } from '../../../models/heads';
import { checkProbeEncoderConfig, createProbeEncoder, TOY_PROBE_CONFIG, type ProbeEncoderConfig } from '../../../models/probe_encoder';
import { loveringMdl, type LoveringMdlResult } from '../../../probing/lovering_mdl';
import { onlineCodelength, type OnlineCodeBlockEvent, type OnlineCodeResult, type Probe } from '../../../probing/online_code';
import { neuralProbe, TOY_PROBE_TRAINING, type ProbeTrainingConfig, type TrainableClassifier } from '../../../probing/probe_training';
import { ConfigError, checkInt } from '../../../util/assert';
import { createRng, type Rng } from '../../../util/rng';
import { TOY_PROBE_KINDS } from './schema';

/** One line of a probing file. */
export interface ProbeExample {
  /** Space-separated symbols, e.g. `3 5 1 0 2 9 9 4 7 8`. */
  readonly text: string;
  /** 1 when the probed feature holds, else 0. */
  readonly label: number;
  /** Partition the example came from (both, neither, s_only, t_only); not used by the probe. */
  readonly partition?: string;
}

/** Inputs of {@link runToyMdl}. */
export interface ToyMdlParams {
  /** The probing set (read it with {@link readProbeExamples}). */
  readonly examples: readonly ProbeExample[];
  /** Probe shape; fields not given come from TOY_PROBE_CONFIG (vocabSize 10, width 256, 2 layers, 4 heads). Ignored when `model` is given. */
  readonly probe?: Partial<ProbeEncoderConfig>;
  /** The probe model, complete; default the encoder with `probe`'s fields. */
  readonly model?: ToyProbeModel;
  /** Training epochs per block (docs/study.md toy probe: 10). */
  readonly epochs: number;
  /** Probe seed: orders the set and initialises and shuffles every block's probe. */
  readonly seed: number;
  /** Other training settings; defaults TOY_PROBE_TRAINING (batch 64, Adam 1e-4). */
  readonly training?: Partial<Omit<ProbeTrainingConfig, 'epochs'>>;
  /** Also compute the original code's mixed-unit `total_mdl` (trains a second series of probes); default false. */
  readonly loveringVariant?: boolean;
  /** Progress after each block of the online code. */
  readonly onBlock?: (event: OnlineCodeBlockEvent) => void;
}

/** The online code result (the JSON `toy-mdl` writes), plus the original code's total when asked for. */
export interface ToyMdlResult extends OnlineCodeResult {
  /** Lovering's / Cruz's `total_mdl` arithmetic, for comparing magnitudes with the papers only. */
  readonly loveringMdl?: LoveringMdlResult;
}

/** Token ids of a space-separated symbol string: symbol k -> id k, each in [0, vocabSize). */
export function symbolIds(text: string, vocabSize: number): number[] {
  const symbols = text.trim().split(/\s+/);
  return symbols.map((s) => {
    const id = Number(s);
    if (!/^\d+$/.test(s) || id >= vocabSize) {
      throw new ConfigError(`text: symbol '${s}' in '${text}' is not allowed; expected an integer in [0, ${vocabSize - 1}]`);
    }
    return id;
  });
}

/** Parses JSON lines of probing examples; `source` names the file in errors. Blank lines are skipped. */
export function parseProbeJsonl(text: string, source = 'probing file'): ProbeExample[] {
  const out: ProbeExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new ConfigError(`${source}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    const r = row as Record<string, unknown>;
    if (typeof r?.text !== 'string') throw new ConfigError(`${source}:${i + 1}: text is ${JSON.stringify(r?.text)}; expected a string of symbols`);
    if (r.label !== 0 && r.label !== 1) throw new ConfigError(`${source}:${i + 1}: label ${JSON.stringify(r.label)} is not allowed; expected 0 or 1`);
    out.push({ text: r.text, label: r.label, ...(typeof r.partition === 'string' ? { partition: r.partition } : {}) });
  });
  return out;
}

/** Reads a probing file (JSON lines). */
export function readProbeExamples(file: string): ProbeExample[] {
  return parseProbeJsonl(fs.readFileSync(file, 'utf8'), file);
}

/** Which classifier probes a toy feature: its kind and full configuration (what a result file records). */
export type ToyProbeModel =
  /** The toy transformer encoder (models/probe_encoder.ts), Cruz et al.'s toy MDL probe. */
  | { readonly kind: 'encoder'; readonly config: ProbeEncoderConfig }
  /** A GPT trunk (models/gpt.ts) with HF's sequence-classification head on the last token; all weights train. */
  | { readonly kind: 'policy'; readonly config: GPTConfig };

/** Number of classes of every toy probe (feature present or not). */
const TOY_PROBE_CLASSES = 2;

/** Throws one line naming the first bad field of `model`; returns it. */
export function checkToyProbeModel(model: ToyProbeModel): ToyProbeModel {
  if (model.kind === 'encoder') checkProbeEncoderConfig(model.config);
  else if (model.kind === 'policy') checkGPTConfig(model.config);
  else throw new ConfigError(`probe: ${JSON.stringify((model as { kind: unknown }).kind)} is not allowed; expected one of ${TOY_PROBE_KINDS.join(', ')}`);
  return model;
}

/** Token ids the probe model accepts (symbols must lie below it). */
export function toyProbeVocabSize(model: ToyProbeModel): number {
  return model.config.vocabSize;
}

/**
 * A freshly initialised classifier of `model`, weights drawn from `rng`. The policy probe is
 * `GPTClassifier` (trunk init from `rng.child('trunk')`, head from `rng.child('head')`) seen as a
 * `TrainableClassifier`: logits from the last position, dropout seeds from `rng.child('dropout')`.
 */
export function buildToyProbeModel(model: ToyProbeModel, rng: Rng): TrainableClassifier {
  if (model.kind === 'encoder') return createProbeEncoder(model.config, rng);
  const classifier = new GPTClassifier(GPT.init(model.config, rng.child('trunk')), ClassificationHead.init(model.config.dModel, TOY_PROBE_CLASSES, rng.child('head')));
  const dropoutRng = rng.child('dropout');
  return {
    logits: (ids: tf.Tensor2D, training: boolean) => classifier.forward(ids, undefined, training, dropoutRng), // [batch, classes]
    trainableVariables: classifier.trainableVariables,
    dispose: () => classifier.dispose(),
  };
}

interface PreparedToyMdl {
  readonly tokenized: { ids: number[]; label: number }[];
  readonly probe: Probe<{ ids: number[]; label: number }>;
  readonly training: ProbeTrainingConfig;
}

async function prepareToyMdl(params: ToyMdlParams): Promise<PreparedToyMdl> {
  checkInt('epochs', params.epochs, 1);
  checkInt('seed', params.seed, 0);
  await initBackend();
  const model = checkToyProbeModel(params.model ?? { kind: 'encoder', config: { ...TOY_PROBE_CONFIG, ...params.probe } });
  const training: ProbeTrainingConfig = { ...TOY_PROBE_TRAINING, ...params.training, epochs: params.epochs };
  const tokenized = params.examples.map((ex) => ({ ids: symbolIds(ex.text, toyProbeVocabSize(model)), label: ex.label }));
  const probe = neuralProbe<{ ids: number[]; label: number }>({ buildModel: (rng) => buildToyProbeModel(model, rng), toIds: (ex) => ex.ids, training });
  return { tokenized, probe, training };
}

/**
 * Online codelength of `examples` under the toy probe (the transformer encoder unless `model`
 * says otherwise): a fresh probe per block, trained `epochs` epochs with Adam on all earlier blocks
 * (online_code.ts, probe_training.ts). Streams: `createRng(seed).child('online')`, and
 * `.child('lovering')` for the original code's total. Initialises the tensor backend if nobody has.
 * Deterministic for a given seed and backend.
 */
export async function runToyMdl(params: ToyMdlParams): Promise<ToyMdlResult> {
  const { tokenized, probe } = await prepareToyMdl(params);
  const rng = createRng(params.seed);
  const online = await onlineCodelength(tokenized, probe, { nClasses: TOY_PROBE_CLASSES, onBlock: params.onBlock }, rng.child('online'));
  if (!params.loveringVariant) return online;
  return { ...online, loveringMdl: await runToyLoveringMdl(params) };
}

/**
 * Only the original code's `total_mdl` arithmetic (lovering_mdl.ts) for `examples`, on the same
 * stream as `runToyMdl`'s Lovering variant (`createRng(seed).child('lovering')`), so the two agree.
 * For comparing magnitudes with the papers' numbers; not a codelength.
 */
export async function runToyLoveringMdl(params: Omit<ToyMdlParams, 'loveringVariant' | 'onBlock'>): Promise<LoveringMdlResult> {
  const { tokenized, probe, training } = await prepareToyMdl(params);
  return loveringMdl(tokenized, probe, { batchSize: training.batchSize }, createRng(params.seed).child('lovering'));
}
