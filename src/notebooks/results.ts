/**
 * `npm run results -- [--preset laptop] [--readme README.md] [--only synthetic|language]`: reads the synthetic result stores of a
 * preset (nothing is computed), runs the declared analysis (src/hypotheses/synthetic_analysis.ts)
 * and writes the README's synthetic results paragraph between its markers; likewise the language
 * paragraph (src/hypotheses/language_analysis.ts) between the language markers. Missing runs are named
 * in the paragraph's first line, so a partial store never passes for a finished one. `--only` writes one
 * of the two paragraphs and leaves the other's text as it is. `--model <sha256 prefix>` (with `--only
 * language`) writes the paragraph of another stored model lineage than the cached model's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyseSynthetic } from '../hypotheses/synthetic_analysis';
import { replaceBetweenMarkers, syntheticResultsParagraph } from '../hypotheses/results_report';
import { TOY_HYPOTHESES_PARAMS } from '../study/extension/schema';
import { loadSyntheticRuns, type LoadedSyntheticRuns } from '../study/extension/synthetic_runs';
import { PRESET_NAMES } from '../study/params/presets';
import { resolveParams } from '../study/params/resolve';
import { repoRoot } from '../io/paths';
import { initBackend } from '../backend';
import { analyseLanguage } from '../hypotheses/language_analysis';
import { LANGUAGE_RESULTS_END, LANGUAGE_RESULTS_START, languageResultsParagraph, type OtherLineage } from '../hypotheses/language_results_report';
import { LANGUAGE_HYPOTHESES_PARAMS } from '../study/language_hypotheses_schema';
import { otherModelProblem, resolveLineage, storedLanguageRlModels, withLanguageRuns } from '../study/language_runs';
import { ConfigError, oneOf } from '../util/assert';

/** One line on the runs a paragraph rests on, naming what is missing. */
export function coverageLine(loaded: LoadedSyntheticRuns): string {
  const kinds = ['mdl', 'rl', 'sft', 'rlBalanced'] as const;
  const names = { mdl: 'MDL', rl: 'RL', sft: 'SFT', rlBalanced: 'label-balanced RL' };
  const missing = kinds.filter((k) => loaded.missing[k] > 0);
  const found = kinds.map((k) => `${loaded.total[k] - loaded.missing[k]}/${loaded.total[k]} ${names[k]}`).join(', ');
  return missing.length === 0 ? `All runs of the preset's grids are in the store (${found}).` : `**Partial results**: the store holds ${found} runs; the numbers below use only those.`;
}

/**
 * One line on the compute the stored runs took: their summed run time by kind, and that sum over 2
 * workers, the least wall time `--jobs 2` can take on 2 cores (process start-up and the notebooks' own
 * cells come on top). Each run timed itself, in its own process, under whatever load the machine had.
 */
export function computeLine(loaded: Pick<LoadedSyntheticRuns, 'runMs'>): string {
  const min = (ms: number) => Math.round(ms / 60000);
  const { mdl, rl, sft, rlBalanced } = loaded.runMs;
  const all = mdl + rl + sft + rlBalanced;
  return `Compute: the stored runs took ${min(all)} min of run time in all (MDL ${min(mdl)}, RL ${min(rl)}, SFT ${min(sft)}, label-balanced RL ${min(rlBalanced)}; each run timed itself under the machine's load at the time), so at least ${min(all / 2)} min of wall time with 2 workers on 2 cores (\`jobs: 2\`), against the 60-minute goal of the synthetic half.`;
}

/** Builds the paragraph of `preset` from the stores under `datasets/` (or STUDY_DATASETS_DIR) and writes it into `readmePath`; returns the paragraph. Call after `initBackend()`: runs are found under the active backend. */
export function writeResultsParagraph(preset: string, readmePath: string): string {
  const params = resolveParams(TOY_HYPOTHESES_PARAMS, { preset: oneOf('preset', preset, PRESET_NAMES), env: {} });
  const loaded = loadSyntheticRuns(params);
  const analysis = analyseSynthetic(loaded.inputs);
  const paragraph = `${coverageLine(loaded)}\n${syntheticResultsParagraph(analysis, params.preset)}\n${computeLine(loaded)}`;
  const text = fs.readFileSync(readmePath, 'utf8');
  fs.writeFileSync(readmePath, replaceBetweenMarkers(text, paragraph));
  return paragraph;
}

