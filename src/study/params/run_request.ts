/**
 * The flags every single-run command shares (`toy-rl`, `toy-sft`, `language-rl`, `language-sft`):
 * output file, task, rate, seed, preset and overrides, checked in one place with one error per
 * bad field (before any model is loaded).
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
  readonly out?: unknown;
  readonly force?: unknown;
}

/** The checked flags. */
export interface CheckedRunRequest<T extends number> {
  readonly out: string;
  readonly task: T;
  readonly rate: number;
  readonly seed: number;
  readonly preset: PresetName;
  readonly overrides: Record<string, unknown>;
}

/** Checks the shared flags; `tasks` are the allowed task ids. Throws a `ConfigError` naming the first bad field. */
export function checkRunRequest<T extends number>(req: RunRequest, tasks: readonly T[]): CheckedRunRequest<T> {
  if (typeof req.out !== 'string' || req.out === '') throw new ConfigError('out: missing; expected --out <file.json>');
  if (req.task === undefined) throw new ConfigError(`task: missing; expected --task ${tasks.join(' | ')}`);
  if (req.rate === undefined) throw new ConfigError('rate: missing; expected --rate <p in [0, 1]>');
  if (req.seed === undefined) throw new ConfigError('seed: missing; expected --seed <integer >= 0>');
  const task = oneOf('task', req.task, tasks);
  const rate = checkRange('rate', req.rate, 0, 1);
  const seed = checkInt('seed', req.seed, 0);
  const preset = oneOf('preset', req.preset ?? 'laptop', PRESET_NAMES);
  const overrides = req.overrides === undefined ? {} : parseOverridesJson(String(req.overrides), 'overrides');
  return { out: req.out, task, rate, seed, preset, overrides };
}
