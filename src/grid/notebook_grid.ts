/**
 * A notebook's `jobs` parameter. Before a notebook's own grid call, the cells of its step that the
 * result store lacks run in `jobs` worker processes (what `cli.ts grid run <step> --jobs N` does),
 * shown in the notebook's progress display with one line per worker; the notebook's grid call then
 * finds every run in the store. With `jobs` = 1 nothing happens here and the notebook computes in
 * its own process, as before. Both paths store byte-identical results (test/grid/grid_e2e.test.ts).
 */
import { repoRoot } from '../io/paths';
import { ConfigError } from '../util/assert';
import { STEP_CELLS } from '../study/cells';
import type { ProgressCallback } from '../viz/progress_display';
import { formatDuration } from '../viz/progress_display';
import { studyGridDeps } from './study_steps';
import { coreCount, defaultThreadsPerWorker, resolveJobs, runCells, type JobsSetting, type PoolProgress, type PoolResult, type SpawnSpec } from './worker_pool';
import type { GridCellCommand } from './cells';

/** What the workers did. */
export interface WorkerGridSummary {
  readonly step: string;
  /** Worker processes used (0: `jobs` = 1, the notebook computes in process). */
  readonly workers: number;
  readonly threadsPerWorker: number;
  /** Cells of the step, and of them those already in the store before the workers started. */
  readonly cells: number;
  readonly alreadyStored: number;
  /** Cells the workers computed. */
  readonly computed: number;
  readonly wallMs: number;
}

export interface WorkerGridOptions {
  /** Cores shared out (default: this machine's). */
  readonly cores?: number;
  /** Repository root the workers run in (default `repoRoot()`). */
  readonly cwd?: string;
  /** How a cell becomes a process (tests); default the CLI. */
  readonly spawnSpec?: (cell: GridCellCommand) => SpawnSpec;
  /** Heartbeat of the progress display while cells run, in ms (default 2,000). */
  readonly heartbeatMs?: number;
}

/** The notebook's resolved parameters as the overrides of a `grid` command: everything but `preset` and `jobs`. */
export function gridOverridesOf(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'preset' && k !== 'jobs'));
}

/** `worker 1: task1/rate0/seed3, 12s` per busy worker, `worker 2: idle` otherwise. */
export function workerLines(p: Pick<PoolProgress, 'workers'>, nowMs: number): string[] {
  return p.workers.map((w) => `worker ${w.worker + 1}: ${w.key === undefined ? 'idle' : `${w.key}, ${formatDuration(nowMs - (w.startedMs ?? nowMs))}`}`);
}

/** One line naming the failed cells and the end of the first one's stderr. */
export function failureMessage(step: string, result: Pick<PoolResult, 'failures' | 'interrupted'>): string {
  if (result.interrupted) return `${step}: workers interrupted (${result.interrupted}); finished runs are kept in the store; rerun the cell to resume`;
  const first = result.failures[0];
  const tail = first.stderrTail.split('\n').filter((l) => l.trim() !== '').slice(-3).join(' / ');
  return `${step}: ${result.failures.length} cell(s) failed (${result.failures.map((f) => f.key).slice(0, 5).join(', ')}${result.failures.length > 5 ? ', …' : ''}); ${first.key} ended with: ${tail}`;
}

/**
 * Runs the store's missing cells of grid step `step` (a key of `STEP_CELLS`) for the notebook's
 * resolved `params` in `jobs` worker processes. Resolves when all are stored; throws one line naming
 * the failed cells otherwise (the finished ones stay in the store).
 */
export async function runMissingCellsInWorkers(
  step: string,
  params: Readonly<Record<string, unknown>> & { readonly preset: string },
  jobs: JobsSetting,
  progress?: ProgressCallback,
  opts: WorkerGridOptions = {},
): Promise<WorkerGridSummary> {
  if (!(step in STEP_CELLS)) throw new ConfigError(`step: ${JSON.stringify(step)} is not allowed; expected one of ${Object.keys(STEP_CELLS).join(', ')}`);
  const cores = opts.cores ?? coreCount();
  const threads = defaultThreadsPerWorker(jobs, cores);
  const workers = resolveJobs(jobs, cores, threads);
  const t0 = Date.now();
  if (workers <= 1) return { step, workers: 0, threadsPerWorker: threads, cells: 0, alreadyStored: 0, computed: 0, wallMs: 0 };
  const deps = studyGridDeps();
  const cells = await deps.registry[step](params.preset, gridOverridesOf(params));
  const missing = cells.filter((c) => !deps.isDone(c.key, params.preset));
  const summary = { step, workers: Math.min(workers, Math.max(1, missing.length)), threadsPerWorker: threads, cells: cells.length, alreadyStored: cells.length - missing.length };
  if (missing.length === 0) return { ...summary, computed: 0, wallMs: Date.now() - t0 };
  const label = `${step}: ${summary.workers} workers x ${threads} thread${threads === 1 ? '' : 's'}`;
  let last: PoolProgress | undefined;
  const show = (): void => {
    if (!last) return;
    progress?.update({ done: summary.alreadyStored + last.done, total: cells.length, reused: summary.alreadyStored, label, workers: workerLines(last, Date.now()) });
  };
  const heartbeat = setInterval(show, opts.heartbeatMs ?? 2000);
  let result: PoolResult;
  try {
    result = await runCells(missing, {
      jobs: summary.workers, threadsPerWorker: threads, cwd: opts.cwd ?? repoRoot(), spawnSpec: opts.spawnSpec,
      onProgress: (p) => {
        last = p;
        show();
      },
    });
  } finally {
    clearInterval(heartbeat);
  }
  if (result.failures.length > 0 || result.interrupted) throw new Error(failureMessage(step, result));
  return { ...summary, computed: result.done.length, wallMs: result.wallMs };
}

/** One line after the workers: `toy-rl: 2 workers x 1 thread computed 76 of 80 runs in 21m (4 were in the store)`, or that the notebook computes in process. */
export function workerSummaryLine(s: WorkerGridSummary): string {
  if (s.workers === 0) return `${s.step}: jobs = 1, so the runs are computed in this kernel`;
  return `${s.step}: ${s.workers} worker${s.workers === 1 ? '' : 's'} x ${s.threadsPerWorker} thread${s.threadsPerWorker === 1 ? '' : 's'} computed ${s.computed} of ${s.cells} runs in ${formatDuration(s.wallMs)} (${s.alreadyStored} were in the store)`;
}