/**
 * Builds the language paragraph of `preset` (the declared analysis of notebook 08 on the stored runs;
 * nothing is trained) and writes it between the language markers of `readmePath`; returns it.
 * `model`, a prefix of a stored model's weights sha256, reads that lineage's runs instead of the
 * cached model's (results/README.md).
 */
export async function writeLanguageResultsParagraph(preset: string, readmePath: string, model?: string): Promise<string> {
  const params = resolveParams(LANGUAGE_HYPOTHESES_PARAMS, { preset: oneOf('preset', preset, PRESET_NAMES), env: {} });
  await initBackend();
  // Reads every stored RL result once: the lineages it names serve --model, the guard and the other-lineage lines.
  const stored = storedLanguageRlModels(params.preset);
  const lineage = model === undefined ? undefined : resolveLineage(model, stored);
  // The model is loaded once; the other lineages in the store are each read under their own weights hash.
  const read = await withLanguageRuns(params, (readRuns) => {
    const loaded = readRuns(lineage);
    // Never replace a paragraph with an empty one because the cached model is not the runs' model.
    const problem = lineage === undefined && loaded.coverage.RL.found === 0 ? otherModelProblem(loaded.modelSha256, stored) : undefined;
    if (problem) throw new ConfigError(`${problem}; the README paragraph is left as it is`);
    const others: OtherLineage[] = [];
    for (const sha of [...stored.keys()].sort()) {
      if (sha === loaded.modelSha256) continue;
      const other = readRuns(sha);
      // Runs of another architecture, tokenizer or configuration are not this grid's cells: no line.
      if (other.coverage.RL.found > 0) others.push({ modelSha256: sha, analysis: analyseLanguage(other.inputs), coverage: other.coverage });
    }
    return { loaded, others };
  });
  const loaded = read?.loaded;
  const others = read?.others ?? [];
  const paragraph = loaded
    ? languageResultsParagraph(analyseLanguage(loaded.inputs), params.preset, loaded.coverage, { pretrained: loaded.inputs.extractability, random: loaded.randomInitExtractability }, loaded.runMs, loaded.modelSha256, others)
    : `Not generated yet: no pre-trained language model is cached for the \`${params.preset}\` preset; run notebooks 05-08 (or the language grid commands) at that preset, then \`npm run results -- --preset ${params.preset}\`.`;
  const text = fs.readFileSync(readmePath, 'utf8');
  fs.writeFileSync(readmePath, replaceBetweenMarkers(text, paragraph, LANGUAGE_RESULTS_START, LANGUAGE_RESULTS_END));
  return paragraph;
}

/** The two paragraphs `--only` can restrict a run to (the other keeps its text in the README). */
const RESULT_HALVES = ['synthetic', 'language'] as const;

async function main(argv: readonly string[]): Promise<void> {
  let preset = 'laptop';
  let readme = path.join(repoRoot(), 'README.md');
  let only: (typeof RESULT_HALVES)[number] | undefined;
  let model: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--preset') preset = argv[++i];
    else if (argv[i] === '--readme') readme = argv[++i];
    else if (argv[i] === '--only') only = oneOf('--only', argv[++i], RESULT_HALVES);
    else if (argv[i] === '--model') model = argv[++i] ?? '';
    else throw new ConfigError(`${argv[i]}: unknown flag; expected --preset <smoke|laptop|paper>, --readme <path>, --only <${RESULT_HALVES.join('|')}> or --model <weights sha256 prefix>`);
  }
  if (model !== undefined && only !== 'language') throw new ConfigError('--model: names a language model lineage; expected it with --only language');
  if (!fs.existsSync(readme)) throw new ConfigError(`--readme: ${readme} does not exist; expected the README to write the paragraph into`);
  // The backend first: a stored run's identity names the backend it was computed on, and before
  // initBackend tfjs reports its default ('cpu'), under which no run of the native backend is found.
  await initBackend();
  if (only !== 'language') console.log(writeResultsParagraph(preset, readme));
  if (only !== 'synthetic') console.log(await writeLanguageResultsParagraph(preset, readme, model));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    if (e instanceof ConfigError || e instanceof RangeError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  });
}
