/**
 * The run store: one verified JSON file per finished run beside its per-step log, and the one
 * place that decides whether a run is reused or computed. Every CLI command and notebook grid goes
 * through `runOrReuse` / `runGrid` / `loadRuns`.
 *
 * Content-addressed: a run's file is `<key>--<hash12>.json`, where hash12 is the first 12 hex
 * digits of sha256 over the canonical JSON of its full configuration and its identity (run kind,
 * the kind's algorithm version, tensor backend). Runs of different configurations coexist, so an
 * ablation never evicts the baseline. Verified: a file records a schema version and a content hash
 * (sha256 of the canonical JSON of identity + config + result); a file failing either, or lacking a
 * field, is reported in one line and recomputed, never used. One writer per run: a lock file per
 * run (`run_lock.ts`); the step log of each attempt goes to a temporary file renamed into place
 * with the result. Results are written atomically, so an interrupted grid resumes where it stopped.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../util/assert';
import { canonicalJson, sha256Hex } from './manifest';
import { writeJsonAtomic } from './atomic_write';
import { acquireLock, isLockHeld } from './run_lock';
import { algorithmVersion } from './run_versions';
import { currentNumericsTag } from '../backend';

/** Version of the result-file layout below; files of another version are recomputed. */
export const RUN_SCHEMA_VERSION = 2;

/** What, besides its configuration, decides a run's numbers. */
export interface RunIdentity {
  /** Run kind: the store's folder name (`toy_rl`, `language_mdl`, ...). */
  readonly kind: string;
  /** The kind's algorithm version (`run_versions.ts`). */
  readonly algorithmVersion: number;
  /** Tensor backend the run is computed on (`tensorflow`, `wasm`, `cpu`); numbers differ at ~1e-7. */
  readonly backend: string;
  /** Present only when the native backend ran with other numerics than the pinned ones (`numericsTag` in backend.ts, e.g. `intraop2`). */
  readonly numerics?: string;
}

/** What a result file holds: the run's configuration, its result, and bookkeeping. */
export interface StoredResult<C, R> {
  /** The configuration the run was asked for (compared on reuse). */
  readonly config: C;
  readonly result: R;
  /** ISO time the run finished. */
  readonly finishedAt: string;
  /** Wall time of the run in milliseconds. */
  readonly wallMs: number;
}

/** The result file on disk (schema version 2). */
export interface ResultFile<C, R> extends StoredResult<C, R> {
  readonly schemaVersion: number;
  readonly key: string;
  readonly run: RunIdentity;
  /** sha256 of `canonicalJson({ run, config, result })`. */
  readonly contentHash: string;
}

/** One run of a grid: its key in the store and its full configuration. */
export interface GridCell<C> {
  /** Logical key in the store, e.g. `task1/rate0.01/seed3` (the file adds `--<hash12>`). */
  readonly key: string;
  /** The full configuration of the run (recorded with the result and compared on reuse). */
  readonly config: C;
}

/** A run as the store returns it. */
export interface GridResult<C, R> extends StoredResult<C, R> {
  readonly key: string;
  /** True when the result came from an earlier run. */
  readonly reused: boolean;
}

/** What a computation receives besides its cell: where to append its per-step log. */
export interface RunContext {
  /** A fresh file for this attempt's step log; renamed to the run's `.steps.jsonl` with its result. */
  readonly stepLogFile: string;
}

/** Progress of a grid, for a notebook display or CLI lines. */
export interface GridProgress<C, R> {
  readonly done: number;
  readonly total: number;
  readonly reused: number;
  /** The cell that just finished (or was reused). */
  readonly cell: GridCell<C>;
  readonly result: R;
}

/** Options of a store. */
export interface RunStoreOptions {
  /** Run kind (default: the folder's name). */
  readonly kind?: string;
  /** Tensor backend of the runs computed here (default: the active tfjs backend, read when needed). */
  readonly backend?: () => string;
  /** Numerics tag of the runs computed here (default: `currentNumericsTag()`, undefined under the pinned numerics). */
  readonly numerics?: () => string | undefined;
  /** Where one-line notices go (a rejected result file, a busy lock); default stderr. */
  readonly onNotice?: (line: string) => void;
  /** Lock polling interval in ms (default 250). */
  readonly lockPollMs?: number;
}

/** One result file found in a store folder. */
export interface StoreEntry {
  /** Logical key (`task1/rate0/seed3`). */
  readonly key: string;
  /** The file's 12-digit configuration hash, or undefined for a file without one (older layout). */
  readonly hash?: string;
  /** Absolute path of the result file. */
  readonly file: string;
}

