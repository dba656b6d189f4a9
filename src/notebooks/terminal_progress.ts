/**
 * What the headless runner prints while a notebook cell runs: the kernel's progress lines
 * (src/io/progress_channel.ts), at most one per `minIntervalMs` with the latest one always
 * shown when the cell ends, and a heartbeat `cell k/n running for 1m30s` when nothing was printed
 * for `heartbeatMs`. Pure: the caller passes the clock and the print function.
 */

/** How often the runner may print. */
export interface TerminalProgressOptions {
  /** Prints one line (the runner: console.log). */
  readonly print: (line: string) => void;
  /** Least time between two progress lines of one notebook, ms; default 2000. */
  readonly minIntervalMs?: number;
  /** Quiet time after which a heartbeat line is printed, ms; default 30000. */
  readonly heartbeatMs?: number;
  /** Cells that took at least this long get a `cell k/n took 12.3 s` line, ms; default 5000. */
  readonly reportCellsOverMs?: number;
}

/** `90_000` -> `1m30s`, `5_000` -> `5s`, `3_725_000` -> `1h02m05s` (whole seconds, rounded down). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (x: number): string => String(x).padStart(2, '0');
  if (h > 0) return `${h}h${two(m)}m${two(s)}s`;
  if (m > 0) return `${m}m${two(s)}s`;
  return `${s}s`;
}

/** Rate-limits progress lines and adds heartbeats for one notebook at a time; times in ms. */
export class TerminalProgress {
  private readonly print: (line: string) => void;
  private readonly minIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly reportCellsOverMs: number;
  /** Running cell: 1-based index and count, start time; undefined between cells. */
  private cell: { k: number; n: number; startMs: number } | undefined;
  private lastPrintMs = -Infinity;
  private lastProgressMs = -Infinity;
  private pending: string | undefined;

  constructor(opts: TerminalProgressOptions) {
    this.print = opts.print;
    this.minIntervalMs = opts.minIntervalMs ?? 2000;
    this.heartbeatMs = opts.heartbeatMs ?? 30_000;
    this.reportCellsOverMs = opts.reportCellsOverMs ?? 5000;
  }

  /** The 1-based cell `k` of `n` started at `nowMs`. */
  cellStarted(k: number, n: number, nowMs: number): void {
    this.flush();
    this.cell = { k, n, startMs: nowMs };
    this.lastPrintMs = nowMs; // the first heartbeat comes heartbeatMs after the start
  }

  /** A progress line from the kernel: printed now, or kept as the latest until the interval has passed. */
  progressLine(line: string, nowMs: number): void {
    if (nowMs - this.lastProgressMs >= this.minIntervalMs) this.emit(`  ${line}`, nowMs, true);
    else this.pending = line;
  }

  /** Called every few hundred ms: prints a kept line once its interval has passed, or a heartbeat. */
  tick(nowMs: number): void {
    if (this.pending !== undefined && nowMs - this.lastProgressMs >= this.minIntervalMs) {
      const line = this.pending;
      this.pending = undefined;
      this.emit(`  ${line}`, nowMs, true);
    } else if (this.cell && nowMs - this.lastPrintMs >= this.heartbeatMs) {
      this.emit(`  cell ${this.cell.k}/${this.cell.n} running for ${formatElapsed(nowMs - this.cell.startMs)}`, nowMs, false);
    }
  }

  /** The running cell ended at `nowMs`: prints the latest kept line, then `took` for a slow cell. */
  cellEnded(nowMs: number): void {
    this.flush();
    const cell = this.cell;
    this.cell = undefined;
    if (cell && nowMs - cell.startMs >= this.reportCellsOverMs) {
      this.emit(`  cell ${cell.k}/${cell.n} took ${((nowMs - cell.startMs) / 1000).toFixed(1)} s`, nowMs, false);
    }
  }

  /** Prints the latest kept progress line, if any (the notebook ended or was stopped). */
  flush(): void {
    if (this.pending === undefined) return;
    const line = this.pending;
    this.pending = undefined;
    this.print(`  ${line}`);
  }

  /** The running cell as `k/n`, or undefined between cells. */
  runningCell(): string | undefined {
    return this.cell ? `${this.cell.k}/${this.cell.n}` : undefined;
  }

  private emit(line: string, nowMs: number, isProgress: boolean): void {
    this.print(line);
    this.lastPrintMs = nowMs;
    if (isProgress) this.lastProgressMs = nowMs;
  }
}
