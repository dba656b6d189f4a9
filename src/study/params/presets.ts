/**
 * Scale presets and the parameter schemas of the notebooks.
 * `smoke`: each notebook in seconds (CI); `laptop` (default): the whole study on a 2-core CPU in
 * about 2 hours; `paper`: the study's own sizes (docs/study.md), for a GPU machine.
 * A schema lists, per parameter, one doc line, its value under each preset and its check.
 */
import { ConfigError, checkInt, checkRange, oneOf } from '../../util/assert';

export const PRESET_NAMES = ['smoke', 'laptop', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** One parameter: what it means, its value under each preset, and how a user value is checked. */
export interface ParamSpec<T> {
  /** One line: meaning, unit, and where the paper's value comes from. */
  readonly doc: string;
  readonly smoke: T;
  readonly laptop: T;
  readonly paper: T;
  /** Returns the checked value or throws a one-line ConfigError naming `field`. */
  readonly check: (field: string, value: unknown) => T;
}

/**
 * A schema: parameters grouped by the step and the configuration object that reads them. A group's
 * keys are the field names of that object, so a parameter has one name from the parameters cell
 * (`{ rl: { ppo: { learningRate: 1e-3 } } }`) to the configuration a run records
 * (`config.ppo.learningRate`). Leaves are {@link ParamSpec}s; a group is a plain object of either.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ParamSchema = { readonly [key: string]: ParamSpec<any> | ParamSchema };

/** The resolved values of a schema (or of one of its groups), shaped as the schema. */
export type ParamValues<S extends ParamSchema> = {
  readonly [K in keyof S]: S[K] extends ParamSpec<infer T> ? T : S[K] extends ParamSchema ? ParamValues<S[K]> : never;
};

/** The resolved parameters of a schema, plus the preset they came from. */
export type ParamsOf<S extends ParamSchema> = ParamValues<S> & { readonly preset: PresetName };

/** Whether a schema node is a parameter (a doc line and a check) rather than a group. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function isParamSpec(node: unknown): node is ParamSpec<any> {
  return typeof node === 'object' && node !== null && typeof (node as { check?: unknown }).check === 'function' && typeof (node as { doc?: unknown }).doc === 'string';
}

/** Every parameter of a schema with its dotted path (`rl.ppo.learningRate`), in schema order. */
export function schemaLeaves(schema: ParamSchema, prefix = ''): { path: string; spec: ParamSpec<unknown> }[] {
  return Object.entries(schema).flatMap(([key, node]) => (isParamSpec(node) ? [{ path: prefix + key, spec: node }] : schemaLeaves(node, `${prefix}${key}.`)));
}

/** The value at a dotted path of a nested object (undefined when any step is missing). */
export function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** Whether a nested object holds a value at a dotted path. */
export function hasValueAt(obj: unknown, path: string): boolean {
  const keys = path.split('.');
  let o: unknown = obj;
  for (const k of keys) {
    if (o === null || typeof o !== 'object' || Array.isArray(o) || !Object.prototype.hasOwnProperty.call(o, k)) return false;
    o = (o as Record<string, unknown>)[k];
  }
  return true;
}

const isGroup = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Two (nested) overrides objects as one: `b`'s values win, groups merged key by key. */
export function mergeOverrides(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = isGroup(out[key]) && isGroup(value) ? mergeOverrides(out[key] as Record<string, unknown>, value) : value;
  return out;
}

/** `overrides` with `value` at a dotted path (groups on the way copied, not changed). */
export function withOverride(overrides: Readonly<Record<string, unknown>>, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split('.');
  if (rest.length === 0) return { ...overrides, [key]: value };
  const inner = overrides[key];
  const group = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  return { ...overrides, [key]: withOverride(group, rest.join('.'), value) };
}

/**
 * The part of a (nested) overrides object that `schema` knows: keys of other notebooks' schemas are
 * dropped at every level (one overrides object serves every step of a grid).
 */
export function ownOverrides(schema: ParamSchema, overrides: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const node = schema[key];
    if (node === undefined) continue;
    if (isParamSpec(node) || value === null || typeof value !== 'object' || Array.isArray(value)) {
      out[key] = value;
      continue;
    }
    const inner = ownOverrides(node, value as Record<string, unknown>);
    if (Object.keys(inner).length > 0) out[key] = inner;
  }
  return out;
}

// ---- checks -------------------------------------------------------------------------------

