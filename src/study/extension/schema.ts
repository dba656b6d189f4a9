/**
 * Parameters of the synthetic hypotheses notebook (04): the MDL grid of notebook 02 and the RL grid
 * of notebook 03 with the same values (so the notebook reads their cached results and computes
 * whatever is missing with the same functions), the supervised (Lovering) baseline, and the
 * extension: rule pairs beyond the paper's four tasks, which H1 needs for statistical power.
 */
import type { TaskPair } from '../../tasks/types';
import { GRID_JOBS_PARAMS, TOY_DATA_PARAMS, choice, int, list, num, type ParamSchema, type ParamsOf } from '../params/presets';
import { TOY_MDL_GROUP } from '../extractability/toy/schema';
import { TOY_RL_GROUP } from '../rl/toy/schema';
import { TOY_SFT_GROUP } from '../sft/toy/schema';

/**
 * Rule pairs of the extension, by id (ids continue after the study's tasks 1..5). Chosen to spread
 * relative extractability on both sides of 1: a target as easy as s (6), easier than s (7, 10),
 * and harder than s with a spurious feature other than the study's `contains-2` (8, 9, 11, 12).
 * Task 4 (contains-first vs contains-2) is the generator's task that both papers skipped.
 */
export const TOY_EXTENSION_PAIRS: Readonly<Record<number, TaskPair>> = Object.freeze({
  4: { target: 'contains-first', spurious: 'contains-2' },
  6: { target: 'contains-3', spurious: 'contains-2' },
  7: { target: 'contains-1', spurious: 'first-last' },
  8: { target: 'first-last', spurious: 'contains-3' },
  9: { target: 'adjacent-duplicate', spurious: 'contains-1' },
  10: { target: 'contains-1', spurious: 'adjacent-duplicate' },
  11: { target: 'prefix-duplicate', spurious: 'first-last' },
  12: { target: 'first-last', spurious: 'prefix-duplicate' },
});

/** The ids of {@link TOY_EXTENSION_PAIRS}. */
export const TOY_EXTENSION_IDS: readonly number[] = Object.freeze(Object.keys(TOY_EXTENSION_PAIRS).map(Number));

/** The extension beyond the paper's design (MDL, RL and SFT on more rule pairs, same sizes as the study tasks). */
export const TOY_EXTENSION_GROUP = {
  tasks: {
    doc: 'rule pairs added for H1 (ids of TOY_EXTENSION_PAIRS: 4 contains-first/contains-2, 6 contains-3/contains-2, 7 contains-1/first-last, 8 first-last/contains-3, 9 adjacent-duplicate/contains-1, 10 contains-1/adjacent-duplicate, 11 prefix-duplicate/first-last, 12 first-last/prefix-duplicate); not in the paper',
    smoke: [6, 7],
    laptop: [6, 7, 8, 9, 10],
    paper: [4, 6, 7, 8, 9, 10, 11, 12],
    check: list(choice(TOY_EXTENSION_IDS)),
  },
  seeds: {
    doc: 'seeds of the extension RL and SFT runs (issue 15: >= 5 RL seeds per cell at laptop, as the paper tasks); their MDL probes use toyMdl.seeds, as the paper tasks do',
    smoke: [0],
    laptop: [0, 1, 2, 3, 4],
    paper: [0, 1, 2, 3, 4, 5, 6],
    check: list(int(0)),
  },
  rates: {
    doc: 's-only rates of the extension RL and SFT runs (H1 at p = 0, and at the smallest non-zero rate as a secondary test; paper preset: all seven, for H2 too)',
    smoke: [0, 0.01],
    laptop: [0, 0.01],
    paper: [0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5],
    check: list(num(0, 1)),
  },
  labelBalancedTasks: {
    doc: "tasks of the label-balanced H2 ablation (ours, issue 15): RL runs at the largest of toyRl.rates on training sets whose label-1 share stays 50 %, beside the grid's p = 0 runs (where the study's sets are already balanced), seeds toyRl.seeds",
    smoke: [1, 2],
    laptop: [1, 2, 3, 5],
    paper: [1, 2, 3, 5],
    check: list(choice([1, 2, 3, 4, 5])),
  },
} satisfies ParamSchema;

/** Notebook 04: every synthetic step's group, with the values notebooks 01-03 use. */
export const TOY_HYPOTHESES_PARAMS = {
  toyData: TOY_DATA_PARAMS,
  toyMdl: TOY_MDL_GROUP,
  toyRl: TOY_RL_GROUP,
  toySft: TOY_SFT_GROUP,
  toyExtension: TOY_EXTENSION_GROUP,
  ...GRID_JOBS_PARAMS,
} satisfies ParamSchema;

/** Resolved parameters of notebook 04. */
export type ToyHypothesesParamValues = ParamsOf<typeof TOY_HYPOTHESES_PARAMS>;

/** Task ids a toy run command accepts: the study's tasks 1..5 and the extension pairs. */
export const TOY_TASK_AND_PAIR_IDS: readonly number[] = Object.freeze([...new Set([1, 2, 3, 4, 5, ...TOY_EXTENSION_IDS])].sort((a, b) => a - b));
