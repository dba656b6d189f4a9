/**
 * The stored runs of the language study for `npm run results` (nothing trained or probed here):
 * the MDL runs on the pre-trained and the untrained model, the RL and the SFT runs of a preset's
 * grids, with how many of each grid's runs the stores hold. Needs notebook 05's cached model (its
 * weights identify the runs); without it nothing is loaded.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MANIFEST_FILE } from '../io/manifest';
import type { LanguageCoverage, LanguageRunMs } from '../hypotheses/language_results_report';
import type { LanguageInputs } from '../hypotheses/language_analysis';
import { sftRunOf, type TaskExtractabilityRow } from '../hypotheses/runs';
import type { FinetuneResult } from '../sft/classifier_finetune';
import type { GridCell } from '../io/run_store';
import { ConfigError } from '../util/assert';
import { languageExtractabilityTable, languageMdlCellKey, languageMdlCells, languageMdlStore } from './extractability/language/grid';
import type { LanguageMdlCellConfig, LanguageMdlCellResult } from './extractability/language/probe';
import { randomInitInputs } from './extractability/language/random_init';
import { randomInitMdlCells } from './extractability/language/random_control';
import type { LanguageHypothesesParamValues } from './language_hypotheses_schema';
import { languageModelDir, loadOrTrainLanguageModel } from './pretraining/model';
import { weightsSha256, type LanguageModelIdentity } from './pretraining/model_inputs';
import { languageRlCells, languageRlStore } from './rl/language/grid';
import type { LanguageRlConfig, LanguageRlResult } from './rl/language/run';
import { languageSftCells, languageSftKey, languageSftStore } from './sft/language/grid';
import type { LanguageSftConfig } from './sft/language/run';

/**
 * `cells` as cells of another model lineage: the pre-trained model's weights hash replaced by
 * `weightsSha256`, and the key recomputed by `keyOf` where the key names the model. For the runs of
 * a model that is not cached but shares the cached one's tokenizer, corpus and architecture (a
 * round-off replicate pre-trained on another CPU: results/README.md).
 */
export function asLineage<C extends { readonly lm: LanguageModelIdentity }>(cells: readonly GridCell<C>[], weightsSha256: string, keyOf?: (config: C) => string): GridCell<C>[] {
  return cells.map((c) => {
    const config = { ...c.config, lm: { ...c.config.lm, weightsSha256 } };
    return { key: keyOf ? keyOf(config) : c.key, config };
  });
}

/**
 * The full weights hash of the stored lineage that `prefix` (at least 6 hex digits) starts, among the
 * models the stored RL runs name; a one-line ConfigError naming them otherwise.
 */
export function resolveLineage(prefix: string, stored: ReadonlyMap<string, number>): string {
  const named = [...stored.keys()].sort().map((sha) => `${sha.slice(0, 12)} (${stored.get(sha)} RL runs)`).join(', ') || 'none';
  if (!/^[0-9a-f]{6,64}$/.test(prefix)) throw new ConfigError(`--model: ${JSON.stringify(prefix)} is not allowed; expected 6 to 64 lowercase hex digits of a stored model's weights sha256: ${named}`);
  const hits = [...stored.keys()].filter((sha) => sha.startsWith(prefix));
  if (hits.length !== 1) throw new ConfigError(`--model: ${prefix} ${hits.length === 0 ? 'names no' : 'names more than one'} model of the stored language RL runs; expected one of ${named}`);
  return hits[0];
}

/** The stored runs of one model lineage, as `withLanguageRuns` reads them. */
export interface LanguageRuns {
  readonly inputs: LanguageInputs;
  readonly coverage: LanguageCoverage;
  readonly runMs: LanguageRunMs;
  readonly randomInitExtractability: TaskExtractabilityRow[];
  /** The weights sha256 of the model whose runs these are. */
  readonly modelSha256: string;
}

/**
 * Reads stored runs with the preset's cached model loaded once: `read(lineage)` gives the inputs of
 * the language analysis with the coverage of each grid, for the cached model's runs or, with
 * `lineage` (a full weights sha256), for that model's (`asLineage`; the cached model still gives the
 * tokenizer, corpus and architecture). Null, and `use` not called, when the preset has no cached
 * model. The model and the random-init control are disposed when `use` settles.
 */