/** Integer in [lo, hi]. */
export const int = (lo: number, hi = Number.MAX_SAFE_INTEGER) => (f: string, v: unknown) => checkInt(f, v, lo, hi);
/** Finite number in [lo, hi]. */
export const num = (lo: number, hi: number) => (f: string, v: unknown) => checkRange(f, v, lo, hi);
/** One of the listed values. */
export const choice = <T extends string | number>(allowed: readonly T[]) => (f: string, v: unknown) => oneOf(f, v, allowed);
/** Boolean. */
export const bool = () => (f: string, v: unknown): boolean => {
  if (typeof v !== 'boolean') throw new ConfigError(`${f}: ${JSON.stringify(v)} is not allowed; expected true or false`);
  return v;
};
/** Non-empty array whose items pass `item` (checked as `field[i]`), without duplicates. */
export const list =
  <T>(item: (f: string, v: unknown) => T, minLength = 1) =>
  (f: string, v: unknown): readonly T[] => {
    if (!Array.isArray(v)) throw new ConfigError(`${f}: ${JSON.stringify(v)} is not a list; expected a list of at least ${minLength} item(s)`);
    if (v.length < minLength) throw new ConfigError(`${f}: has ${v.length} item(s); expected at least ${minLength}`);
    const out = v.map((x, i) => item(`${f}[${i}]`, x));
    const dup = out.find((x, i) => out.indexOf(x) !== i);
    if (dup !== undefined) throw new ConfigError(`${f}: ${JSON.stringify(dup)} appears twice; expected distinct items`);
    return out;
  };

// ---- schemas ------------------------------------------------------------------------------

/** Worker processes of a notebook's grid: a count, or 'auto' (one single-threaded worker per core). */
export type JobsValue = number | 'auto';

/** `jobs`: an integer >= 1 or 'auto'. */
export const jobs = () => (f: string, v: unknown): JobsValue => (v === 'auto' ? 'auto' : checkInt(f, v, 1, 1024));

/**
 * The `jobs` parameter of the notebooks that run a grid (02, 03, 04, 06, 07, 08): how many worker
 * processes compute the runs the store lacks (src/grid/notebook_grid.ts).
 */
export const GRID_JOBS_PARAMS = {
  jobs: {
    doc: "worker processes for this notebook's grid: 1 computes in the kernel; N or 'auto' (cores / 1 thread) first computes the runs the store lacks in N processes, as `cli.ts grid run <step> --jobs N`, with one progress line per worker (same results either way; the paper's runs were separate jobs, see `grid slurm`)",
    smoke: 1 as JobsValue,
    laptop: 1 as JobsValue,
    paper: 1 as JobsValue,
    check: jobs(),
  },
} satisfies ParamSchema;

/** The rates of the synthetic RL study (docs/study.md): share of s-only examples in training. */
export const TOY_RATES_PAPER = [0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5] as const;

/**
 * The synthetic data (group `toyData` of notebooks 01-04): which tasks and rates notebook 01
 * writes, and the sizes and seed every toy run's data is built with. Names are the fields of
 * `ToyDataConfig` (src/study/data/toy.ts), which every toy run records as its `data`.
 */
export const TOY_DATA_PARAMS = {
  tasks: {
    doc: 'toy task ids: 1 contains-1, 2 first-last, 3 prefix-duplicate, 4 contains-first, 5 adjacent-duplicate (paper: 1, 2, 3, 5)',
    smoke: [1, 2, 3, 4, 5],
    laptop: [1, 2, 3, 4, 5],
    paper: [1, 2, 3, 5],
    check: list(choice([1, 2, 3, 4, 5])),
  },
  rates: {
    doc: 's-only rate p of the training sets (paper: 0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5)',
    smoke: [0, 0.01, 0.1, 0.5],
    laptop: [...TOY_RATES_PAPER],
    paper: [...TOY_RATES_PAPER],
    check: list(num(0, 1)),
  },
  seed: {
    doc: 'seed of the data generator (one seeded PRNG; same seed gives byte-identical files)',
    smoke: 0,
    laptop: 0,
    paper: 0,
    check: int(0),
  },
  vocab: {
    doc: 'vocabulary size V: symbols 0..V-1 (RL study: 10 digits; Lovering: 50,000)',
    smoke: 10,
    laptop: 10,
    paper: 10,
    check: int(2, 100000),
  },
  length: {
    doc: 'sequence length L in tokens (paper: 10)',
    smoke: 10,
    laptop: 10,
    paper: 10,
    check: int(2, 512),
  },
  trainSize: {
    doc: 'examples per training set, for each rate (paper: 200,000)',
    smoke: 1000,
    laptop: 20000,
    paper: 200000,
    check: int(1),
  },
  testSize: {
    doc: 'held-out examples per partition (paper: 5,000 both/neither, 1,000 s-only, 1,000 t-only)',
    smoke: 100,
    laptop: 1000,
    paper: 5000,
    check: int(1),
  },
  probeSize: {
    doc: 'examples per probing set, half per class (s probe: s-only vs neither; t probe: both vs s-only)',
    smoke: 500,
    laptop: 4000,
    paper: 200000,
    check: int(2),
  },
} satisfies ParamSchema;

/** Notebook 01: the synthetic tasks. */
export const SYNTHETIC_TASKS_PARAMS = {
  toyData: TOY_DATA_PARAMS,
  examplesPerPartition: {
    doc: 'examples shown per task and partition in the table',
    smoke: 2,
    laptop: 3,
    paper: 3,
    check: int(1, 50),
  },
} satisfies ParamSchema;
