/**
 * Notebook parameters: a preset plus overrides, checked once, at the top of every notebook.
 * Headless runs set `STUDY_PRESET` (smoke | laptop | paper) and `STUDY_OVERRIDES` (a JSON object);
 * those win over the values typed in the parameters cell. Unknown keys and bad values stop the
 * notebook with one line that names the key and the allowed values.
 */
import { ConfigError, oneOf } from '../../util/assert';
import { NOTEBOOK_SCHEMAS } from '../notebook_schemas';
import { withParameterErrors } from './parameter_error';
import { PRESET_NAMES, hasValueAt, isParamSpec, schemaLeaves, valueAt, type ParamSchema, type ParamsOf, type PresetName } from './presets';

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
    throw new ConfigError(`${source}: not valid JSON (${(e as Error).message}); expected an object such as {"toyRl": {"seeds": [0, 1]}}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${source}: ${text} is not allowed; expected a JSON object such as {"toyRl": {"seeds": [0, 1]}}`);
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
 * Resolves `schema` under the requested preset and overrides. Overrides are shaped as the schema
 * (`{ rl: { ppo: { learningRate: 1e-3 } } }`) and merged parameter by parameter. Keys typed in the
 * cell must belong to `schema`; keys from `STUDY_OVERRIDES` may also belong to another notebook's
 * schema (one overrides object serves a whole headless run) and are then ignored here.
 */
export function resolveParams<S extends ParamSchema>(schema: S, req: ParamsRequest = {}): ParamsOf<S> {
  return withParameterErrors(() => resolveParamsOrThrow(schema, req)); // one line in a notebook, no kernel stack trace
}

/** Throws naming the first key of `overrides` that is not a parameter (or group) of `schema`. */
function checkKnownKeys(schema: ParamSchema, overrides: unknown, where: string, known: (path: string) => boolean = () => false): void {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new ConfigError(`${where || 'overrides'}: ${JSON.stringify(overrides)} is not allowed; expected an object with keys ${Object.keys(schema).join(', ')}`);
  }
  for (const [key, value] of Object.entries(overrides)) {
    const path = where ? `${where}.${key}` : key;
    const node = schema[key];
    if (node === undefined) {
      if (known(path)) continue;
      throw new ConfigError(`${path}: unknown parameter; expected one of ${Object.keys(schema).join(', ')}`);
    }
    if (!isParamSpec(node)) checkKnownKeys(node, value, path, known);
  }
}

/** Every dotted path (parameters and groups) of every notebook's schema. */
function studyPaths(): Set<string> {
  const paths = new Set<string>();
  for (const schema of Object.values(NOTEBOOK_SCHEMAS)) {
    for (const { path } of schemaLeaves(schema)) {
      const parts = path.split('.');
      parts.forEach((_, i) => paths.add(parts.slice(0, i + 1).join('.')));
    }
  }
  return paths;
}

function resolveParamsOrThrow<S extends ParamSchema>(schema: S, req: ParamsRequest): ParamsOf<S> {
  const env = req.env ?? process.env;
  const preset: PresetName = oneOf('preset', env.STUDY_PRESET || req.preset || 'laptop', PRESET_NAMES);
  const cell = req.overrides ?? {};
  checkKnownKeys(schema, cell, '');
  const fromEnv = env.STUDY_OVERRIDES ? parseOverridesJson(env.STUDY_OVERRIDES) : {};
  if (Object.keys(fromEnv).length > 0) {
    const anywhere = studyPaths();
    try {
      checkKnownKeys(schema, fromEnv, '', (path) => anywhere.has(path));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const top = [...anywhere].filter((p) => !p.includes('.')).sort();
      throw new ConfigError(`STUDY_OVERRIDES.${e.message.replace(/expected one of .*$/, `expected one of ${top.join(', ')} (or their parameters)`)}`);
    }
  }
  const out: Record<string, unknown> = { preset };
  for (const { path, spec } of schemaLeaves(schema)) {
    const value = hasValueAt(fromEnv, path) ? valueAt(fromEnv, path) : hasValueAt(cell, path) ? valueAt(cell, path) : spec[preset];
    setAt(out, path, spec.check(path, value));
  }
  return deepFreeze(out) as ParamsOf<S>;
}

/** Sets the value at a dotted path, creating groups on the way. */
function setAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * A compact table of the resolved parameters with their docs, for the notebook's parameters cell;
 * a parameter's key is its dotted path. A value that differs from the preset's is marked in the
 * `set by` column: `override (preset: <value>)`.
 */
export function describeParams<S extends ParamSchema>(schema: S, params: ParamsOf<S>): { key: string; value: string; 'set by': string; doc: string }[] {
  const preset = params.preset as PresetName;
  return [
    { key: 'preset', value: params.preset, 'set by': '', doc: 'scale preset: smoke (CI, seconds), laptop (default, ~2 h on 2 cores), paper (study sizes, GPU)' },
    ...schemaLeaves(schema).map(({ path, spec }) => {
      const value = JSON.stringify(valueAt(params, path));
      const presetValue = JSON.stringify(spec.check(path, spec[preset])); // as checked, so a normalised value compares equal
      return { key: path, value, 'set by': value === presetValue ? 'preset' : `override (preset: ${presetValue})`, doc: spec.doc };
    }),
  ];
}
