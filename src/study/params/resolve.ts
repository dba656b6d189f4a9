/**
 * Notebook parameters: a preset plus overrides, checked once, at the top of every notebook.
 * Headless runs set `STUDY_PRESET` (smoke | laptop | paper) and `STUDY_OVERRIDES` (a JSON object);
 * those win over the values typed in the parameters cell. Unknown keys and bad values stop the
 * notebook with one line that names the key and the allowed values.
 */
import { ConfigError, oneOf } from '../../util/assert';
import { NOTEBOOK_SCHEMAS } from '../notebook_schemas';
import { withParameterErrors } from './parameter_error';
import { PRESET_NAMES, type ParamSchema, type ParamsOf, type PresetName } from './presets';

/** What a parameters cell passes in. */
export interface ParamsRequest {
  /** Preset typed in the cell; `STUDY_PRESET` replaces it when set. */
  preset?: string;
  /** Overrides typed in the cell; `STUDY_OVERRIDES` keys replace these key by key. */
  overrides?: Readonly<Record<string, unknown>>;
  /** Environment to read (default `process.env`); tests pass their own. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Parses `STUDY_OVERRIDES`; it must be a JSON object. */
export function parseOverridesJson(text: string, source = 'STUDY_OVERRIDES'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source}: not valid JSON (${(e as Error).message}); expected an object such as {"seeds": [0, 1]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${source}: ${text} is not allowed; expected a JSON object such as {"seeds": [0, 1]}`);
  }
  rejectUnsafeKeys(value, source);
  return value as Record<string, unknown>;
}

/** Keys that would reach an object's prototype when merged: rejected anywhere in an overrides object. */
const UNSAFE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

function rejectUnsafeKeys(value: unknown, where: string): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => rejectUnsafeKeys(v, `${where}[${i}]`));
    return;
  }
  for (const key of Object.keys(value)) {
    if (UNSAFE_KEYS.includes(key)) throw new ConfigError(`${where}.${key}: key '${key}' is not allowed; expected parameter names (not ${UNSAFE_KEYS.join(', ')})`);
    rejectUnsafeKeys((value as Record<string, unknown>)[key], `${where}.${key}`);
  }
}

/**
 * Resolves `schema` under the requested preset and overrides. Keys typed in the cell must belong
 * to `schema`; keys from `STUDY_OVERRIDES` may also belong to another notebook's schema (one
 * overrides object serves a whole headless run) and are then ignored here.
 */
export function resolveParams<S extends ParamSchema>(schema: S, req: ParamsRequest = {}): ParamsOf<S> {
  return withParameterErrors(() => resolveParamsOrThrow(schema, req)); // one line in a notebook, no kernel stack trace
}

function resolveParamsOrThrow<S extends ParamSchema>(schema: S, req: ParamsRequest): ParamsOf<S> {
  const env = req.env ?? process.env;
  const preset: PresetName = oneOf('preset', env.STUDY_PRESET || req.preset || 'laptop', PRESET_NAMES);
  const known = Object.keys(schema);
  const cell = req.overrides ?? {};
  for (const key of Object.keys(cell)) {
    if (!(key in schema)) throw new ConfigError(`${key}: unknown parameter; expected one of ${known.join(', ')}`);
  }
  const fromEnv = env.STUDY_OVERRIDES ? parseOverridesJson(env.STUDY_OVERRIDES) : {};
  const anywhere = new Set(Object.values(NOTEBOOK_SCHEMAS).flatMap((s) => Object.keys(s)));
  for (const key of Object.keys(fromEnv)) {
    if (!(key in schema) && !anywhere.has(key)) {
      throw new ConfigError(`STUDY_OVERRIDES.${key}: unknown parameter; expected one of ${[...anywhere].sort().join(', ')}`);
    }
  }
  const out: Record<string, unknown> = { preset };
  for (const key of known) {
    const spec = schema[key];
    const value = key in fromEnv ? fromEnv[key] : key in cell ? cell[key] : spec[preset];
    out[key] = spec.check(key, value);
  }
  return Object.freeze(out) as ParamsOf<S>;
}

/**
 * A compact table of the resolved parameters with their docs, for the notebook's parameters cell.
 * A value that differs from the preset's is marked in the `set by` column: `override (preset: <value>)`.
 */
export function describeParams<S extends ParamSchema>(schema: S, params: ParamsOf<S>): { key: string; value: string; 'set by': string; doc: string }[] {
  const preset = params.preset as PresetName;
  return [
    { key: 'preset', value: params.preset, 'set by': '', doc: 'scale preset: smoke (CI, seconds), laptop (default, ~2 h on 2 cores), paper (study sizes, GPU)' },
    ...Object.keys(schema).map((key) => {
      const value = JSON.stringify((params as Record<string, unknown>)[key]);
      const presetValue = JSON.stringify(schema[key].check(key, schema[key][preset])); // as checked, so a normalised value compares equal
      return { key, value, 'set by': value === presetValue ? 'preset' : `override (preset: ${presetValue})`, doc: schema[key].doc };
    }),
  ];
}
