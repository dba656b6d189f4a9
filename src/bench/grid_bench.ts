/**
 * Grid bench (issue 14): wall time of one grid with 1 worker and with 2, and the start-up every
 * cell pays as its own process (Node + tsx + the CLI's imports + the tensor backend), which is
 * the per-task overhead of a Slurm array task besides the scheduler's own. Goal: start-up below
 * 10 % of a laptop-preset run.
 *
 *   npx tsx src/bench/grid_bench.ts --cells datasets/slurm/<step>-<time>/cells.jsonl --clean datasets/results/smoke
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readCellsFile, type GridCellCommand } from '../grid/cells';
import { coreCount, runCells, threadEnv, type SpawnSpec } from '../grid/worker_pool';
import { median } from '../stats/describe';

/** Wall times of one grid run serially and with two workers. */
export interface GridJobsBench {
  readonly cells: number;
  readonly serialMs: number;
  readonly twoWorkersMs: number;
  /** serialMs / twoWorkersMs. */
  readonly speedup: number;
  /** Mean wall time of one cell's process in the serial run (start-up included). */
  readonly meanCellMs: number;
  readonly failures: number;
}

/**
 * Runs `cells` with 1 worker (all cores) and then with 2 (half the cores each); `reset` is
 * called before each run and must delete their results so that both runs compute everything.
 */
export async function benchGridJobs(
  cells: readonly GridCellCommand[], opts: { cwd: string; reset: () => void; cores?: number; spawnSpec?: (c: GridCellCommand) => SpawnSpec; env?: Readonly<Record<string, string>> },
): Promise<GridJobsBench> {
  const cores = opts.cores ?? coreCount();
  opts.reset();
  const serial = await runCells(cells, { jobs: 1, threadsPerWorker: cores, cwd: opts.cwd, spawnSpec: opts.spawnSpec, env: opts.env });
  opts.reset();
  const two = await runCells(cells, { jobs: 2, threadsPerWorker: Math.max(1, Math.floor(cores / 2)), cwd: opts.cwd, spawnSpec: opts.spawnSpec, env: opts.env });
  const walls = Object.values(serial.cellWallMs);
  return {
    cells: cells.length,
    serialMs: serial.wallMs,
    twoWorkersMs: two.wallMs,
    speedup: serial.wallMs / two.wallMs,
    meanCellMs: walls.reduce((a, b) => a + b, 0) / Math.max(1, walls.length),
    failures: serial.failures.length + two.failures.length,
  };
}

/** Start-up of one cell process, in milliseconds (median over `rounds`). */
export interface StartupBench {
  readonly backend: string;
  /** Whole process: spawn to exit. */
  readonly processMs: number;
  /** Of which loading the CLI's modules. */
  readonly importMs: number;
  /** Of which initialising the tensor backend. */
  readonly backendMs: number;
}


/** Times `node --import tsx src/bench/startup_probe.ts` from `repoRoot` with `threads` TF threads. */
export async function benchStartup(repoRoot: string, rounds = 3, threads = 1): Promise<StartupBench> {
  const runs: { processMs: number; importMs: number; backendMs: number; backend: string }[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = Date.now();
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/bench/startup_probe.ts'], {
        cwd: repoRoot, env: { ...process.env, ...threadEnv(threads) }, stdio: ['ignore', 'pipe', 'ignore'],
      });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`startup_probe exited with ${code}`))));
    });
    const probe = JSON.parse(out.trim().split('\n').pop() as string);
    runs.push({ processMs: Date.now() - t0, ...probe });
  }
  return {
    backend: runs[0].backend,
    processMs: median(runs.map((r) => r.processMs)),
    importMs: median(runs.map((r) => r.importMs)),
    backendMs: median(runs.map((r) => r.backendMs)),
  };
}

/** Lines for the bench report. `runMs`: the wall time of one run the start-up is compared with. */
export function gridBenchLines(jobs: GridJobsBench | undefined, startup: StartupBench, runMs?: number): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines: string[] = [];
  if (jobs) {
    lines.push(`grid: ${jobs.cells} cells, --jobs 1: ${s(jobs.serialMs)}, --jobs 2: ${s(jobs.twoWorkersMs)} (x${jobs.speedup.toFixed(2)}), mean cell ${s(jobs.meanCellMs)}${jobs.failures ? `, ${jobs.failures} FAILED` : ''}`);
  }
  const base = runMs ?? jobs?.meanCellMs;
  const share = base ? `; ${((100 * startup.processMs) / base).toFixed(1)} % of a ${s(base)} run (goal < 10 %)` : '';
  lines.push(`grid: start-up of one cell process (${startup.backend}): ${s(startup.processMs)} (imports ${s(startup.importMs)}, backend ${s(startup.backendMs)})${share}`);
  return lines;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const repoRoot = path.resolve(__dirname, '../..');
  const cellsFile = flag('cells');
  const clean = flag('clean');
  const runMs = flag('run-ms') !== undefined ? Number(flag('run-ms')) : undefined;
  (async () => {
    let jobs: GridJobsBench | undefined;
    if (cellsFile) {
      const cells = readCellsFile(cellsFile);
      jobs = await benchGridJobs(cells, { cwd: repoRoot, reset: () => clean && fs.rmSync(path.resolve(repoRoot, clean), { recursive: true, force: true }) });
    }
    for (const line of gridBenchLines(jobs, await benchStartup(repoRoot), runMs)) console.log(line);
  })().catch((e) => {
    console.error(`grid bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
