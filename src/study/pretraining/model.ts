/**
 * Pre-training the language model of the natural-language experiments (notebook 05), and the one
 * function later notebooks call to get it: `loadOrTrainLanguageModel(params)`. The study probed and
 * fine-tuned a pre-trained GPT-2 (lvwerra/gpt2-imdb); here a small GPT-2-shaped model is pre-trained
 * from scratch on the corpus (Brown by default) with its own BPE tokenizer, or a Hugging Face GPT-2
 * folder is loaded (`lm.hfModelDir`). The trained model is cached in `datasets/models/<preset>/lm/`
 * with a manifest of the corpus and tokenizer fingerprints and the full configuration; a matching
 * folder is reused, anything else is retrained.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { TopLevelSpec } from 'vega-lite';
import { initBackend } from '../../backend';
import { readJsonIfExists, writeJsonAtomic } from '../../io/atomic_write';
import { loadGPT, saveGPT } from '../../lm/checkpoint';
import { MANIFEST_FILE, makeManifest, manifestMatches, sha256Hex, writeManifest, type ManifestFileEntry } from '../../io/manifest';
import { loadHfLanguageModel } from '../../lm/hf_gpt2_import';
import { checkLmTrainConfig, trainCausalLm, type LmStepRecord, type LmTrainConfig, type LmTrainResult } from '../../lm/lm_trainer';
import { packTexts } from '../../lm/token_stream';
import { unigramCrossEntropyNats } from '../../lm/unigram_baseline';
import type { BpeTokenizer } from '../../tokenizer/bpe_tokenizer';
import { GPT, checkGPTConfig, type GPTConfig } from '../../models/gpt';
import { generate } from '../../models/sampling';
import { loadCorpus, type Corpus, type CorpusConfig } from '../../tasks/language/corpus';
import { corpusManifest, trainOrLoadTokenizer } from '../../tasks/language/language_dataset';
import { ConfigError, oneOf, underParam } from '../../util/assert';
import { createRng, type Rng } from '../../util/rng';
import { lineChart, type LineRow } from '../../viz/specs';
import type { CorpusValues, LanguageModelParamValues, LanguagePretrainingParamValues, LmValues } from './schema';
import { LANGUAGE_MODEL_PARAMS } from './schema';
import { parseOverridesJson, resolveParams } from '../params/resolve';
import { datasetsPath } from '../../io/paths';
import { PRESET_NAMES } from '../params/presets';

/** `manifest.kind` of a pre-trained language-model folder. */
export const LANGUAGE_MODEL_KIND = 'language-model';
/** Version of the pre-training recipe; bump it when the same configuration would train another model. */
export const LANGUAGE_MODEL_VERSION = 1;
/** Per-step statistics of the run that made a cached model. */
export const LM_HISTORY_FILE = 'history.json';
/** Files of a model folder, all listed (with their sha256) in its manifest. */
export const LANGUAGE_MODEL_FILES = ['model.safetensors', 'config.json', LM_HISTORY_FILE] as const;

/** `datasets/models/<preset>/lm/`: the cached pre-trained model of a preset. */
export const languageModelDir = (preset: string): string => datasetsPath('models', preset, 'lm');
/** `datasets/models/<preset>/tokenizer/`: the BPE tokenizer of a preset (learned on the corpus's train passages). */
export const languageTokenizerDir = (preset: string): string => datasetsPath('models', preset, 'tokenizer');

const corpora = new Map<string, Corpus>();

/** The corpus of the `corpus` group `c` (read once per process and configuration; Brown takes about a second). */
export function loadLanguageCorpus(c: Pick<CorpusValues, 'source' | 'imdbPath' | 'seed'>): Corpus {
  const key = JSON.stringify([c.source, c.imdbPath, c.seed]);
  let corpus = corpora.get(key);
  if (!corpus) {
    corpus = underParam({ imdbPath: 'corpus.imdbPath' }, () => loadCorpus({ source: c.source, imdbPath: c.imdbPath, seed: c.seed }));
    corpora.set(key, corpus);
  }
  return corpus;
}

/** The preset's BPE tokenizer for `corpus`: read from `languageTokenizerDir(preset)` when its manifest matches, else learned and written. */
export function loadLanguageTokenizer(p: { readonly preset: string; readonly corpus: Pick<CorpusValues, 'tokenizer'> }, corpus: Corpus, dir = languageTokenizerDir(p.preset)): { tokenizer: BpeTokenizer; trained: boolean } {
  return trainOrLoadTokenizer(corpus, dir, { vocabSize: p.corpus.tokenizer.vocabSize });
}

