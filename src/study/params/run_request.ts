/**
 * The flags every single-run command shares (`toy-rl`, `toy-sft`, `toy-mdl`, `language-rl`,
 * `language-sft`, `language-mdl`): optional output file and result store, task, rate or feature,
 * seed, preset and overrides, checked in one place with one error per bad field (before any model
 * is loaded).
 */
import { ConfigError, checkInt, checkRange, oneOf } from '../../util/assert';
import { parseOverridesJson } from './resolve';
import { PRESET_NAMES, type PresetName } from './presets';

/** Flags of a single-run command (unchecked). */
export interface RunRequest {
  readonly task?: unknown;
  readonly rate?: unknown;
  readonly seed?: unknown;
  readonly preset?: unknown;
  readonly overrides?: unknown;
  /** Extra copy of the run's JSON; without it the result goes only into the run store. */
  readonly out?: unknown;
  /** Result store folder; default the preset's `datasets/results/<preset>/<run kind>`. */
  readonly resultsDir?: unknown;
  readonly force?: unknown;
}

/** The checked flags every single-run command shares. */
export interface CheckedCommonRequest {
  /** File for a copy of the run's JSON; undefined: the run store only. */
  readonly out: string | undefined;
  /** Result store folder; undefined: the preset's. */
  readonly resultsDir: string | undefined;
  readonly preset: PresetName;
  readonly overrides: Record<string, unknown>;
  readonly force: boolean;
}

/** The checked flags of a run over task, rate and seed. */
export interface CheckedRunRequest<T extends number> extends CheckedCommonRequest {
  readonly task: T;
  readonly rate: number;
  readonly seed: number;
}

/** A present but empty or non-string path flag is one line naming it. */
function optionalPath(field: string, value: unknown, expected: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${field}: ${JSON.stringify(value)} is not allowed; expected ${expected}`);
  return value;
}

/** Checks out, results dir, preset, overrides and force. Throws a `ConfigError` naming the first bad field. */
export function checkCommonRequest(req: RunRequest): CheckedCommonRequest {
  const out = optionalPath('out', req.out, 'a file path (or no --out: the run store only)');
  const resultsDir = optionalPath('resultsDir', req.resultsDir, 'a folder path');
  const preset = oneOf('preset', req.preset ?? 'laptop', PRESET_NAMES);
  const overrides = req.overrides === undefined ? {} : parseOverridesJson(String(req.overrides), 'overrides');
  return { out, resultsDir, preset, overrides, force: req.force === true };
}

/** Checks the shared flags; `tasks` are the allowed task ids. Throws a `ConfigError` naming the first bad field. */
export function checkRunRequest<T extends number>(req: RunRequest, tasks: readonly T[]): CheckedRunRequest<T> {
  if (req.task === undefined) throw new ConfigError(`task: missing; expected --task ${tasks.join(' | ')}`);
  if (req.rate === undefined) throw new ConfigError('rate: missing; expected --rate <p in [0, 1]>');
  if (req.seed === undefined) throw new ConfigError('seed: missing; expected --seed <integer >= 0>');
  const task = oneOf('task', req.task, tasks);
  const rate = checkRange('rate', req.rate, 0, 1);
  const seed = checkInt('seed', req.seed, 0);
  return { ...checkCommonRequest(req), task, rate, seed };
}

/** Flags of a single probe run (`toy-mdl`, `language-mdl`): a probed feature instead of a rate (unchecked). */
export interface ProbeRunRequest extends Omit<RunRequest, 'rate'> {
  readonly feature?: unknown;
}

/** The checked flags of a probe run; `task` is checked by the caller (`taskOf`). */
export interface CheckedProbeRequest<T, F extends string> extends CheckedCommonRequest {
  readonly task: T;
  readonly feature: F;
  readonly seed: number;
}

/**
 * Checks a probe run's flags: `taskHint` completes "expected --task ...", `taskOf` checks a given
 * task, `features` are the probed features. Throws a `ConfigError` naming the first bad field.
 */
export function checkProbeRequest<T, F extends string>(req: ProbeRunRequest, taskHint: string, taskOf: (task: unknown) => T, features: readonly F[]): CheckedProbeRequest<T, F> {
  if (req.task === undefined) throw new ConfigError(`task: missing; expected --task ${taskHint}`);
  if (req.seed === undefined) throw new ConfigError('seed: missing; expected --seed <probe seed, integer >= 0>');
  const feature = oneOf('feature', req.feature, features);
  const seed = checkInt('seed', req.seed, 0);
  const common = checkCommonRequest(req);
  return { ...common, task: taskOf(req.task), feature, seed };
}
