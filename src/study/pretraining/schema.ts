/**
 * Parameters of the natural-language notebooks (05 onwards): the corpus and tokenizer shared by
 * every language notebook, the pre-trained language model (its shape and its pre-training run,
 * shared because notebooks 06+ load the same model through `loadOrTrainLanguageModel`), and
 * notebook 05's display settings. Paper values: Cruz et al. 2023 used GPT-2 small fine-tuned on
 * IMDB (lvwerra/gpt2-imdb) with GPT-2's 50,257-token BPE; the pre-training defaults of the
 * `paper` preset follow GPT-2 small's shape and nanoGPT's recipe (karpathy/nanoGPT `train.py`).
 */
import { ConfigError } from '../../util/assert';
import { bool, choice, int, num, type ParamSchema, type ParamsOf, type ParamValues } from '../params/presets';
import { CORPUS_SOURCES } from '../../tasks/language/corpus';

/** A non-empty string or null (paths that are off by default). */
export const pathOrNull = () => (f: string, v: unknown): string | null => {
  if (v === null) return null;
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(`${f}: ${JSON.stringify(v)} is not allowed; expected a folder or file path, or null`);
  return v;
};

/**
 * `corpus`: the corpus and its tokenizer, shared by every language notebook. The keys are the
 * fields of the corpus configuration (`loadCorpus`, recorded as `corpus.config`) and of the
 * tokenizer configuration (`trainOrLoadTokenizer`, recorded as `tokenizer`).
 */
export const CORPUS_GROUP = {
  source: {
    doc: "text corpus: 'brown' (bundled Brown corpus, the stand-in) or 'imdb' (needs corpus.imdbPath; the study used IMDB reviews)",
    smoke: 'brown',
    laptop: 'brown',
    paper: 'brown',
    check: choice(CORPUS_SOURCES),
  },
  imdbPath: {
    doc: "corpus.source 'imdb' only: the 50k-review CSV (review,sentiment) or an aclImdb folder; null otherwise (recorded as corpus.config.origin)",
    smoke: null,
    laptop: null,
    paper: null,
    check: pathOrNull(),
  },
  seed: {
    doc: 'seed of the corpus train/validation split (10% validation)',
    smoke: 0,
    laptop: 0,
    paper: 0,
    check: int(0),
  },
  tokenizer: {
    vocabSize: {
      doc: "byte-level BPE vocabulary learned on the corpus's train passages (study: GPT-2's 50,257 tokens)",
      smoke: 512,
      laptop: 2048,
      paper: 4096,
      check: int(258, 65536),
    },
  },
} satisfies ParamSchema;

/** Corpus and tokenizer: shared by every language notebook. */
export const LANGUAGE_CORPUS_PARAMS = { corpus: CORPUS_GROUP } satisfies ParamSchema;

/**
 * `lm`: the pre-trained language model. `model` holds the fields of its architecture (`GPTConfig`),
 * `training` those of its pre-training run (`LmTrainConfig`), as the model's manifest records them
 * (`LanguageModelConfig`); the Hugging Face folders replace pre-training and the PPO reward.
 */
