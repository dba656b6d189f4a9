/**
 * `grid list|run|slurm|status <step>`: a study grid as data (its cells and their CLI command
 * lines), run on every core of this machine (`run --jobs N|auto`) or as a Slurm job array
 * (`slurm [--submit]`), and what of it is done, running or missing (`status`). The steps and the
 * result-store lookup are passed in (`GridDeps`), so this file knows no experiment.
 *
 *   npx tsx src/cli.ts grid slurm toy_rl --preset paper --partition gpu --gres gpu:1 --time 08:00:00 --submit
 */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonIfExists, writeJsonAtomic } from '../io/atomic_write';
import { ConfigError } from '../util/assert';
import { parseOverridesJson } from '../study/params/resolve';
import { checkCells, readCellsFile, type GridCellCommand } from './cells';
import { PINNED_NUMERICS } from '../backend';
import { arrayTaskRecords, checkSlurmOptions, queuedTasks, shellQuote, SLURM_DEFAULTS, submit, writeSlurmJob, type SlurmOptions } from './slurm';
import {
  coreCount, defaultThreadsPerWorker, parseJobs, parsePositiveInt, resolveJobs, runCells,
  type PoolProgress, type SpawnSpec,
} from './worker_pool';

/** How far listing a step's cells may go. */
export interface GridListOptions {
  /**
   * True (the default, and `grid run`): a step whose cells are identified by a pre-trained model
   * trains that model first when it is not cached. False (`grid list|status|slurm`): it throws a
   * `ConfigError` naming the step to run first, so listing never starts minutes of training.
   */
  readonly mayTrain?: boolean;
}

/** Lists the cells of one grid step for a preset and overrides (throws `ConfigError` on bad overrides). */
export type GridStep = (preset: string, overrides: Readonly<Record<string, unknown>>, opts?: GridListOptions) => readonly GridCellCommand[] | Promise<readonly GridCellCommand[]>;

/** The grid steps by name, e.g. `toy_rl`, `language_mdl`. */
export type GridRegistry = Readonly<Record<string, GridStep>>;

/** What `grid` needs from the rest of the study, injected by `src/cli.ts` (and by tests). */
export interface GridDeps {
  readonly registry: GridRegistry;
  /** True when the result of `key` is in the store for `preset`. */
  readonly isDone: (key: string, preset: string) => boolean;
  /** True while a process holds the run-store lock of `key` (optional; Slurm's queue is asked too). */
  readonly isRunning?: (key: string, preset: string) => boolean;
  readonly io: { readonly out: (line: string) => void; readonly err: (line: string) => void };
  /** Repository root: workers and array tasks run there; `datasets/slurm/` is under it. */
  readonly repoRoot: string;
  /** Allowed presets (default smoke, laptop, paper). */
  readonly presets?: readonly string[];
  /** Cores that `--jobs auto` divides (default: this machine's). */
  readonly cores?: number;
  /** How `run` starts a cell (default `node --import tsx src/cli.ts ...argv`). */
  readonly spawnSpec?: (cell: GridCellCommand) => SpawnSpec;
  /** Command before a cell's argv in the sbatch script (default `node --import tsx src/cli.ts`). */
  readonly cellCommand?: readonly string[];
  /** Environment of sbatch/squeue/scontrol (default `process.env`). */
  readonly slurmEnv?: NodeJS.ProcessEnv;
  /** Clock for the job folder's name (tests fix it). */
  readonly now?: () => Date;
}

/** Exit codes: 0 done, 1 a cell or sbatch failed, 2 bad command line, 128 + signal when interrupted. */
export const GRID_EXIT = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