export async function withLanguageRuns<T>(p: LanguageHypothesesParamValues, use: (read: (lineage?: string) => LanguageRuns) => Promise<T> | T): Promise<T | null> {
  if (p.lm.hfModelDir === null && !fs.existsSync(path.join(languageModelDir(p.preset), MANIFEST_FILE))) return null;
  const lm = await loadOrTrainLanguageModel(p);
  const control = randomInitInputs(lm, p.languageMdl.randomInitSeed);
  try {
    const cachedSha256 = weightsSha256(lm.model);
    // Cells that do not depend on the lineage are built once.
    const randomCells = p.languageMdl.models.includes('random') ? randomInitMdlCells(p, control) : [];
    const random = languageMdlStore(p.preset).loadExisting<LanguageMdlCellConfig, LanguageMdlCellResult>(randomCells);
    const mdlCells = languageMdlCells(p, lm);
    const rlCellsCached = languageRlCells(p, lm);
    const sftCellsCached = languageSftCells(p, lm);
    const count = (found: number, total: number) => ({ found, total });
    const ms = (runs: readonly { readonly wallMs: number }[]) => runs.reduce((a, r) => a + r.wallMs, 0);
    const read = (lineage?: string): LanguageRuns => {
      const ofLineage = <C extends { readonly lm: LanguageModelIdentity }>(cells: GridCell<C>[], keyOf?: (config: C) => string) => (lineage === undefined ? cells : asLineage(cells, lineage, keyOf));
      const mdl = languageMdlStore(p.preset).loadExisting<LanguageMdlCellConfig, LanguageMdlCellResult>(ofLineage(mdlCells, languageMdlCellKey));
      const rlCells = ofLineage(rlCellsCached);
      const rl = languageRlStore(p.preset).loadExisting<LanguageRlConfig, LanguageRlResult>(rlCells);
      const sftCells = ofLineage(sftCellsCached, languageSftKey);
      const sft = languageSftStore(p.preset).loadExisting<LanguageSftConfig, FinetuneResult>(sftCells);
      return {
        inputs: {
          extractability: languageExtractabilityTable(mdl.runs),
          rl: rl.runs.map((r) => ({ task: r.config.data.task, rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, wallMs: r.wallMs, result: r.result })),
          sft: sft.runs.map(sftRunOf),
        },
        randomInitExtractability: languageExtractabilityTable(random.runs),
        coverage: {
          MDL: count(mdl.runs.length, mdl.runs.length + mdl.missing.length),
          'random-init MDL': count(random.runs.length, randomCells.length),
          RL: count(rl.runs.length, rlCells.length),
          SFT: count(sft.runs.length, sftCells.length),
        },
        runMs: { MDL: ms(mdl.runs), 'random-init MDL': ms(random.runs), RL: ms(rl.runs), SFT: ms(sft.runs) },
        modelSha256: lineage ?? cachedSha256,
      };
    };
    return await use(read);
  } finally {
    control.model.dispose();
    lm.model.dispose();
  }
}

/**
 * Pre-trained models (sha256 of the weights) that the language RL runs stored for `preset` name,
 * with how many runs name each. A torn or foreign file is skipped (the store reports it on use).
 */
export function storedLanguageRlModels(preset: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of languageRlStore(preset).entries()) {
    if (e.hash === undefined) continue;
    try {
      const sha: unknown = JSON.parse(fs.readFileSync(e.file, 'utf8'))?.config?.lm?.weightsSha256;
      if (typeof sha === 'string') counts.set(sha, (counts.get(sha) ?? 0) + 1);
    } catch {
      // not a result file this reader understands
    }
  }
  return counts;
}

/**
 * Why the stored language RL runs cannot be read with the cached model: none of them names it, and
 * some name another (pre-training on a CPU that rounds differently rebuilds another model: README
 * "Backends"); undefined when some runs name the cached model or none are stored.
 */
export function otherModelProblem(cachedSha256: string, stored: ReadonlyMap<string, number>): string | undefined {
  if (stored.size === 0 || stored.has(cachedSha256)) return undefined;
  const others = [...stored.entries()].sort((a, b) => b[1] - a[1]).map(([sha, n]) => `${n} of pre-trained model ${sha.slice(0, 12)}…`).join(', ');
  return `language: the result store's RL runs (${others}) were computed with another pre-trained model than the cached one (${cachedSha256.slice(0, 12)}…); pre-training rounds differently on another CPU or thread count (README "Backends"), so these runs are not this model's: put that model in datasets/models/<preset>/lm (or compute the grids for the cached one) first`;
}