export const LM_GROUP = {
  model: {
    nLayer: {
      doc: 'transformer blocks of the language model (GPT-2 small: 12)',
      smoke: 1,
      laptop: 4,
      paper: 12,
      check: int(1, 48),
    },
    dModel: {
      doc: 'model width d_model (GPT-2 small: 768)',
      smoke: 64,
      laptop: 128,
      paper: 768,
      check: int(8, 8192),
    },
    nHead: {
      doc: 'attention heads; must divide lm.model.dModel (GPT-2 small: 12)',
      smoke: 2,
      laptop: 4,
      paper: 12,
      check: int(1, 128),
    },
    nPositions: {
      doc: "context length in tokens, = the model's positions (lm.training.contextLength is derived: the same value); later notebooks need prompt + response (study: 16 + 48) to fit (GPT-2: 1,024)",
      smoke: 64,
      laptop: 64,
      paper: 1024,
      check: int(8, 4096),
    },
    dropout: {
      doc: 'dropout during pre-training (GPT-2: 0.1); stored in the model config, off in evaluation and PPO',
      smoke: 0,
      laptop: 0.1,
      paper: 0.1,
      check: num(0, 0.9),
    },
  },
  training: {
    totalSteps: {
      doc: 'pre-training optimizer steps (laptop: about 10 minutes on 2 CPU cores with the native backend)',
      smoke: 300,
      laptop: 2500,
      paper: 20000,
      check: int(1),
    },
    batchSize: {
      doc: 'windows of lm.model.nPositions tokens per step (nanoGPT GPT-2: 480 x 1,024 tokens with accumulation)',
      smoke: 8,
      laptop: 32,
      paper: 16,
      check: int(1, 65536),
    },
    learningRate: {
      doc: 'peak AdamW learning rate after warmup, cosine decay to a tenth (nanoGPT: 6e-4 for GPT-2 small, 1e-3 for small models)',
      smoke: 3e-3,
      laptop: 1e-3,
      paper: 6e-4,
      check: num(1e-7, 1),
    },
    warmupSteps: {
      doc: 'linear warmup steps (nanoGPT: 2,000); at most lm.training.totalSteps',
      smoke: 30,
      laptop: 100,
      paper: 2000,
      check: int(0),
    },
    weightDecay: {
      doc: 'AdamW decoupled weight decay on weight matrices (nanoGPT: 0.1)',
      smoke: 0.1,
      laptop: 0.1,
      paper: 0.1,
      check: num(0, 10),
    },
    maxGradNorm: {
      doc: 'global gradient-norm clip (nanoGPT: 1.0)',
      smoke: 1,
      laptop: 1,
      paper: 1,
      check: num(1e-6, 1e6),
    },
    evalEvery: {
      doc: 'steps between validation-loss evaluations',
      smoke: 50,
      laptop: 100,
      paper: 500,
      check: int(1),
    },
    evalWindows: {
      doc: 'validation windows of lm.model.nPositions tokens scored at each evaluation (fixed, from the start of the validation stream)',
      smoke: 16,
      laptop: 128,
      paper: 256,
      check: int(1),
    },
  },
  trainPassages: {
    doc: 'train passages packed for pre-training, the first ones in corpus order; 0 = all (Brown: ~27.7k; the recorded trainPassages is the count used)',
    smoke: 3000,
    laptop: 0,
    paper: 0,
    check: int(0),
  },
  seed: {
    doc: 'seed of the initialisation, batch order and dropout of pre-training',
    smoke: 0,
    laptop: 0,
    paper: 0,
    check: int(0),
  },
  hfModelDir: {
    doc: 'a Hugging Face GPT-2 folder (config.json, model.safetensors, merges.txt; e.g. lvwerra/gpt2-imdb) to load instead of pre-training; null = pre-train',
    smoke: null,
    laptop: null,
    paper: null,
    check: pathOrNull(),
  },
  distilbertDir: {
    doc: "a Hugging Face DistilBertForSequenceClassification folder (config.json, model.safetensors, vocab.txt; e.g. lvwerra/distilbert-imdb) for the reward languageRl.reward.kind 'distilbert'; null = none",
    smoke: null,
    laptop: null,
    paper: null,
    check: pathOrNull(),
  },
  usePaperModels: {
    doc: "run with the study's own models and data: the policy from lm.hfModelDir, the reward the DistilBERT POSITIVE logit from lm.distilbertDir, the corpus IMDB from corpus.imdbPath; all three must be given (one message names what is missing)",
    smoke: false,
    laptop: false,
    paper: false,
    check: bool(),
  },
} satisfies ParamSchema;

/** The pre-trained language model: shape, pre-training run, or an imported Hugging Face GPT-2. */
export const LANGUAGE_MODEL_PARAMS = {
  ...LANGUAGE_CORPUS_PARAMS,
  lm: LM_GROUP,
} satisfies ParamSchema;

/** Notebook 05: pre-training plus sample generations (`samples`: display only, never recorded). */
export const LANGUAGE_PRETRAINING_PARAMS = {
  ...LANGUAGE_MODEL_PARAMS,
  samples: {
    count: {
      doc: 'validation passages whose opening is continued by the model',
      smoke: 3,
      laptop: 6,
      paper: 6,
      check: int(1, 256),
    },
    promptTokens: {
      doc: 'prompt length in tokens (the study cuts prompts to 16 GPT-2 tokens)',
      smoke: 16,
      laptop: 16,
      paper: 16,
      check: int(1, 4096),
    },
    maxNewTokens: {
      doc: 'tokens sampled after each prompt (the study: 48)',
      smoke: 16,
      laptop: 48,
      paper: 48,
      check: int(1, 4096),
    },
    temperature: {
      doc: 'sampling temperature (the study: 1)',
      smoke: 1,
      laptop: 1,
      paper: 1,
      check: num(0, 10),
    },
    topK: {
      doc: 'sample among the k most likely tokens; 0 = off (the study: 0)',
      smoke: 0,
      laptop: 0,
      paper: 0,
      check: int(0),
    },
    seed: {
      doc: 'seed of the sampled continuations',
      smoke: 0,
      laptop: 0,
      paper: 0,
      check: int(0),
    },
  },
} satisfies ParamSchema;

/** Resolved corpus/tokenizer parameters. */
export type LanguageCorpusParamValues = ParamsOf<typeof LANGUAGE_CORPUS_PARAMS>;
/** The resolved `corpus` group. */
export type CorpusValues = ParamValues<typeof CORPUS_GROUP>;
/** The resolved `lm` group. */
export type LmValues = ParamValues<typeof LM_GROUP>;
/** Resolved language-model parameters (what `loadOrTrainLanguageModel` reads). */
export type LanguageModelParamValues = ParamsOf<typeof LANGUAGE_MODEL_PARAMS>;
/** Resolved parameters of notebook 05. */
export type LanguagePretrainingParamValues = ParamsOf<typeof LANGUAGE_PRETRAINING_PARAMS>;