/** The architecture of the pre-trained model: GPT-2 blocks of the shape `m` (`lm.model`) over the tokenizer's vocabulary, tied embeddings. */
export function languageGptConfig(m: LmValues['model'], vocabSize: number): GPTConfig {
  if (m.dModel % m.nHead !== 0) throw new ConfigError(`lm.model.nHead: ${m.nHead} does not divide lm.model.dModel ${m.dModel}; expected a divisor such as ${[1, 2, 4, 8].filter((h) => m.dModel % h === 0).join(', ')}`);
  return checkGPTConfig({ vocabSize, nPositions: m.nPositions, dModel: m.dModel, nLayer: m.nLayer, nHead: m.nHead, dropout: m.dropout, tiedEmbeddings: true, layerNormEps: 1e-5 });
}

/**
 * The pre-training run of the `lm` group: `lm.training` as it is, plus what is not a parameter (AdamW
 * betas and epsilon: nanoGPT's 0.9 / 0.95 / 1e-8; final learning rate a tenth of the peak; windows
 * as long as the model's context). Fields in the order runs have always recorded them.
 */
export function languageTrainConfig(lm: Pick<LmValues, 'model' | 'training'>): LmTrainConfig {
  const t = lm.training;
  if (t.warmupSteps > t.totalSteps) throw new ConfigError(`lm.training.warmupSteps: ${t.warmupSteps} exceeds lm.training.totalSteps ${t.totalSteps}; expected at most lm.training.totalSteps`);
  return checkLmTrainConfig({
    learningRate: t.learningRate,
    warmupSteps: t.warmupSteps,
    totalSteps: t.totalSteps,
    minLrRatio: 0.1,
    batchSize: t.batchSize,
    contextLength: lm.model.nPositions,
    weightDecay: t.weightDecay,
    maxGradNorm: t.maxGradNorm,
    adamBeta1: 0.9,
    adamBeta2: 0.95,
    adamEps: 1e-8,
    evalEvery: t.evalEvery,
    evalWindows: t.evalWindows,
  });
}

/** What a cached model's manifest records: everything that decides the trained weights. */
export interface LanguageModelConfig {
  /** The corpus: its configuration and the sha256 of its manifest. */
  readonly corpus: { readonly config: CorpusConfig; readonly sha256: string };
  /** The tokenizer: fingerprint and vocabulary size. */
  readonly tokenizer: { readonly sha256: string; readonly vocabSize: number };
  /** Train passages packed (the first ones in corpus order). */
  readonly trainPassages: number;
  readonly model: GPTConfig;
  readonly training: LmTrainConfig;
  /** Seed of initialisation, batches and dropout. */
  readonly seed: number;
}

/** The manifest configuration of pre-training the `lm` group on `corpus` with `tokenizer`. */
export function languageModelConfig(lm: LmValues, corpus: Corpus, tokenizer: BpeTokenizer): LanguageModelConfig {
  // The parameter's 0 means all passages; the manifest records the count packed.
  const trainPassages = lm.trainPassages === 0 ? corpus.train.length : Math.min(lm.trainPassages, corpus.train.length);
  return {
    corpus: { config: corpus.config, sha256: corpusManifest(corpus).sha256 },
    tokenizer: { sha256: tokenizer.fingerprint(), vocabSize: tokenizer.vocabSize },
    trainPassages,
    model: languageGptConfig(lm.model, tokenizer.vocabSize),
    training: languageTrainConfig(lm),
    seed: lm.seed,
  };
}

/** The history file of a trained model: the run's statistics plus the data it saw. */
export interface LanguageModelHistory extends LmTrainResult {
  /** Tokens in the packed training stream. */
  readonly trainTokens: number;
  /** Tokens in the packed validation stream. */
  readonly validationTokens: number;
  /** Unigram cross-entropy of the validation windows scored, nats per token (`unigram_baseline.ts`). */
  readonly unigramValLossNats: number;
}

/** A language model ready for the later notebooks; the caller disposes `model`. */
export interface LanguageModel {
  readonly model: GPT;
  /** The tokenizer the model was trained with (with `lm.hfModelDir`: GPT-2's, rebuilt from merges.txt). */
  readonly tokenizer: BpeTokenizer;
  readonly corpus: Corpus;
  /** `trained` now, `cached` (a matching folder was reused) or `huggingface` (loaded from `lm.hfModelDir`). */
  readonly source: 'trained' | 'cached' | 'huggingface';
  /** The model folder (the HF folder for `huggingface`). */
  readonly dir: string;
  /** Statistics of the pre-training run; null for a Hugging Face model. */
  readonly history: LanguageModelHistory | null;
  /** The manifest configuration; null for a Hugging Face model. */
  readonly config: LanguageModelConfig | null;
}

