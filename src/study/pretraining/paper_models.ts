/**
 * The study's own models and data where a user has them (issue 16; docs/study.md: policy
 * lvwerra/gpt2-imdb, reward lvwerra/distilbert-imdb, IMDB reviews): with `lm.usePaperModels` the
 * resolved parameters are checked once (checkPaperModelPaths: one message naming every missing
 * folder or file) and switched to the HF GPT-2 policy, the DistilBERT reward and the IMDB corpus.
 */
import { checkPaperModelPaths, fsPathProbe, type PathProbe } from '../../reward/paper_models';
import { ConfigError, withParamPath } from '../../util/assert';
import type { LanguageRewardKind } from '../rl/language/reward_model';

/** The parameters the switch reads and sets (every language notebook's resolved parameters have them). */
export interface PaperModelParams {
  readonly corpus: { readonly source: string; readonly imdbPath: string | null };
  readonly lm: { readonly usePaperModels: boolean; readonly hfModelDir: string | null; readonly distilbertDir: string | null };
  /** Present in the notebooks that train policies (07, 08). */
  readonly languageRl?: { readonly reward: { readonly kind: LanguageRewardKind } };
}

/** Where the checker's fields sit among the parameters (its problems start with the field name). */
const PARAM_PATHS: Readonly<Record<string, string>> = { hfModelDir: 'lm.hfModelDir', distilbertDir: 'lm.distilbertDir', imdbPath: 'corpus.imdbPath' };

/**
 * `p` unchanged without `lm.usePaperModels`; with it, `p` with `corpus.source: 'imdb'` and, where `p`
 * has the group, `languageRl.reward.kind: 'distilbert'`. Throws one ConfigError line naming every
 * missing path or file.
 */
export function withPaperModels<P extends PaperModelParams>(p: P, probe: PathProbe = fsPathProbe): P {
  if (!p.lm.usePaperModels) return p;
  const check = checkPaperModelPaths({ hfModelDir: p.lm.hfModelDir, distilbertDir: p.lm.distilbertDir, imdbPath: p.corpus.imdbPath }, probe);
  if (!check.ok) throw new ConfigError(`lm.usePaperModels: paper preset: ${check.problems.map((line) => withParamPath(line, PARAM_PATHS)).join('; ')}`);
  const corpus = { ...p.corpus, source: 'imdb' };
  if (p.languageRl === undefined) return { ...p, corpus };
  return { ...p, corpus, languageRl: { ...p.languageRl, reward: { ...p.languageRl.reward, kind: 'distilbert' } } };
}