const SUBCOMMANDS = ['list', 'run', 'slurm', 'status'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** Flags each subcommand accepts (`true`: takes no value). */
const FLAGS: Readonly<Record<Subcommand, Readonly<Record<string, boolean>>>> = {
  list: { preset: false, overrides: false },
  status: { preset: false, overrides: false },
  run: { preset: false, overrides: false, jobs: false, 'threads-per-worker': false },
  slurm: {
    preset: false, overrides: false, partition: false, time: false, 'cpus-per-task': false, mem: false,
    gres: false, throttle: false, account: false, 'job-name': false, submit: true,
  },
};

/** Help text of `grid`. */
export function gridHelp(steps: readonly string[]): string {
  return [
    'usage: grid <list|run|slurm|status> <step> [--preset P] [--overrides JSON] [options]',
    `  steps: ${steps.join(', ')}`,
    '  list                     the cells and their command lines; which are in the result store',
    '  run --jobs N|auto        compute the missing cells in N worker processes (default 1; auto =',
    '      [--threads-per-worker T]   cores / T); T defaults to 1 (the pinned numerics; another T rounds',
    '                                 differently, and its runs are stored apart from the notebooks\' ones)',
    '  slurm [--submit]         write datasets/slurm/<step>-<time>/{job.sbatch,cells.jsonl,logs/}, one',
    `      [--partition P] [--time ${SLURM_DEFAULTS.time}] [--cpus-per-task ${SLURM_DEFAULTS.cpusPerTask}] [--mem ${SLURM_DEFAULTS.mem}]`,
    '      [--gres gpu:1] [--throttle K] [--account A] [--job-name N]   array task per missing cell',
    '  status                   done / running / pending / missing cells (result store, Slurm queue)',
  ].join('\n');
}

/** Parsed `grid` command line. */
export interface GridArgs {
  readonly sub: Subcommand;
  readonly step: string;
  readonly preset: string;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly flags: Readonly<Record<string, string | true>>;
}

/** Parses `grid` arguments (pure); throws `ConfigError` with one line naming the bad part. */
export function parseGridArgs(args: readonly string[], steps: readonly string[], presets: readonly string[]): GridArgs {
  const [sub, step, ...rest] = args;
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new ConfigError(`grid: ${JSON.stringify(sub ?? null)} is not allowed; expected one of ${SUBCOMMANDS.join(', ')}`);
  }
  if (!steps.includes(step)) {
    throw new ConfigError(`step: ${JSON.stringify(step ?? null)} is not allowed; expected one of ${steps.join(', ')}`);
  }
  const allowed = FLAGS[sub as Subcommand];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(rest[i]);
    if (!m || !(m[1] in allowed)) {
      throw new ConfigError(`grid ${sub}: ${JSON.stringify(rest[i])} is not allowed; expected ${Object.keys(allowed).map((f) => `--${f}`).join(', ')}`);
    }
    const name = m[1];
    if (allowed[name]) {
      if (m[2] !== undefined) throw new ConfigError(`${name}: takes no value; got ${JSON.stringify(m[2])}`);
      flags[name] = true;
    } else if (m[2] !== undefined) {
      flags[name] = m[2];
    } else {
      if (i + 1 >= rest.length) throw new ConfigError(`${name}: missing value after --${name}`);
      flags[name] = rest[++i];
    }
  }
  const preset = (flags.preset as string | undefined) ?? 'laptop';
  if (!presets.includes(preset)) throw new ConfigError(`preset: '${preset}' is not allowed; expected one of ${presets.join(', ')}`);
  const overrides = flags.overrides === undefined ? {} : parseOverridesJson(flags.overrides as string, 'overrides');
  return { sub: sub as Subcommand, step, preset, overrides, flags };
}

/** `--partition` ... flags -> `SlurmOptions` (validated; one-line errors). */
export function slurmOptionsFromFlags(step: string, flags: Readonly<Record<string, string | true>>): SlurmOptions {
  const str = (name: string): string | undefined => flags[name] as string | undefined;
  const int = (name: string, fallback?: number): number | undefined => {
    const v = str(name);
    if (v === undefined) return fallback;
    if (!/^-?[0-9]+$/.test(v)) throw new ConfigError(`${name}: ${JSON.stringify(v)} is not an integer; expected an integer >= 1`);
    return Number(v);
  };
  return checkSlurmOptions({
    jobName: str('job-name') ?? `grid-${step}`,
    partition: str('partition'),
    time: str('time') ?? SLURM_DEFAULTS.time,
    cpusPerTask: int('cpus-per-task', SLURM_DEFAULTS.cpusPerTask) as number,
    mem: str('mem') ?? SLURM_DEFAULTS.mem,
    throttle: int('throttle'),
    gres: str('gres'),
    account: str('account'),
  });
}

