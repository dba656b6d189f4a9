/**
 * Runs the cells of a grid in N worker processes on one machine. Each worker runs one cell at a
 * time as its own process (`node --import tsx src/cli.ts ...argv`, measured faster to start than
 * `npx tsx`: ~1.1 s against ~2.1 s on the 2-core build machine) with TensorFlow's thread pools
 * sized so that N workers together use the cores once. A failed cell is reported with the tail of
 * its stderr and does not stop the others; SIGINT/SIGTERM kill every worker's process group.
 */
import { PINNED_NUMERICS } from '../backend';
import type { JobsValue } from '../study/params/presets';
import { spawn, type ChildProcess } from 'child_process';
import * as os from 'os';
import type { GridCellCommand } from './cells';
import { ConfigError } from '../util/assert';

/** `--jobs`: a number of workers, or `auto` = max(1, floor(cores / threadsPerWorker)). */
/** The notebooks' `jobs` parameter's type (one definition, in the parameter layer). */
export type JobsSetting = JobsValue;

/** Parses the text of `--jobs` (`4`, `auto`); throws one line naming the flag otherwise. */
export function parseJobs(text: string | undefined, field = 'jobs'): JobsSetting {
  if (text === 'auto') return 'auto';
  if (text !== undefined && /^[0-9]+$/.test(text) && Number(text) >= 1 && Number(text) <= 4096) return Number(text);
  throw new ConfigError(`${field}: ${JSON.stringify(text ?? null)} is not allowed; expected an integer in [1, 4096] or 'auto'`);
}

/** Parses a positive integer flag such as `--threads-per-worker 2`; throws one line otherwise. */
export function parsePositiveInt(text: string | undefined, field: string): number {
  if (text !== undefined && /^[0-9]+$/.test(text) && Number(text) >= 1 && Number(text) <= 4096) return Number(text);
  throw new ConfigError(`${field}: ${JSON.stringify(text ?? null)} is not allowed; expected an integer in [1, 4096]`);
}

/** Number of workers for `jobs` on `cores` cores: `auto` = max(1, floor(cores / threadsPerWorker)). */
export function resolveJobs(jobs: JobsSetting, cores: number, threadsPerWorker: number): number {
  return jobs === 'auto' ? Math.max(1, Math.floor(cores / threadsPerWorker)) : jobs;
}

/**
 * Threads per worker when `--threads-per-worker` is not given: the pinned numerics' one intra-op
 * thread (`PINNED_NUMERICS` in backend.ts) whatever `jobs` and `cores`, so a cell gives the same
 * bytes with `--jobs 1`, `--jobs 2`, `auto`, in a notebook and on Slurm; the cores are used by
 * running more workers. (Until 2026-12-06 it was cores / jobs: `--jobs 1` ran 2 threads on 2 cores
 * and rounded differently from `--jobs 2`.)
 */
export function defaultThreadsPerWorker(_jobs: JobsSetting, _cores: number): number {
  return PINNED_NUMERICS.intraOpThreads;
}

/**
 * Environment that caps one process at `threads` cores. TensorFlow's C library reads the two
 * TF_* variables when it builds its thread pools (`process_util.cc`); OMP_NUM_THREADS caps
 * oneDNN. Eager ops run one at a time, so the inter-op pool needs no more than one thread.
 */
export function threadEnv(threads: number): Record<string, string> {
  return {
    TF_NUM_INTRAOP_THREADS: String(threads),
    TF_NUM_INTEROP_THREADS: '1',
    OMP_NUM_THREADS: String(threads),
  };
}

/** The program and arguments that compute one cell. */
export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
}

/** How the CLI runs a cell: this Node with tsx loaded, `src/cli.ts`, then the cell's argv. */
export function cliSpawnSpec(cell: GridCellCommand): SpawnSpec {
  return { command: process.execPath, args: ['--import', 'tsx', 'src/cli.ts', ...cell.argv] };
}

/** What one worker does right now. */
export interface WorkerState {
  readonly worker: number;
  /** Key of the cell it runs, or undefined when idle (finished, or no cells left). */
  readonly key?: string;
  /** `Date.now()` when its current cell started. */
  readonly startedMs?: number;
}

/** A cell that exited with a non-zero code or a signal. */
export interface CellFailure {
  readonly key: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Last lines of its stderr (at most `stderrTailLines`). */
  readonly stderrTail: string;
}

/** Progress after every start and finish of a cell. */
export interface PoolProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly workers: readonly WorkerState[];
  /** What just happened: `start`, `done` or `failed` of `key` (with its wall time once finished). */
  readonly event: { readonly kind: 'start' | 'done' | 'failed'; readonly key: string; readonly wallMs?: number; readonly failure?: CellFailure };
}