const KEY = /^[A-Za-z0-9._=+-]+(\/[A-Za-z0-9._=+-]+)*$/;
const HASHED = /^(.*)--([0-9a-f]{12})\.json$/;
const STEP_LOG_SUFFIX = '.steps.jsonl';
const FAILED_STEP_LOG_SUFFIX = '.failed.steps.jsonl';
const REQUIRED_FIELDS = ['schemaVersion', 'key', 'run', 'config', 'result', 'finishedAt', 'wallMs', 'contentHash'] as const;

/** Round-trips `value` through JSON, so hashes computed before writing equal those after reading. */
const jsonValue = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

/** The 12-digit hash of a run's identity and configuration: the `--<hash12>` of its file name. */
export function configHash(run: RunIdentity, config: unknown): string {
  return sha256Hex(canonicalJson(jsonValue({ run, config }))).slice(0, 12);
}

/** sha256 of the canonical JSON of a run's identity, configuration and result. */
export function contentHash(run: RunIdentity, config: unknown, result: unknown): string {
  return sha256Hex(canonicalJson(jsonValue({ run, config, result })));
}

/** Why `value` (parsed from a result file) cannot be used for `key`/`run`/`config`, or undefined when it can. */
export function resultFileProblem(value: unknown, run: RunIdentity, config: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (v.schemaVersion !== RUN_SCHEMA_VERSION) return `schema version ${JSON.stringify(v.schemaVersion ?? null)}, expected ${RUN_SCHEMA_VERSION}`;
  const absent = REQUIRED_FIELDS.filter((f) => v[f] === undefined);
  if (absent.length > 0) return `missing field${absent.length > 1 ? 's' : ''} ${absent.join(', ')}`;
  if (canonicalJson(v.run) !== canonicalJson(run)) return `run identity ${canonicalJson(v.run)} differs from ${canonicalJson(run)}`;
  if (canonicalJson(v.config) !== canonicalJson(jsonValue(config))) return 'recorded configuration differs from the one its name hashes';
  if (v.contentHash !== contentHash(run, v.config, v.result)) return 'content hash does not match (edited or corrupted)';
  return undefined;
}

/** A folder of runs, one result file per key and configuration (`/` in a key makes sub-folders). */
export class RunStore {
  readonly kind: string;
  private readonly opts: RunStoreOptions;

  constructor(readonly dir: string, opts: RunStoreOptions = {}) {
    this.opts = opts;
    this.kind = opts.kind ?? path.basename(path.resolve(dir));
  }

  /** The identity of runs computed by this process in this store (kind, algorithm version, backend, and numerics when not the pinned ones). */
  identity(): RunIdentity {
    const numerics = this.opts.numerics ? this.opts.numerics() : currentNumericsTag();
    return { kind: this.kind, algorithmVersion: algorithmVersion(this.kind), backend: this.opts.backend ? this.opts.backend() : tf.getBackend(), ...(numerics ? { numerics } : {}) };
  }

  private notice(line: string): void {
    if (this.opts.onNotice) this.opts.onNotice(line);
    else process.stderr.write(line + '\n');
  }

  private checkKey(key: string): void {
    if (!KEY.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
      throw new Error(`key: '${key}' is not allowed; expected segments of letters, digits and ._=+- separated by /`);
    }
  }

  /**
   * The result file of `key` for `config` (`<key>--<hash12>.json`). Without `config`: the newest
   * existing file of `key` (any configuration), else `<key>.json`.
   */
  file(key: string, config?: unknown): string {
    this.checkKey(key);
    if (config !== undefined) return path.join(this.dir, `${key}--${configHash(this.identity(), config)}.json`);
    const found = this.entries().filter((e) => e.key === key && e.hash !== undefined);
    if (found.length === 0) return path.join(this.dir, `${key}.json`);
    return found.map((e) => ({ file: e.file, t: fs.statSync(e.file).mtimeMs })).sort((a, b) => b.t - a.t)[0].file;
  }

  /** The per-step log of `key` for `config` (one JSON line of statistics per training step). */
  stepLogFile(key: string, config?: unknown): string {
    return this.file(key, config).replace(/\.json$/, STEP_LOG_SUFFIX);
  }

  /** The step log of the last failed attempt of `key` for `config` (no result was stored). */
  failedStepLogFile(key: string, config: unknown): string {
    return this.file(key, config).replace(/\.json$/, FAILED_STEP_LOG_SUFFIX);
  }

  /** The lock file of `key` for `config`. */
  lockFile(key: string, config: unknown): string {
    return this.file(key, config).replace(/\.json$/, '.lock');
  }

