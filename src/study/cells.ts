/**
 * A grid is data: for every step of the study, one function lists its cells for a preset and
 * overrides, each with its run key, its full configuration and the CLI argv that computes exactly
 * that cell (`npx tsx src/cli.ts <argv...>`). A batch launcher consumes `{ key, argv }`.
 * The language steps load (or, when none is cached, pre-train) the preset's language model, because
 * their keys and configurations name the model's weights.
 */
import { toyMdlCells } from './extractability/toy/grid';
import { TOY_MDL_PARAMS } from './extractability/toy/schema';
import { languageMdlCells } from './extractability/language/grid';
import { LANGUAGE_MDL_PARAMS } from './extractability/language/schema';
import type { LanguageMdlCellConfig } from './extractability/language/probe';
import { randomInitInputs, type ProbedModel } from './extractability/language/random_init';
import { randomInitMdlCells } from './extractability/language/random_control';
import { TOY_HYPOTHESES_PARAMS } from './extension/schema';
import { toyRlBalancedCells } from './extension/synthetic_runs';
import { toyExtensionTask, toyRlPairCells } from './rl/toy/grid';
import { toyMdlPairCells } from './extractability/toy/grid';
import { resolveParams } from './params/resolve';
import { ownOverrides } from './params/presets';
import { loadOrTrainLanguageModel } from './pretraining/model';
import { LANGUAGE_PRETRAINING_PARAMS } from './pretraining/schema';
import { languageRlCells } from './rl/language/grid';
import { LANGUAGE_RL_PARAMS } from './rl/language/schema';
import { toyRlCells } from './rl/toy/grid';
import { TOY_RL_PARAMS } from './rl/toy/schema';
import { languageSftCells } from './sft/language/grid';
import { LANGUAGE_SFT_PARAMS } from './sft/language/schema';
import { toySftCells } from './sft/toy/grid';
import { TOY_SFT_PARAMS } from './sft/toy/schema';

/** One cell of a step's grid. */
export interface StepCell {
  /** The run's key in its store (unique within the step). */
  readonly key: string;
  /** The run's full configuration, as recorded with its result. */
  readonly config: unknown;
  /** The command line (without `npx tsx src/cli.ts`) that computes exactly this cell. */
  readonly argv: string[];
}

/**
 * Lists a step's cells for a preset and overrides (the same overrides object a notebook takes). The
 * language steps' cells are identified by the pre-trained model: with `mayTrain: false` a missing
 * model is an error naming `lm-pretrain` instead of minutes of training (`grid list|status|slurm`).
 */
export type ListCells = (preset: string, overrides?: Readonly<Record<string, unknown>>, opts?: ListCellsOptions) => Promise<StepCell[]>;

/** `mayTrain` (default true): whether listing may pre-train a missing model (`grid run`) or must name `lm-pretrain` instead. */
export interface ListCellsOptions {
  readonly mayTrain?: boolean;
}

const common = (preset: string, overrides: Readonly<Record<string, unknown>>): string[] => ['--preset', preset, ...(Object.keys(overrides).length > 0 ? ['--overrides', JSON.stringify(overrides)] : [])];
const resolve = <S extends Parameters<typeof resolveParams>[0]>(schema: S, preset: string, overrides: Readonly<Record<string, unknown>>) => {
  return resolveParams(schema, { preset, overrides: ownOverrides(schema, overrides), env: {} });
};
/** The part of `overrides` a command of `schema` accepts (a command rejects other notebooks' keys). */
const own = ownOverrides;
const rateSeedOf = (c: { data: { rate: number }; seed: number }) => ['--rate', String(c.data.rate), '--seed', String(c.seed)];

async function withModel<T>(preset: string, overrides: Readonly<Record<string, unknown>>, opts: ListCellsOptions | undefined, body: (lm: Awaited<ReturnType<typeof loadOrTrainLanguageModel>>) => T): Promise<T> {
  const lm = await loadOrTrainLanguageModel(resolve(LANGUAGE_PRETRAINING_PARAMS, preset, overrides), { cachedOnly: opts?.mayTrain === false });
  try {
    return body(lm);
  } finally {
    lm.model.dispose();
  }
}