/** Where `loadOrTrainLanguageModel` keeps its files (tests pass temporary folders). */
export interface LanguageModelDirs {
  /** The model folder; default `languageModelDir(preset)`. */
  readonly modelDir?: string;
  /** The tokenizer folder; default `languageTokenizerDir(preset)`. */
  readonly tokenizerDir?: string;
}

/** Callbacks of `loadOrTrainLanguageModel` (notebook: a live loss chart; CLI: lines). */
export interface LanguageModelHooks {
  /** After every pre-training step, with all steps so far and the untrained validation loss. */
  readonly onStep?: (record: LmStepRecord, totalSteps: number, steps: readonly LmStepRecord[], initialValLossNats: number) => void;
  /** One line per phase (tokenizer, encoding, training, saving). */
  readonly onMessage?: (line: string) => void;
  /** Retrain even when the cached folder matches. */
  readonly force?: boolean;
  /** Never train: without a matching cached folder, throw a ConfigError naming `lm-pretrain` (listing a grid). */
  readonly cachedOnly?: boolean;
}

function fileEntry(file: string): ManifestFileEntry {
  return { lines: 0, partitions: {}, labels: {}, sha256: sha256Hex(fs.readFileSync(file)) };
}

/**
 * The pre-trained language model of `p`: loaded from `lm.hfModelDir` when set; else read from
 * `dirs.modelDir` (default `datasets/models/<preset>/lm/`) when its manifest matches the corpus,
 * tokenizer and configuration; else pre-trained now (seeded) and saved there with its manifest.
 * The caller disposes the returned `model`.
 */
