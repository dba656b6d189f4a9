/**
 * Live progress of a long loop or a grid of runs. In a tslab notebook: one display entry updated in
 * place (bar, counts, elapsed time, ETA, the latest chart) through the busy-socket-safe send queue of
 * ./kernel_output; elsewhere: console lines. Every shown state is also appended to the headless
 * runner's progress file (../io/progress_channel), so `npm run notebooks` prints it in the terminal.
 * Nothing here throws into the computation it reports on, except a chart rendering error from `flush`.
 */
import type { TopLevelSpec } from 'vega-lite';
import { emitProgressLine } from '../io/progress_channel';
import { KERNEL_SENDS, tryRich, tslab, type RichDisplay } from './kernel_output';
import { renderSvg, uniquifySvgIds } from './render';
import { escapeHtml } from './table';

/** One progress report: `done` of `total` units of `label`, optionally with a chart of the run so far. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  /** What is being counted, e.g. `toy RL task 2 rate 0.01 seed 3`. */
  readonly label: string;
  /** Of `done`, the units reused from the run store (not computed now); the ETA counts only the others. Kept from the previous state when absent. */
  readonly reused?: number;
  /** Units per run (e.g. the blocks of an MDL run), to count runs in the `resumed:` line; default 1. */
  readonly unitsPerRun?: number;
  /** A chart of the run so far (e.g. `lineChart` of reward per iteration); notebooks only. */
  readonly chartSpec?: TopLevelSpec;
  /** One line per worker process of a parallel grid (`worker 1: task1/rate0/seed3, 12s`), shown under the bar. */
  readonly workers?: readonly string[];
}

/** What long loops call to report progress; notebooks and the CLI implement it differently. */
export interface ProgressCallback {
  update(state: ProgressState): void;
}

/** Options of {@link ProgressDisplay}. */
export interface ProgressOptions {
  /** Least time between two shown updates (the last one always shows); default 2 s in a notebook, 5 s in the CLI. */
  readonly intervalMs?: number;
  /** Clock in ms (tests); default `Date.now`. */
  readonly now?: () => number;
  /** Where the CLI lines go; default `console.log`. */
  readonly print?: (line: string) => void;
  /** Where the headless runner's lines go; default {@link emitProgressLine} (a no-op unless `STUDY_PROGRESS_FILE` is set). */
  readonly emit?: (line: string) => void;
}

/** Figures rendered by progress displays in this process; numbers their SVG id prefixes. */
let chartCount = 0;
/** Progress displays made in this process; names their entries in the send queue. */
let displayCount = 0;

/**
 * Progress of a long loop. `update` is cheap to call every step (updates are throttled) and never
 * throws; `await flush()` at the end shows the last state, waits for its chart and for the socket.
 */
export class ProgressDisplay implements ProgressCallback {
  private readonly now: () => number;
  private readonly print: (line: string) => void;
  private readonly emit: (line: string) => void;
  private readonly intervalMs?: number;
  private readonly key = `progress${++displayCount}`;
  private display?: RichDisplay | null; // undefined: not tried yet; null: not in a kernel
  private startMs?: number;
  private lastShownMs = -Infinity;
  private lastLabel?: string;
  private latest?: ProgressState;
  private shown?: ProgressState;
  private reused = 0;
  private resumedNote?: string;
  private resumedSent = false;
  private chartSvg = '';
  private chartQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private error?: unknown;

  constructor(opts: ProgressOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.print = opts.print ?? ((line) => console.log(line));
    this.emit = opts.emit ?? emitProgressLine;
    this.intervalMs = opts.intervalMs;
  }

  /** Reports progress; shown at most once per interval, plus on a new label and on completion. */
  update(state: ProgressState): void {
    try {
      const now = this.now();
      this.startMs ??= now;
      if (this.latest !== undefined && state.total !== this.latest.total) this.startGrid(now); // a new grid on the same display
      const grew = state.reused !== undefined && state.reused > this.reused;
      if (state.reused !== undefined) this.reused = state.reused;
      const full = { ...state, reused: this.reused };
      this.latest = full;
      this.noteResumed(full, grew);
      const interval = this.intervalMs ?? (this.inKernel() ? 2000 : 5000);
      const due = state.done >= state.total || state.label !== this.lastLabel || now - this.lastShownMs >= interval;
      if (!due) return;
      this.lastShownMs = now;
      this.lastLabel = state.label;
      this.show(full);
    } catch (e) {
      this.error ??= e; // a display must not stop a training run; flush reports it
    }
  }

  /** Shows the latest state if it has not been shown, waits for chart rendering and the socket, and rethrows a rendering error. */
  async flush(): Promise<void> {
    if (this.latest !== undefined && this.latest !== this.shown) this.show(this.latest);
    await this.chain;
    await KERNEL_SENDS.drained();
    if (this.error !== undefined) throw this.error;
  }

