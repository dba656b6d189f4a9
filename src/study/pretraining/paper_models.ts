/**
 * The study's own models and data where a user has them (issue 16; docs/study.md: policy
 * lvwerra/gpt2-imdb, reward lvwerra/distilbert-imdb, IMDB reviews): with `usePaperModels` the
 * resolved parameters are checked once (checkPaperModelPaths: one message naming every missing
 * folder or file) and switched to the HF GPT-2 policy, the DistilBERT reward and the IMDB corpus.
 */
import { checkPaperModelPaths, fsPathProbe, type PathProbe } from '../../reward/paper_models';
import { ConfigError } from '../../util/assert';

/** The parameters the switch reads and sets (every language notebook's resolved parameters have them). */
export interface PaperModelParams {
  readonly usePaperModels: boolean;
  readonly hfModelDir: string | null;
  readonly distilbertDir: string | null;
  readonly imdbPath: string | null;
  readonly corpus: string;
}

/**
 * `p` unchanged without `usePaperModels`; with it, `p` with `corpus: 'imdb'` and, where `p` has the
 * key, `langRlReward: 'distilbert'`. Throws one ConfigError line naming every missing path or file.
 */
export function withPaperModels<P extends PaperModelParams>(p: P, probe: PathProbe = fsPathProbe): P {
  if (!p.usePaperModels) return p;
  const check = checkPaperModelPaths({ hfModelDir: p.hfModelDir, distilbertDir: p.distilbertDir, imdbPath: p.imdbPath }, probe);
  if (!check.ok) throw new ConfigError(`usePaperModels: ${check.message}`);
  return { ...p, corpus: 'imdb', ...('langRlReward' in p ? { langRlReward: 'distilbert' } : {}) };
}
