/**
 * Algorithm versions of the run kinds, part of every run's content-addressed key. Bump a kind's
 * version when its trainer's numbers change (a new loss term, another initialisation, a fixed
 * bug): old results then no longer match, are recomputed, and `store gc` lists them as unused.
 * A kind is the name of its result folder (`datasets/results/<preset>/<kind>/`).
 */

/** The study's run kinds, each the name of its result folder. */
export const RUN_KINDS = ['toy_mdl', 'toy_rl', 'toy_sft', 'language_mdl', 'language_rl', 'language_sft'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/**
 * Current algorithm version per run kind; kinds not listed (custom stores, tests) are version 1.
 * 2: one flat Adam/AdamW (bias corrections in float64, as PyTorch) and custom-gradient log-prob,
 * entropy, LayerNorm and GELU heads: the same maths, different float32 round-off.
 */
export const RUN_ALGORITHM_VERSIONS: Readonly<Record<RunKind, number>> = {
  toy_mdl: 2,
  toy_rl: 2,
  toy_sft: 2,
  language_mdl: 2,
  language_rl: 2,
  language_sft: 2,
};

/** The algorithm version of run kind `kind`. */
export function algorithmVersion(kind: string): number {
  return Object.prototype.hasOwnProperty.call(RUN_ALGORITHM_VERSIONS, kind) ? RUN_ALGORITHM_VERSIONS[kind as RunKind] : 1;
}
