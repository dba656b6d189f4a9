/**
 * Checks the paths a user gives for the `paper` preset's own models and data (docs/study.md: policy
 * lvwerra/gpt2-imdb, reward lvwerra/distilbert-imdb, IMDB reviews) before anything is loaded, and
 * says in one message every folder or file that is missing and what belongs inside. The file system
 * is read through a probe argument, so the check itself is pure and tests pass a fake one.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The user's paths; null where not given. */
export interface PaperModelPaths {
  /** A Hugging Face GPT-2 folder (lvwerra/gpt2-imdb). */
  readonly hfModelDir: string | null;
  /** A Hugging Face DistilBertForSequenceClassification folder (lvwerra/distilbert-imdb). */
  readonly distilbertDir: string | null;
  /** The IMDB reviews: the 50k-review CSV (`review,sentiment`) or an `aclImdb` folder. */
  readonly imdbPath: string | null;
}

/** What is at a path. */
export type PathKind = 'file' | 'dir' | 'missing';

/** Reads the kind of a path (the real file system by default). */
export type PathProbe = (p: string) => PathKind;

/** The real file system. */
export const fsPathProbe: PathProbe = (p) => {
  if (!fs.existsSync(p)) return 'missing';
  return fs.statSync(p).isDirectory() ? 'dir' : 'file';
};

/** What a model folder is and the files it needs; each inner list is alternatives (any one will do). */
export interface ModelFolderSpec {
  readonly what: string;
  readonly files: readonly (readonly string[])[];
}

/** The files each model folder needs (what `loadHfLanguageModel` and `loadHfDistilBert` read). */
export const PAPER_MODEL_FILES: Readonly<Record<'hfModelDir' | 'distilbertDir', ModelFolderSpec>> = {
  hfModelDir: { what: 'a Hugging Face GPT-2 folder such as lvwerra/gpt2-imdb', files: [['config.json'], ['model.safetensors'], ['merges.txt']] },
  distilbertDir: {
    what: 'a Hugging Face DistilBertForSequenceClassification folder such as lvwerra/distilbert-imdb',
    files: [['config.json'], ['model.safetensors'], ['vocab.txt', 'tokenizer.json']],
  },
};

/** The result of the check: `ok` with no problems, or one problem per missing path/file and one message. */
export interface PaperModelCheck {
  readonly ok: boolean;
  /** One line per problem, each starting with the field name. */
  readonly problems: readonly string[];
  /** The problems joined into one message, or null when ok. */
  readonly message: string | null;
}

function checkModelDir(field: 'hfModelDir' | 'distilbertDir', dir: string | null, probe: PathProbe): string[] {
  const { what, files } = PAPER_MODEL_FILES[field];
  const list = files.map((alts) => alts.join(' or ')).join(', ');
  if (dir === null || dir === '') return [`${field}: not given; expected ${what} (${list})`];
  const kind = probe(dir);
  if (kind !== 'dir') return [`${field}: ${dir} ${kind === 'missing' ? 'does not exist' : 'is a file'}; expected ${what} (${list})`];
  const missing = files.filter((alts) => alts.every((f) => probe(path.join(dir, f)) !== 'file')).map((alts) => alts.join(' or '));
  if (missing.length === 0) return [];
  const convert = missing.includes('model.safetensors') && probe(path.join(dir, 'pytorch_model.bin')) === 'file' ? ' (pytorch_model.bin is there: re-save it with save_pretrained(dir, safe_serialization=True))' : '';
  return [`${field}: ${dir} has no ${missing.join(', ')}${convert}; expected ${what} (${list})`];
}

function checkImdb(p: string | null, probe: PathProbe): string[] {
  const what = "the IMDB reviews: the 50k-review CSV file (columns 'review,sentiment') or an aclImdb folder (train/pos, train/neg and/or test/pos, test/neg)";
  if (p === null || p === '') return [`imdbPath: not given; expected ${what}`];
  const kind = probe(p);
  if (kind === 'missing') return [`imdbPath: ${p} does not exist; expected ${what}`];
  if (kind === 'file') return [];
  const hasSplit = ['train', 'test'].some((s) => probe(path.join(p, s, 'pos')) === 'dir' && probe(path.join(p, s, 'neg')) === 'dir');
  return hasSplit ? [] : [`imdbPath: ${p} has no train/pos + train/neg or test/pos + test/neg folders; expected ${what}`];
}

/**
 * Checks the `paper` preset's paths: each model folder exists and holds its files, and the IMDB path is
 * a CSV file or an aclImdb folder. Returns every problem at once; never throws or logs.
 */
export function checkPaperModelPaths(paths: PaperModelPaths, probe: PathProbe = fsPathProbe): PaperModelCheck {
  const problems = [
    ...checkModelDir('hfModelDir', paths.hfModelDir, probe),
    ...checkModelDir('distilbertDir', paths.distilbertDir, probe),
    ...checkImdb(paths.imdbPath, probe),
  ];
  return { ok: problems.length === 0, problems, message: problems.length ? `paper preset: ${problems.join('; ')}` : null };
}