  /** Forgets the previous grid's reused count, resumed line and start time. */
  private startGrid(now: number): void {
    this.startMs = now;
    this.reused = 0;
    this.resumedNote = undefined;
    this.resumedSent = false;
  }

  /** `resumed: k of n runs already in the store`, once the grid has shown it started from stored runs. */
  private noteResumed(state: ProgressState, grew: boolean): void {
    if (this.reused <= 0) return;
    const per = Math.max(1, state.unitsPerRun ?? 1);
    this.resumedNote = resumedLine(Math.round(this.reused / per), Math.round(state.total / per));
    // One line for the terminal and the CLI, when the streak of stored runs ends (or the grid ends).
    if (!this.resumedSent && (!grew || state.done >= state.total)) {
      this.resumedSent = true;
      this.emit(this.resumedNote);
      if (!this.inKernel()) this.print(this.resumedNote);
    }
  }

  private inKernel(): boolean {
    if (this.display === undefined) {
      let probe: RichDisplay | undefined;
      try {
        probe = tslab()?.newDisplay();
      } catch {
        probe = undefined;
      }
      // The first rich call decides: outside a kernel tslab throws `Not ready`.
      this.display = probe !== undefined && tryRich((d) => d.html(''), probe, this.key) ? probe : null;
    }
    return this.display !== null;
  }

  private show(state: ProgressState): void {
    this.shown = state;
    const elapsedMs = this.now() - (this.startMs ?? 0);
    const line = progressLine(state, elapsedMs);
    this.emit(line);
    if (!this.inKernel()) {
      this.print(line);
      return;
    }
    this.send(progressHtml(state, elapsedMs, this.chartSvg, this.resumedNote));
    if (state.chartSpec !== undefined && !this.chartQueued) {
      // One render at a time; a render picks up the newest chart when it starts.
      this.chartQueued = true;
      this.chain = this.chain.then(() => this.renderChart());
    }
  }

  private send(html: string): void {
    const display = this.display;
    if (display) tryRich((d) => d.html(html), display, this.key);
  }

  private async renderChart(): Promise<void> {
    this.chartQueued = false;
    const state = this.latest;
    if (state?.chartSpec === undefined) return;
    try {
      this.chartSvg = uniquifySvgIds(await renderSvg(state.chartSpec), `progress${++chartCount}`);
      this.send(progressHtml(this.shown ?? state, this.now() - (this.startMs ?? 0), this.chartSvg, this.resumedNote));
    } catch (e) {
      this.error ??= e;
    }
  }
}

/** `resumed: 3 of 8 runs already in the store`. */
export function resumedLine(stored: number, total: number): string {
  return `resumed: ${stored} of ${total} runs already in the store`;
}

/** One console line: `label: 30/100 (30%), 12s elapsed, ETA 28s`, with `, 10 reused` when some units came from the store. */
export function progressLine(state: ProgressState, elapsedMs: number): string {
  const reused = state.reused ? `, ${state.reused} reused` : '';
  const workers = state.workers?.length ? ` | ${state.workers.join('; ')}` : '';
  return `${state.label}: ${state.done}/${state.total} (${percent(state)}%)${reused}, ${timing(state, elapsedMs)}${workers}`;
}

function progressHtml(state: ProgressState, elapsedMs: number, chartSvg: string, note?: string): string {
  const label = escapeHtml(state.label);
  const reused = state.reused ? `, ${state.reused} reused` : '';
  return (
    `<div style="font-family:sans-serif;font-size:13px">` +
    (note !== undefined ? `<div>${escapeHtml(note)}</div>` : '') +
    `<progress value="${Math.min(state.done, state.total)}" max="${Math.max(state.total, 1)}" style="width:240px;vertical-align:middle"></progress> ` +
    `<b>${label}</b>: ${state.done}/${state.total} (${percent(state)}%)${reused}, ${timing(state, elapsedMs)}</div>` +
    (state.workers?.length ? `<div style="font-family:monospace;font-size:12px">${state.workers.map((w) => `<div>${escapeHtml(w)}</div>`).join('')}</div>` : '') +
    chartSvg
  );
}

function percent(state: ProgressState): number {
  return state.total > 0 ? Math.floor((100 * state.done) / state.total) : 100;
}

/** Elapsed time, and the ETA from the units computed now: reused units take no time, so they would make it too short. */
function timing(state: ProgressState, elapsedMs: number): string {
  const elapsed = `${formatDuration(elapsedMs)} elapsed`;
  const computed = state.done - (state.reused ?? 0);
  if (state.done >= state.total || computed <= 0) return elapsed;
  return `${elapsed}, ETA ${formatDuration((elapsedMs / computed) * (state.total - state.done))}`;
}

/** `42s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