/** `20240131-235959` (UTC) for folder names that sort by time. */
export function timestampName(d: Date): string {
  return d.toISOString().replace(/\.[0-9]+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
}

/** What `grid slurm` records beside the script (`grid.json`), read back by `grid status`. */
export interface SlurmJobRecord {
  readonly step: string;
  readonly preset: string;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly cellCount: number;
  readonly jobId?: string;
}

/** Folder of all `grid slurm` jobs under the repository root. */
export function slurmJobsRoot(repoRoot: string): string {
  // `STUDY_DATASETS_DIR` moves all of datasets/ (see io/paths.ts), job folders included.
  const moved = process.env.STUDY_DATASETS_DIR;
  return moved ? path.join(path.resolve(moved), 'slurm') : path.join(repoRoot, 'datasets', 'slurm');
}

const showArgv = (argv: readonly string[]): string => argv.map(shellQuote).join(' ');

/** Runs `grid <args>`; returns the exit code (`GRID_EXIT`). Bad input prints one line and returns 2. */
export async function runGridCommand(args: readonly string[], deps: GridDeps): Promise<number> {
  const { io } = deps;
  const steps = Object.keys(deps.registry);
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    io.out(gridHelp(steps));
    return GRID_EXIT.ok;
  }
  let parsed: GridArgs;
  let cells: readonly GridCellCommand[];
  try {
    parsed = parseGridArgs(args, steps, deps.presets ?? ['smoke', 'laptop', 'paper']);
    cells = await deps.registry[parsed.step](parsed.preset, parsed.overrides, { mayTrain: parsed.sub === 'run' });
    checkCells(cells, parsed.step);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return GRID_EXIT.usage;
    }
    throw e;
  }
  const { sub, step, preset } = parsed;
  const done = new Set(cells.filter((c) => deps.isDone(c.key, preset)).map((c) => c.key));
  const missing = cells.filter((c) => !done.has(c.key));
  const head = `${step} (preset ${preset}): ${cells.length} cells, ${done.size} done, ${missing.length} missing`;
  try {
    if (sub === 'list') {
      io.out(head);
      for (const c of cells) io.out(`${done.has(c.key) ? 'done   ' : 'missing'}  ${c.key}  ${showArgv(c.argv)}`);
      return GRID_EXIT.ok;
    }
    if (sub === 'run') return await gridRun(parsed, missing, head, deps);
    if (sub === 'slurm') return gridSlurm(parsed, missing, head, deps);
    return gridStatus(parsed, cells, done, deps);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return GRID_EXIT.usage;
    }
    throw e;
  }
}

async function gridRun(a: GridArgs, missing: readonly GridCellCommand[], head: string, deps: GridDeps): Promise<number> {
  const { io } = deps;
  const jobsSetting = parseJobs((a.flags.jobs as string | undefined) ?? '1');
  const cores = deps.cores ?? coreCount();
  const threads = a.flags['threads-per-worker'] !== undefined
    ? parsePositiveInt(a.flags['threads-per-worker'] as string, 'threads-per-worker')
    : defaultThreadsPerWorker(jobsSetting, cores);
  const jobs = Math.min(resolveJobs(jobsSetting, cores, threads), Math.max(1, missing.length));
  io.out(`${head}; ${jobs} worker${jobs === 1 ? '' : 's'} x ${threads} thread${threads === 1 ? '' : 's'}`);
  if (threads !== PINNED_NUMERICS.intraOpThreads) {
    io.err(`threads-per-worker: ${threads} is not the pinned ${PINNED_NUMERICS.intraOpThreads} (src/backend.ts PINNED_NUMERICS): these runs round differently and are stored under their own numerics tag; notebooks and \`grid status\` see them only with TF_NUM_INTRAOP_THREADS=${threads} set`);
  }
  if (missing.length === 0) return GRID_EXIT.ok;
  const total = missing.length;
  const result = await runCells(missing, {
    jobs, threadsPerWorker: threads, cwd: deps.repoRoot, spawnSpec: deps.spawnSpec,
    onProgress: (p: PoolProgress) => {
      const n = `[${p.done + p.failed}/${total}]`;
      const e = p.event;
      if (e.kind === 'start') {
        const w = p.workers.find((s) => s.key === e.key)?.worker ?? 0;
        io.out(`${n} worker ${w + 1}: ${e.key}`);
      } else if (e.kind === 'done') {
        io.out(`${n} done ${e.key} (${((e.wallMs ?? 0) / 1000).toFixed(1)} s)`);
      } else {
        const why = e.failure?.signal ? `signal ${e.failure.signal}` : `exit ${e.failure?.exitCode}`;
        io.err(`${n} FAILED ${e.key} (${why}); stderr ends with:`);
        for (const line of (e.failure?.stderrTail ?? '').split('\n')) io.err(`    ${line}`);
      }
    },
  });
  io.out(`${a.step}: ${result.done.length} done, ${result.failures.length} failed, ${result.notStarted.length} not started in ${(result.wallMs / 1000).toFixed(1)} s`);
  if (result.interrupted === 'SIGINT') return GRID_EXIT.sigint;
  if (result.interrupted) return GRID_EXIT.sigterm;
  if (result.failures.length > 0) {
    io.err(`${a.step}: failed cells: ${result.failures.map((f) => f.key).join(', ')}; rerun the same command to retry them`);
    return GRID_EXIT.failed;
  }
  return GRID_EXIT.ok;
}