/** Every step's cell lister, by the CLI command that computes one of its cells. */
export const STEP_CELLS: Readonly<Record<string, ListCells>> = {
  'toy-mdl': async (preset, overrides = {}) => {
    const o = own(TOY_MDL_PARAMS, overrides);
    return toyMdlCells(resolve(TOY_MDL_PARAMS, preset, o)).map((c) => ({ ...c, argv: ['toy-mdl', '--task', String(c.config.task), '--feature', c.config.feature, '--seed', String(c.config.seed), ...(c.config.method === 'lovering' ? ['--method', 'lovering'] : []), ...common(preset, o)] }));
  },
  'toy-rl': async (preset, overrides = {}) => {
    const o = own(TOY_RL_PARAMS, overrides);
    return toyRlCells(resolve(TOY_RL_PARAMS, preset, o)).map((c) => ({ ...c, argv: ['toy-rl', '--task', String(c.config.data.task), ...rateSeedOf(c.config), ...common(preset, o)] }));
  },
  'toy-sft': async (preset, overrides = {}) => {
    const o = own(TOY_SFT_PARAMS, overrides);
    return toySftCells(resolve(TOY_SFT_PARAMS, preset, o)).map((c) => ({ ...c, argv: ['toy-sft', '--task', String(c.config.task), ...rateSeedOf(c.config), ...common(preset, o)] }));
  },
  /**
   * Notebook 04's runs beyond notebooks 02-03: the extension pairs' MDL, RL and SFT runs (keys
   * `mdl/`, `rl/`, `sft/` + the run's key) and the label-balanced RL runs of the H2 ablation
   * (`rl/task<k>/rate<p>-balanced/seed<n>`).
   */
  'toy-extension': async (preset, overrides = {}) => {
    const p = resolve(TOY_HYPOTHESES_PARAMS, preset, overrides);
    const { rates, seeds } = p.toyExtension;
    const tasks = p.toyExtension.tasks.map(toyExtensionTask);
    const taskOf = (key: string): string => key.split('/')[0].replace(/^task/, '');
    const oMdl = common(preset, own(TOY_MDL_PARAMS, overrides));
    const oRl = common(preset, own(TOY_RL_PARAMS, overrides));
    const oSft = common(preset, own(TOY_SFT_PARAMS, overrides));
    const mdl = toyMdlPairCells(p, tasks, p.toyMdl.seeds).map((c) => ({ ...c, key: `mdl/${c.key}`, argv: ['toy-mdl', '--task', String(c.config.task), '--feature', c.config.feature, '--seed', String(c.config.seed), ...oMdl] }));
    const rl = toyRlPairCells(p, tasks, rates, seeds).map((c) => ({ ...c, key: `rl/${c.key}`, argv: ['toy-rl', '--task', taskOf(c.key), ...rateSeedOf(c.config), ...oRl] }));
    const sft = toySftCells(p, tasks, rates, seeds).map((c) => ({ ...c, key: `sft/${c.key}`, argv: ['toy-sft', '--task', taskOf(c.key), ...rateSeedOf(c.config), ...oSft] }));
    const balanced = toyRlBalancedCells(p).map((c) => ({ ...c, key: `rl/${c.key}`, argv: ['toy-rl', '--task', taskOf(c.key), ...rateSeedOf(c.config), '--label-balance', 'balanced', ...oRl] }));
    return [...mdl, ...rl, ...sft, ...balanced];
  },
  'lm-pretrain': async (preset, overrides = {}) => {
    const o = own(LANGUAGE_PRETRAINING_PARAMS, overrides);
    return [{ key: `lm/${preset}`, config: resolve(LANGUAGE_PRETRAINING_PARAMS, preset, o), argv: ['lm-pretrain', ...common(preset, o)] }];
  },
  'language-mdl': (preset, overrides = {}, opts) => {
    const o = own(LANGUAGE_MDL_PARAMS, overrides);
    const p = resolve(LANGUAGE_MDL_PARAMS, preset, o);
    const argv = (c: { config: LanguageMdlCellConfig }, model: ProbedModel) => ['language-mdl', '--task', String(c.config.task), '--feature', c.config.feature, '--seed', String(c.config.seed), ...(model === 'random' ? ['--model', 'random'] : []), ...common(preset, o)];
    // Notebook 06's cells: the pre-trained model's, then the random-initialisation control's (its own seeds).
    return withModel(preset, overrides, opts, (lm) => {
      const pretrained = p.languageMdl.models.includes('pretrained') ? languageMdlCells(p, lm).map((c) => ({ ...c, argv: argv(c, 'pretrained') })) : [];
      if (!p.languageMdl.models.includes('random')) return pretrained;
      const control = randomInitInputs(lm, p.languageMdl.randomInitSeed);
      try {
        return [...pretrained, ...randomInitMdlCells(p, control).map((c) => ({ ...c, argv: argv(c, 'random') }))];
      } finally {
        control.model.dispose();
      }
    });
  },
  'language-rl': (preset, overrides = {}, opts) => {
    const o = own(LANGUAGE_RL_PARAMS, overrides);
    const p = resolve(LANGUAGE_RL_PARAMS, preset, o);
    return withModel(preset, overrides, opts, (lm) => languageRlCells(p, lm).map((c) => ({ ...c, argv: ['language-rl', '--task', String(c.config.data.task), ...rateSeedOf(c.config), ...common(preset, o)] })));
  },
  'language-sft': (preset, overrides = {}, opts) => {
    const o = own(LANGUAGE_SFT_PARAMS, overrides);
    const p = resolve(LANGUAGE_SFT_PARAMS, preset, o);
    return withModel(preset, overrides, opts, (lm) => languageSftCells(p, lm).map((c) => ({ ...c, argv: ['language-sft', '--task', String(c.config.task), ...rateSeedOf(c.config), ...common(preset, o)] })));
  },
};
