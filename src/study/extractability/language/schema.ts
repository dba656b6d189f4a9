/**
 * Parameters of the language MDL probes (notebook 06, `cli.ts language-mdl`); the language
 * supervised baseline's are in ../../sft/language/schema.ts. Paper
 * values from docs/study.md "Natural-language tasks": the pre-trained LM as a sequence classifier, all
 * weights trained, AdamW 2e-5, batch 64, 20 epochs per block, 5 seeds, tasks 1, 2, 5, 22, 23, rates
 * 0, 0.01, 0.05, 0.2, 0.5, prompts of 16 tokens. The probes' parameters sit in the `languageMdl` group (the SFT
 * baseline's in `languageSft`), so one headless STUDY_OVERRIDES object never collides with the toy
 * notebooks' groups; inside it, `data` and `training` are the fields of the run's recorded
 * configuration (`LanguageMdlCellConfig`).
 * Laptop times were measured on the shared 2-core machine with the native backend.
 */
import { LANGUAGE_TASK_IDS } from '../../../tasks/language/prefix_tasks';
import { LANGUAGE_MODEL_PARAMS } from '../../pretraining/schema';
import { GRID_JOBS_PARAMS, int, list, num, choice, type ParamSchema, type ParamsOf } from '../../params/presets';
import { PROBED_MODELS, type ProbedModel } from './random_init';

/** The tasks of the study's figures. */
export const FIGURE_TASKS = [1, 2, 5, 22, 23];
/** Every implemented prefix task (the authors' code has these 10), so H1 has n = 10 points at laptop. */
export const ALL_TASKS: number[] = [...LANGUAGE_TASK_IDS];

/** Notebook 06 and `language-mdl`: the pre-trained LM (notebook 05's) plus the probes. */
export const LANGUAGE_MDL_PARAMS = {
  ...LANGUAGE_MODEL_PARAMS,
  languageMdl: {
    tasks: {
      doc: 'language tasks probed (paper figures: 1, 2, 5, 22, 23; laptop: all 10 implemented prefix tasks, for H1 power)',
      smoke: [1, 22],
      laptop: ALL_TASKS,
      paper: FIGURE_TASKS,
      check: list(choice(LANGUAGE_TASK_IDS)),
    },
    seeds: {
      doc: 'probe seeds: each orders the probing set and initialises the head, dropout and minibatches of every block probe (paper: 5; laptop: 3: notebook 06 took 9 min 41 s at laptop, 30 runs of 14-29 s, measured on the 2-core machine while another notebook ran)',
      smoke: [0],
      laptop: [0, 1, 2],
      paper: [0, 1, 2, 3, 4],
      check: list(int(0)),
    },
    data: {
      probeSize: {
        doc: 'prompts N per probing set, half per class (paper: the 24,576-prompt sets of the RL study; laptop: 800, 14-29 s per probe run at 10 epochs measured on 2 shared cores)',
        smoke: 60,
        laptop: 800,
        paper: 24576,
        check: int(2),
      },
      seed: {
        doc: 'seed of the probing prompts drawn from the corpus, one seeded stream per task and feature (paper: not stated; 0)',
        smoke: 0,
        laptop: 0,
        paper: 0,
        check: int(0),
      },
      maxTokens: {
        doc: 'prompt length in tokens (paper: 16 GPT-2 tokens)',
        smoke: 16,
        laptop: 16,
        paper: 16,
        check: int(4, 256),
      },
    },
    training: {
      epochs: {
        doc: 'training epochs of each block probe (paper: 20; laptop: 10)',
        smoke: 1,
        laptop: 10,
        paper: 20,
        check: int(1, 1000),
      },
      batchSize: {
        doc: 'probe training minibatch (paper: 64)',
        smoke: 64,
        laptop: 64,
        paper: 64,
        check: int(1, 65536),
      },
      learningRate: {
        doc: 'AdamW learning rate of the probes (paper: 2e-5 for GPT-2 small; laptop 1e-4: at 2e-5 the small LM learns task 1 t only to 0.78 accuracy in 10 epochs on 500 prompts, 1e-4 reaches 0.996)',
        smoke: 1e-4,
        laptop: 1e-4,
        paper: 2e-5,
        check: num(1e-8, 1),
      },
      weightDecay: {
        doc: 'AdamW decoupled weight decay on every weight (paper: AdamW; torch.optim.AdamW default 0.01)',
        smoke: 0.01,
        laptop: 0.01,
        paper: 0.01,
        check: num(0, 10),
      },
    },
    models: {
      doc: "models probed (paper: 'pretrained' only): 'pretrained' (the study's) and 'random', a control the study did not run: an untrained model of the same shape (GPT-2 init, seeded by languageMdl.randomInitSeed), so the effect of pre-training on extractability shows",
      smoke: [...PROBED_MODELS] as ProbedModel[],
      laptop: [...PROBED_MODELS] as ProbedModel[],
      paper: [...PROBED_MODELS] as ProbedModel[],
      check: list(choice(PROBED_MODELS)),
    },
    randomSeeds: {
      doc: "probe seeds of the 'random' control (paper: no control; here 3 seeds; laptop: one seed, to keep notebook 06 within its budget; the control's point is the size of the gap, not its spread)",
      smoke: [0],
      laptop: [0],
      paper: [0, 1, 2],
      check: list(int(0)),
    },
    randomInitSeed: {
      doc: "seed of the untrained control model's weights (paper: no control)",
      smoke: 0,
      laptop: 0,
      paper: 0,
      check: int(0),
    },
  },
  ...GRID_JOBS_PARAMS,
} satisfies ParamSchema;

/** Resolved parameters of notebook 06 / `language-mdl`. */
export type LanguageMdlParamValues = ParamsOf<typeof LANGUAGE_MDL_PARAMS>;
/** The resolved `languageMdl` group. */
export type LanguageMdlValues = LanguageMdlParamValues['languageMdl'];