  /** True while a live process holds the lock of `key` for `config`. */
  isRunning(key: string, config: unknown): boolean {
    return isLockHeld(this.lockFile(key, config));
  }

  /**
   * The stored result of `key` for `config`, else undefined. A file that exists but fails its
   * schema, fields or hash is reported in one notice (path and reason) and treated as missing.
   */
  get<C, R>(key: string, config: C): StoredResult<C, R> | undefined {
    return this.read<C, R>(key, config, true);
  }

  private read<C, R>(key: string, config: C, notify: boolean): StoredResult<C, R> | undefined {
    const file = this.file(key, config);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (notify) this.notice(`${file}: not valid JSON (${(e as Error).message}); recomputing`);
      return undefined;
    }
    const problem = resultFileProblem(value, this.identity(), config);
    if (problem !== undefined) {
      if (notify) this.notice(`${file}: ${problem}; recomputing`);
      return undefined;
    }
    const v = value as ResultFile<C, R>;
    return { config: v.config, result: v.result, finishedAt: v.finishedAt, wallMs: v.wallMs };
  }

  /** Writes the result of `key` for `config` atomically, with its schema version and content hash. */
  put<C, R>(key: string, config: C, result: R, wallMs: number): StoredResult<C, R> {
    const run = this.identity();
    const stored: ResultFile<C, R> = {
      schemaVersion: RUN_SCHEMA_VERSION, key, run, config, result, finishedAt: new Date().toISOString(), wallMs,
      contentHash: contentHash(run, config, result),
    };
    writeJsonAtomic(this.file(key, config), stored);
    return { config, result, finishedAt: stored.finishedAt, wallMs };
  }

  /** Every result file in the store (sorted by key), hashed or not. */
  entries(): StoreEntry[] {
    const out: StoreEntry[] = [];
    const walk = (dir: string, prefix: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
        else if (entry.name.endsWith('.json')) {
          const m = HASHED.exec(entry.name);
          out.push(m ? { key: `${prefix}${m[1]}`, hash: m[2], file: full } : { key: `${prefix}${entry.name.slice(0, -5)}`, file: full });
        }
      }
    };
    walk(this.dir, '');
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.file < b.file ? -1 : 1));
  }

  /** Every key with a content-addressed result file in the store (sorted, each once). */
  keys(): string[] {
    return [...new Set(this.entries().filter((e) => e.hash !== undefined).map((e) => e.key))];
  }

  /**
   * The stored run of `cell` when it verifies (and `force` is not set), else the result of
   * `compute`, stored before it is returned. The run's lock is held while computing; a process
   * that finds the lock busy waits, then reuses what the holder stored. Each attempt writes its
   * step log afresh to a temporary file, renamed to the run's `.steps.jsonl` with the result.
   */
  async runOrReuse<C, R>(cell: GridCell<C>, compute: (ctx: RunContext) => Promise<R>, opts: { readonly force?: boolean } = {}): Promise<GridResult<C, R>> {
    if (!opts.force) {
      const stored = this.get<C, R>(cell.key, cell.config);
      if (stored) return { ...stored, key: cell.key, reused: true };
    }
    const file = this.file(cell.key, cell.config);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const release = await acquireLock(this.lockFile(cell.key, cell.config), {
      pollMs: this.opts.lockPollMs,
      onWait: (o) => this.notice(`${cell.key}: waiting for ${o ? `pid ${o.pid} on ${o.host}` : 'another process'} computing it (${path.relative(process.cwd(), file)})`),
    });
    const stepLog = this.stepLogFile(cell.key, cell.config);
    const tmpLog = `${stepLog}.tmp-${process.pid}-${Date.now()}`;
    try {
      if (!opts.force) {
        const stored = this.read<C, R>(cell.key, cell.config, false); // the holder we waited for may have stored it
        if (stored) return { ...stored, key: cell.key, reused: true };
      }
      const t0 = Date.now();
      const result = await compute({ stepLogFile: tmpLog });
      const wallMs = Date.now() - t0;
      if (fs.existsSync(tmpLog)) fs.renameSync(tmpLog, stepLog);
      else fs.rmSync(stepLog, { force: true }); // no log this attempt: drop an older attempt's
      return { ...this.put(cell.key, cell.config, result, wallMs), key: cell.key, reused: false };
    } catch (err) {
      // A failed attempt stores no result, but its steps so far are kept for diagnosis (the next
      // attempt starts its own log afresh).
      if (fs.existsSync(tmpLog)) fs.renameSync(tmpLog, this.failedStepLogFile(cell.key, cell.config));
      throw err;
    } finally {
      fs.rmSync(tmpLog, { force: true });
      release();
    }
  }

  /** The stored runs of `cells` (cell order) and the keys that have no verified result for their configuration. */
  loadExisting<C, R>(cells: readonly GridCell<C>[]): { runs: GridResult<C, R>[]; missing: string[] } {
    const runs: GridResult<C, R>[] = [];
    const missing: string[] = [];
    for (const cell of cells) {
      const stored = this.get<C, R>(cell.key, cell.config);
      if (stored) runs.push({ ...stored, key: cell.key, reused: true });
      else missing.push(cell.key);
    }
    return { runs, missing };
  }

  /**
   * The stored runs of exactly the cells' configurations; throws {@link missingRunsError} when any is missing.
   * `what` names the runs (`toy MDL results`), `producer` says what makes them (`notebook 02 with preset 'smoke'`).
   */
  loadRuns<C, R>(cells: readonly GridCell<C>[], what: string, producer: string): GridResult<C, R>[] {
    const { runs, missing } = this.loadExisting<C, R>(cells);
    if (missing.length > 0) throw missingRunsError(what, missing, cells.length, this.dir, producer);
    return runs;
  }
}