export async function loadOrTrainLanguageModel(p: LanguageModelParamValues, hooks: LanguageModelHooks = {}, dirs: LanguageModelDirs = {}): Promise<LanguageModel> {
  const dir = dirs.modelDir ?? languageModelDir(p.preset);
  const say = hooks.onMessage ?? (() => undefined);
  const corpus = loadLanguageCorpus(p.corpus);
  const hfModelDir = p.lm.hfModelDir;
  if (hfModelDir !== null) {
    const { model, tokenizer } = underParam({ hfModelDir: 'lm.hfModelDir' }, () => loadHfLanguageModel(hfModelDir));
    say(`loaded Hugging Face GPT-2 from ${hfModelDir} (${model.config.nLayer} layers x ${model.config.dModel}, vocab ${model.config.vocabSize})`);
    return { model, tokenizer, corpus, source: 'huggingface', dir: hfModelDir, history: null, config: null };
  }
  const { tokenizer, trained: tokTrained } = loadLanguageTokenizer(p, corpus, dirs.tokenizerDir);
  say(`tokenizer: ${tokTrained ? 'learned' : 'reused'} ${tokenizer.vocabSize} tokens`);
  const config = languageModelConfig(p.lm, corpus, tokenizer);
  if (!hooks.force && manifestMatches(dir, LANGUAGE_MODEL_KIND, LANGUAGE_MODEL_VERSION, config)) {
    const history = readJsonIfExists<LanguageModelHistory>(path.join(dir, LM_HISTORY_FILE)) as LanguageModelHistory;
    say(`model: reused ${dir}`);
    return { model: loadGPT(dir), tokenizer, corpus, source: 'cached', dir, history, config };
  }
  if (hooks.cachedOnly) {
    throw new ConfigError(`lm: no pre-trained model in ${dir} matches the preset ${p.preset} and these lm/corpus parameters; train it first with \`npx tsx src/cli.ts grid run lm-pretrain --preset ${p.preset}\` (same overrides) or notebook 05`);
  }
  // A stale manifest must not vouch for a half-written folder if this run stops early.
  fs.rmSync(path.join(dir, MANIFEST_FILE), { force: true });
  const t0 = Date.now();
  const train = packTexts(corpus.train.slice(0, config.trainPassages).map((x) => x.text), tokenizer);
  const validation = packTexts(corpus.validation.map((x) => x.text), tokenizer);
  say(`encoded ${train.length} training and ${validation.length} validation tokens in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const root = createRng(p.lm.seed);
  const model = GPT.init(config.model, root.child('lm/init'));
  try {
    const steps: LmStepRecord[] = [];
    let initialValLossNats = NaN;
    const result = await trainCausalLm(
      model,
      { train, validation },
      config.training,
      {
        onStart: (v) => (initialValLossNats = v),
        onStep: (record, total) => {
          steps.push(record);
          hooks.onStep?.(record, total, steps, initialValLossNats);
        },
      },
      root.child('lm/train'),
    );
    const valSpan = validation.subarray(0, Math.min(validation.length, config.training.evalWindows * config.training.contextLength + 1)).subarray(1);
    const history: LanguageModelHistory = { ...result, trainTokens: train.length, validationTokens: validation.length, unigramValLossNats: unigramCrossEntropyNats(train, valSpan, tokenizer.vocabSize) };
    await saveGPT(dir, model);
    writeJsonAtomic(path.join(dir, LM_HISTORY_FILE), history);
    const files: Record<string, ManifestFileEntry> = {};
    for (const f of LANGUAGE_MODEL_FILES) files[f] = fileEntry(path.join(dir, f));
    writeManifest(dir, makeManifest(LANGUAGE_MODEL_KIND, LANGUAGE_MODEL_VERSION, config, p.lm.seed, files));
    say(`model: trained ${config.training.totalSteps} steps in ${(result.wallMs / 1000).toFixed(1)} s (${Math.round(result.tokensPerSecond)} tokens/s), saved to ${dir}`);
    return { model, tokenizer, corpus, source: 'trained', dir, history, config };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

// ---- reporting ---------------------------------------------------------------------------------

/** Series names of the loss chart. */
export const LOSS_SERIES = { train: 'train (mean per bucket)', validation: 'validation' } as const;

/**
 * Rows of the loss chart: training loss averaged over buckets of about totalSteps/100 steps (only
 * full buckets, so a live chart never shows a half bucket), validation loss at step 0 and at every
 * evaluation step.
 */
export function lmLossRows(steps: readonly LmStepRecord[], initialValLossNats: number, totalSteps: number): LineRow[] {
  const bucket = Math.max(1, Math.ceil(totalSteps / 100));
  const rows: LineRow[] = [];
  for (let end = bucket; end <= steps.length; end += bucket) {
    let sum = 0;
    for (let i = end - bucket; i < end; i++) sum += steps[i].trainLossNats;
    rows.push({ x: end, y: sum / bucket, series: LOSS_SERIES.train });
  }
  if (Number.isFinite(initialValLossNats)) rows.push({ x: 0, y: initialValLossNats, series: LOSS_SERIES.validation });
  for (const s of steps) if (s.valLossNats !== undefined) rows.push({ x: s.step, y: s.valLossNats, series: LOSS_SERIES.validation });
  return rows;
}

/** The training/validation loss chart (nats per token against step). */
export function lmLossChart(steps: readonly LmStepRecord[], initialValLossNats: number, totalSteps: number, title = 'Pre-training loss'): TopLevelSpec {
  return lineChart(lmLossRows(steps, initialValLossNats, totalSteps), { xTitle: 'optimizer step', yTitle: 'cross-entropy (nats/token)', seriesTitle: 'loss', title, width: 420, height: 200 });
}

/** Number of weights of `model`. */
export function countParameters(model: GPT): number {
  let n = 0;
  for (const v of model.namedWeights().values()) n += v.size;
  return n;
}

/** The summary table of a pre-training run: losses, perplexities, baselines, throughput. */
export function lmSummaryRows(lm: LanguageModel): { quantity: string; value: number | string }[] {
  const rows: { quantity: string; value: number | string }[] = [
    { quantity: 'model', value: `${lm.model.config.nLayer} layers x ${lm.model.config.dModel} wide, ${lm.model.config.nHead} heads, context ${lm.model.config.nPositions}` },
    { quantity: 'parameters', value: countParameters(lm.model) },
    { quantity: 'vocabulary (tokens)', value: lm.model.config.vocabSize },
    { quantity: 'source', value: lm.source },
  ];
  const h = lm.history;
  if (!h) return rows;
  return [
    ...rows,
    { quantity: 'training tokens (packed stream)', value: h.trainTokens },
    { quantity: 'tokens seen in training', value: h.steps.length * (lm.config as LanguageModelConfig).training.batchSize * (lm.config as LanguageModelConfig).training.contextLength },
    { quantity: 'validation tokens scored', value: h.valTokens },
    { quantity: 'uniform guess ln(vocab) (nats/token)', value: Math.log(lm.model.config.vocabSize) },
    { quantity: 'unigram model (nats/token)', value: h.unigramValLossNats },
    { quantity: 'validation loss before training (nats/token)', value: h.initialValLossNats },
    { quantity: 'validation loss after training (nats/token)', value: h.finalValLossNats },
    { quantity: 'validation perplexity', value: Math.exp(h.finalValLossNats) },
    { quantity: 'unigram perplexity', value: Math.exp(h.unigramValLossNats) },
    { quantity: 'training wall time (s)', value: h.wallMs / 1000 },
    { quantity: 'throughput (tokens/s)', value: Math.round(h.tokensPerSecond) },
  ];
}

/** One sampled continuation (a type alias, so it is a table row). */
export type SampleRow = {
  /** The prompt: the first tokens of a validation passage. */
  readonly prompt: string;
  /** What the model wrote (up to EOS). */
  readonly continuation: string;
  /** How the passage really goes on (same number of tokens). */
  readonly original: string;
};

/**
 * Continues the openings of `s.count` validation passages (chosen by `rng`, among those longer
 * than the prompt) with seeded sampling; one batch, no padding (all prompts have the same length).
 * `s` is notebook 05's `samples` group.
 */
export async function sampleContinuations(
  lm: Pick<LanguageModel, 'model' | 'tokenizer' | 'corpus'>,
  s: Pick<LanguagePretrainingParamValues['samples'], 'count' | 'promptTokens' | 'maxNewTokens' | 'temperature' | 'topK'>,
  rng: Rng,
): Promise<SampleRow[]> {
  const tok = lm.tokenizer;
  const chosen: number[][] = [];
  for (const passage of rng.child('prompts').shuffled(lm.corpus.validation)) {
    const ids = tok.encode(passage.text);
    if (ids.length > s.promptTokens) chosen.push(ids);
    if (chosen.length === s.count) break;
  }
  if (chosen.length === 0) throw new ConfigError(`samples.promptTokens: ${s.promptTokens} is longer than every validation passage; expected a shorter prompt`);
  const promptIds = tf.tensor2d(chosen.map((ids) => ids.slice(0, s.promptTokens)), [chosen.length, s.promptTokens], 'int32'); // [batch, prompt] int32
  try {
    const out = await generate(lm.model, promptIds, undefined, { maxNewTokens: s.maxNewTokens, temperature: s.temperature, topK: s.topK, eosTokenId: tok.eosId, padTokenId: tok.padId }, rng.child('sample'));
    const [tokens, mask] = await Promise.all([out.tokens.array(), out.mask.array()]);
    for (const t of [out.tokens, out.logprobs, out.mask]) t.dispose();
    return chosen.map((ids, b) => ({
      prompt: tok.decode(ids.slice(0, s.promptTokens)),
      continuation: tok.decode(tokens[b].filter((_, i) => mask[b][i] === 1)),
      original: tok.decode(ids.slice(s.promptTokens, s.promptTokens + s.maxNewTokens)),
    }));
  } finally {
    promptIds.dispose();
  }
}

// ---- command line ------------------------------------------------------------------------------

/** Flags of `cli.ts lm-pretrain` (unchecked; checked here). */
export interface LmPretrainCommandRequest {
  readonly preset?: unknown;
  readonly overrides?: unknown;
  readonly force?: unknown;
}

/** Pre-trains (or reuses) the preset's language model, printing progress lines; returns the summary rows. */
export async function runLmPretrainCommand(req: LmPretrainCommandRequest, print: (line: string) => void): Promise<{ lm: LanguageModel; summary: { quantity: string; value: number | string }[] }> {
  const preset = oneOf('preset', req.preset ?? 'laptop', PRESET_NAMES);
  const overrides = req.overrides === undefined ? {} : parseOverridesJson(String(req.overrides), 'overrides');
  const backend = await initBackend();
  print(`backend ${backend.backend}, preset ${preset}`);
  const p = resolveParams(LANGUAGE_MODEL_PARAMS, { preset, overrides, env: {} });
  let lastPrint = 0;
  const lm = await loadOrTrainLanguageModel(p, {
    force: req.force === true,
    onMessage: print,
    onStep: (r, total) => {
      if (r.valLossNats === undefined && r.step !== total && Date.now() - lastPrint < 5000) return;
      lastPrint = Date.now();
      print(`step ${r.step}/${total}: train ${r.trainLossNats.toFixed(3)} nats${r.valLossNats !== undefined ? `, validation ${r.valLossNats.toFixed(3)}` : ''}, lr ${r.learningRate.toExponential(2)}`);
    },
  });
  return { lm, summary: lmSummaryRows(lm) };
}
