/**
 * Parameters of the language supervised (Lovering) baseline (`cli.ts language-sft`, spread into
 * notebook 08's schema): the pre-trained LM (notebook 05's) plus a classification head fine-tuned on
 * the rate-p set. Its parameters sit in the `languageSft` group, so one headless STUDY_OVERRIDES
 * object never collides with the toy notebooks' groups; inside it, `data` and `finetune` are the
 * fields of a run's recorded configuration (`LanguageSftConfig`). Laptop times were measured on
 * the shared 2-core machine.
 */
import { LANGUAGE_TASK_IDS } from '../../../tasks/language/prefix_tasks';
import { LANGUAGE_MODEL_PARAMS } from '../../pretraining/schema';
import { GRID_JOBS_PARAMS, int, list, num, choice, type ParamSchema, type ParamsOf } from '../../params/presets';
import { ALL_TASKS, FIGURE_TASKS } from '../../extractability/language/schema';

/** The supervised (Lovering) baseline on the language tasks: the pre-trained LM + head fine-tuned on the rate-p set. */
export const LANGUAGE_SFT_PARAMS = {
  ...LANGUAGE_MODEL_PARAMS,
  languageSft: {
    tasks: {
      doc: 'language tasks fine-tuned (paper figures: 1, 2, 5, 22, 23; laptop: all 10 implemented prefix tasks)',
      smoke: [1, 22],
      laptop: ALL_TASKS,
      paper: FIGURE_TASKS,
      check: list(choice(LANGUAGE_TASK_IDS)),
    },
    rates: {
      doc: 's-only rates of the training sets (paper: 0, 0.01, 0.05, 0.2, 0.5; laptop: only 0, 0.05, 0.5, to fit ~4 min)',
      smoke: [0, 0.5],
      laptop: [0, 0.05, 0.5],
      paper: [0, 0.01, 0.05, 0.2, 0.5],
      check: list(num(0, 1)),
    },
    seeds: {
      doc: 'runs per (task, rate), one seed each: head init, dropout, minibatches (paper RL grid: 3 seeds)',
      smoke: [0],
      laptop: [0, 1, 2],
      paper: [0, 1, 2],
      check: list(int(0)),
    },
    data: {
      trainSize: {
        doc: 'training prompts of each run, from the rate-p set (paper: the RL study\'s 24,576; laptop: 2,000: 10-17 s per run, the 15-run laptop grid 3.4 min measured on 2 shared cores)',
        smoke: 64,
        laptop: 2000,
        paper: 24576,
        check: int(10),
      },
      testSize: {
        doc: 'held-out prompts per partition, from the validation passages (paper: 1,000 s-only and t-only)',
        smoke: 16,
        laptop: 200,
        paper: 1000,
        check: int(1),
      },
      seed: {
        doc: 'seed of the training and held-out prompts; the training set of rate p is stream train/rate=<p> (paper: not stated; 0)',
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
    finetune: {
      epochs: {
        doc: 'epochs of the supervised baseline (paper: not stated, docs/study.md gives no language SFT schedule; 3 is ours)',
        smoke: 1,
        laptop: 3,
        paper: 3,
        check: int(1, 1000),
      },
      batchSize: {
        doc: 'minibatch of the supervised baseline (paper: not stated; the MDL probe\'s 64)',
        smoke: 64,
        laptop: 64,
        paper: 64,
        check: int(1, 65536),
      },
      learningRate: {
        doc: 'AdamW learning rate of the supervised baseline (paper probe: 2e-5; laptop 1e-4 as the laptop probes)',
        smoke: 1e-4,
        laptop: 1e-4,
        paper: 2e-5,
        check: num(1e-8, 1),
      },
      weightDecay: {
        doc: 'AdamW decoupled weight decay (paper: not stated; torch.optim.AdamW default 0.01, as the probes)',
        smoke: 0.01,
        laptop: 0.01,
        paper: 0.01,
        check: num(0, 10),
      },
    },
  },
  ...GRID_JOBS_PARAMS,
} satisfies ParamSchema;

/** Resolved parameters of the language supervised baseline. */
export type LanguageSftParamValues = ParamsOf<typeof LANGUAGE_SFT_PARAMS>;
/** The resolved `languageSft` group. */
export type LanguageSftValues = LanguageSftParamValues['languageSft'];