/** The one error for runs an analysis needs but the store lacks: counts, the first keys, and what makes them. */
export function missingRunsError(what: string, missing: readonly string[], total: number, dir: string, producer: string): ConfigError {
  return new ConfigError(
    `${what}: ${missing.length} of ${total} runs missing in ${dir} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}); expected them from ${producer} and the same parameters`,
  );
}

/**
 * Runs every cell not yet in `store` (sequentially, in order) and returns all results in cell
 * order. `run` receives the cell and its run context; `onProgress` is called after each cell.
 */
export async function runGrid<C, R>(
  cells: readonly GridCell<C>[],
  store: RunStore,
  run: (cell: GridCell<C>, ctx: RunContext) => Promise<R>,
  onProgress?: (p: GridProgress<C, R>) => void,
): Promise<GridResult<C, R>[]> {
  const keys = new Set<string>();
  for (const c of cells) {
    if (keys.has(c.key)) throw new Error(`runGrid: key '${c.key}' appears twice; every cell needs its own key`);
    keys.add(c.key);
  }
  const out: GridResult<C, R>[] = [];
  let reused = 0;
  for (const cell of cells) {
    const entry = await store.runOrReuse<C, R>(cell, (ctx) => run(cell, ctx));
    if (entry.reused) reused++;
    out.push(entry);
    onProgress?.({ done: out.length, total: cells.length, reused, cell, result: entry.result });
  }
  return out;
}

/** Progress of a grid counted in sub-steps (e.g. the blocks of MDL runs). */
export interface StepProgress {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

/**
 * {@link runGrid} whose runs report sub-steps (`stepsPerRun` each, e.g. an online code's blocks):
 * `run` receives a callback to call with the 0-based index of each finished step, and `onProgress`
 * sees one count over the whole grid, with a reused run counting all its steps at once.
 */
export function runSteppedGrid<C, R>(
  cells: readonly GridCell<C>[],
  store: RunStore,
  stepsPerRun: number,
  run: (cell: GridCell<C>, onStep: (index: number) => void) => Promise<R>,
  label: (config: C) => string,
  onProgress?: (p: StepProgress) => void,
): Promise<GridResult<C, R>[]> {
  const total = cells.length * stepsPerRun;
  let finished = 0; // runs finished or reused so far
  let reused = 0;
  return runGrid(
    cells,
    store,
    (cell) => {
      const base = finished * stepsPerRun;
      return run(cell, (index) => onProgress?.({ done: base + index + 1, total, label: `${label(cell.config)}: block ${index + 1}/${stepsPerRun}` }));
    },
    (p) => {
      const wasReused = p.reused > reused;
      finished = p.done;
      reused = p.reused;
      onProgress?.({ done: p.done * stepsPerRun, total, label: `${label(p.cell.config)}: ${wasReused ? 'reused' : 'done'}` });
    },
  );
}

/**
 * How many verified-layout result files (`<key>--<hash12>.json`) under `root` were written at or
 * after `sinceMs` (epoch ms): the runs a session finished, for the runner's interrupt line.
 */
export function countResultFilesSince(root: string, sinceMs: number): number {
  let n = 0;
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // missing or unreadable: nothing finished there
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (HASHED.test(entry.name) && fs.statSync(full).mtimeMs >= sinceMs) n++;
    }
  };
  walk(root);
  return n;
}