export interface PoolOptions {
  /** Number of worker processes at once (>= 1); capped at the number of cells. */
  readonly jobs: number;
  /** Threads each worker's TensorFlow may use (env from `threadEnv`). */
  readonly threadsPerWorker: number;
  /** Working directory of the workers (the repository root). */
  readonly cwd: string;
  /** How a cell becomes a process (default `cliSpawnSpec`). */
  readonly spawnSpec?: (cell: GridCellCommand) => SpawnSpec;
  /** Extra environment on top of `process.env` and the thread variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly onProgress?: (p: PoolProgress) => void;
  /** Lines of stderr kept for a failed cell (default 20). */
  readonly stderrTailLines?: number;
  /** Kills the workers when aborted (the pool also listens to SIGINT and SIGTERM). */
  readonly signal?: AbortSignal;
}

export interface PoolResult {
  readonly done: readonly string[];
  readonly failures: readonly CellFailure[];
  /** Cells never started because the pool was interrupted. */
  readonly notStarted: readonly string[];
  /** The signal (or `abort`) that stopped the pool, if any. */
  readonly interrupted?: string;
  readonly wallMs: number;
  /** Wall time of each finished or failed cell's process, by key. */
  readonly cellWallMs: Readonly<Record<string, number>>;
}

/** Last `n` lines of `text` (without a trailing empty line). */
export function tailLines(text: string, n: number): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n).join('\n');
}

/** Kills the process group of `child` (workers are spawned detached, so each leads its own group). */
function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // the group is already gone
  }
}

/**
 * Runs `cells` in `opts.jobs` workers and resolves when all finished (or the pool was
 * interrupted). Never rejects because a cell failed: failures are in the result.
 */
export function runCells(cells: readonly GridCellCommand[], opts: PoolOptions): Promise<PoolResult> {
  const t0 = Date.now();
  const jobs = Math.max(1, Math.min(opts.jobs, cells.length));
  const spec = opts.spawnSpec ?? cliSpawnSpec;
  const keepLines = opts.stderrTailLines ?? 20;
  const env = { ...process.env, ...threadEnv(opts.threadsPerWorker), ...(opts.env ?? {}) };
  const workers: WorkerState[] = Array.from({ length: jobs }, (_, worker) => ({ worker }));
  const running = new Map<number, ChildProcess>();
  const done: string[] = [];
  const failures: CellFailure[] = [];
  const cellWallMs: Record<string, number> = {};
  let next = 0;
  let interrupted: string | undefined;

  return new Promise<PoolResult>((resolve) => {
    const stop = (why: string): void => {
      if (interrupted) return;
      interrupted = why;
      for (const child of running.values()) killGroup(child, 'SIGTERM');
      // A worker that ignores SIGTERM is killed outright after 5 s.
      setTimeout(() => running.forEach((child) => killGroup(child, 'SIGKILL')), 5000).unref();
    };
    const onSigint = (): void => stop('SIGINT');
    const onSigterm = (): void => stop('SIGTERM');
    const onAbort = (): void => stop('abort');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) stop('abort');

    const report = (event: PoolProgress['event']): void =>
      opts.onProgress?.({ total: cells.length, done: done.length, failed: failures.length, workers: workers.slice(), event });

    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({
        done, failures, interrupted, cellWallMs,
        notStarted: cells.slice(next).map((c) => c.key),
        wallMs: Date.now() - t0,
      });
    };

    const startNext = (worker: number): void => {
      if (interrupted || next >= cells.length) {
        workers[worker] = { worker };
        if (running.size === 0) finish();
        return;
      }
      const cell = cells[next++];
      const { command, args } = spec(cell);
      const startedMs = Date.now();
      workers[worker] = { worker, key: cell.key, startedMs };
      let stderr = '';
      const child = spawn(command, [...args], { cwd: opts.cwd, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      running.set(worker, child);
      child.stderr?.on('data', (chunk: Buffer) => {
        // keep a bounded tail: a chatty cell must not grow memory without limit
        stderr = (stderr + chunk.toString('utf8')).slice(-64 * 1024);
      });
      report({ kind: 'start', key: cell.key });
      let settled = false;
      const settle = (exitCode: number | null, signal: string | null, spawnError?: Error): void => {
        if (settled) return;
        settled = true;
        running.delete(worker);
        const wallMs = Date.now() - startedMs;
        cellWallMs[cell.key] = wallMs;
        workers[worker] = { worker };
        if (exitCode === 0 && !spawnError) {
          done.push(cell.key);
          report({ kind: 'done', key: cell.key, wallMs });
        } else {
          const failure: CellFailure = {
            key: cell.key, exitCode, signal,
            stderrTail: spawnError ? `cannot start ${command}: ${spawnError.message}` : tailLines(stderr, keepLines),
          };
          failures.push(failure);
          report({ kind: 'failed', key: cell.key, wallMs, failure });
        }
        startNext(worker);
      };
      child.on('error', (e) => settle(null, null, e));
      child.on('close', (code, sig) => settle(code, sig));
    };

    if (cells.length === 0) return finish();
    for (let w = 0; w < jobs; w++) startNext(w);
  });
}

/** Cores of this machine (what `auto` divides). */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}