function gridSlurm(a: GridArgs, missing: readonly GridCellCommand[], head: string, deps: GridDeps): number {
  const { io } = deps;
  const options = slurmOptionsFromFlags(a.step, a.flags);
  io.out(head);
  if (missing.length === 0) {
    io.out(`${a.step}: nothing to submit`);
    return GRID_EXIT.ok;
  }
  const now = (deps.now ?? (() => new Date()))();
  const dir = path.join(slurmJobsRoot(deps.repoRoot), `${a.step.replace(/[^A-Za-z0-9._-]/g, '_')}-${timestampName(now)}`);
  const files = writeSlurmJob(dir, missing, options, deps.repoRoot, deps.cellCommand);
  const record: SlurmJobRecord = { step: a.step, preset: a.preset, overrides: a.overrides, createdAt: now.toISOString(), cellCount: missing.length };
  writeJsonAtomic(path.join(dir, 'grid.json'), record);
  const rel = path.relative(deps.repoRoot, files.scriptFile);
  io.out(`wrote ${rel} (${missing.length} array task${missing.length === 1 ? '' : 's'}; cells in ${path.relative(deps.repoRoot, files.cellsFile)}, logs in ${path.relative(deps.repoRoot, files.logsDir)}/)`);
  if (a.flags.submit !== true) {
    io.out(`submit with: sbatch ${rel}`);
    return GRID_EXIT.ok;
  }
  let jobId: string;
  try {
    jobId = submit(files.scriptFile, deps.slurmEnv);
  } catch (e) {
    io.err(e instanceof Error ? e.message : String(e));
    return GRID_EXIT.failed;
  }
  writeJsonAtomic(path.join(dir, 'grid.json'), { ...record, jobId });
  io.out(`submitted job ${jobId}`);
  io.out(`follow with: npx tsx src/cli.ts grid status ${a.step} --preset ${a.preset}${Object.keys(a.overrides).length ? ` --overrides ${shellQuote(JSON.stringify(a.overrides))}` : ''}`);
  return GRID_EXIT.ok;
}

/** Slurm's view of the submitted arrays of this step and preset: key -> `RUNNING (job 12_3)` etc. */
function slurmStates(a: GridArgs, deps: GridDeps): Map<string, { state: string; where: string }> {
  const states = new Map<string, { state: string; where: string }>();
  const root = slurmJobsRoot(deps.repoRoot);
  if (!fs.existsSync(root)) return states;
  const dirs = fs.readdirSync(root).filter((d) => d.startsWith(`${a.step.replace(/[^A-Za-z0-9._-]/g, '_')}-`)).sort();
  for (const d of dirs) {
    const rec = readJsonIfExists<SlurmJobRecord>(path.join(root, d, 'grid.json'));
    if (!rec?.jobId || rec.step !== a.step || rec.preset !== a.preset) continue;
    let queued;
    try {
      queued = queuedTasks(rec.jobId, deps.slurmEnv);
    } catch {
      continue; // no squeue here, or the controller does not know the job any more
    }
    const cells = readCellsFile(path.join(root, d, 'cells.jsonl'));
    for (const t of queued) {
      const cell = cells[t.taskId];
      if (cell) states.set(cell.key, { state: t.state, where: `slurm job ${rec.jobId}_${t.taskId}` });
    }
    // Failed tasks of an array that has left the queue: Slurm remembers them for MinJobAge.
    for (const r of arrayTaskRecords(rec.jobId, deps.slurmEnv)) {
      const cell = cells[r.taskId];
      if (cell && !states.has(cell.key) && r.state !== 'COMPLETED' && r.state !== 'RUNNING' && r.state !== 'PENDING') {
        states.set(cell.key, { state: r.state, where: `slurm job ${rec.jobId}_${r.taskId}, exit ${r.exitCode}; log ${path.join('datasets', 'slurm', d, 'logs')}/` });
      }
    }
  }
  return states;
}

function gridStatus(a: GridArgs, cells: readonly GridCellCommand[], done: ReadonlySet<string>, deps: GridDeps): number {
  const { io } = deps;
  const slurm = slurmStates(a, deps);
  const counts: Record<string, number> = { done: 0, running: 0, pending: 0, missing: 0, failed: 0 };
  const lines: string[] = [];
  for (const c of cells) {
    let label: string;
    let where = '';
    const q = slurm.get(c.key);
    if (done.has(c.key)) label = 'done';
    else if (deps.isRunning?.(c.key, a.preset)) {
      label = 'running';
      where = 'lock held';
    } else if (q && (q.state === 'RUNNING' || q.state === 'COMPLETING' || q.state === 'CONFIGURING')) {
      label = 'running';
      where = q.where;
    } else if (q && q.state === 'PENDING') {
      label = 'pending';
      where = q.where;
    } else if (q) {
      label = 'failed';
      where = `${q.state}, ${q.where}`;
    } else label = 'missing';
    counts[label]++;
    lines.push(`${label.padEnd(7)}  ${c.key}${where ? `  (${where})` : ''}`);
  }
  io.out(`${a.step} (preset ${a.preset}): ${cells.length} cells, ${Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const l of lines) io.out(l);
  return GRID_EXIT.ok;
}
