/**
 * Slurm job arrays for a grid: one array task per missing cell. The sbatch script maps
 * SLURM_ARRAY_TASK_ID to line `i` (0-based) of the cells file written beside it and runs that
 * cell's CLI command from the repository root, with TensorFlow's threads pinned to 1 (the pinned
 * numerics of backend.ts, so a cell gives the bytes it gives on a laptop) unless the submitting
 * shell exported TF_NUM_INTRAOP_THREADS (its runs then carry a numerics tag).
 * Script generation is pure (tested by exact text); `submit` and the status helpers call
 * `sbatch`, `squeue` and `scontrol` (no accounting database needed, so no `sacct`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PINNED_NUMERICS } from '../backend';
import { writeFileAtomic } from '../io/atomic_write';
import { ConfigError } from '../util/assert';
import { writeCellsFile, type GridCellCommand } from './cells';

/** What `#SBATCH` lines a grid's array gets; validated by `checkSlurmOptions`. */
export interface SlurmOptions {
  /** `--job-name`, e.g. `grid-toy_rl`. */
  readonly jobName: string;
  /** `--partition`; omitted: the cluster's default partition. */
  readonly partition?: string;
  /** `--time` per array task: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  readonly time: string;
  /** `--cpus-per-task` (default 1: a task runs one pinned-numerics TensorFlow thread; more cores only help with TF_NUM_INTRAOP_THREADS exported, which tags the runs). */
  readonly cpusPerTask: number;
  /** `--mem` per node, e.g. `4G`, `16000M`. */
  readonly mem: string;
  /** `%` throttle: at most this many array tasks at once; omitted: no limit. */
  readonly throttle?: number;
  /** `--gres` for GPU partitions, e.g. `gpu:1` or `gpu:a100:1`; omitted: no line. */
  readonly gres?: string;
  /** `--account`; omitted: the user's default account. */
  readonly account?: string;
}

/** Defaults of `grid slurm` (one laptop-preset toy run needs well under 1 CPU-hour and 4 GiB). */
export const SLURM_DEFAULTS = { time: '04:00:00', cpusPerTask: 1, mem: '8G' } as const;

const TIME_FORMATS = 'minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS';

/** Throws one line naming the first bad option; returns `opts` unchanged otherwise. */
export function checkSlurmOptions(opts: SlurmOptions): SlurmOptions {
  const bad = (field: string, value: unknown, allowed: string): never => {
    throw new ConfigError(`${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
  };
  if (!/^[A-Za-z0-9._+-]{1,64}$/.test(opts.jobName)) bad('job-name', opts.jobName, 'letters, digits and ._+- (at most 64)');
  if (opts.partition !== undefined && !/^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$/.test(opts.partition)) {
    bad('partition', opts.partition, 'a partition name (letters, digits, ._-) or a comma-separated list');
  }
  if (!isSlurmTime(opts.time)) bad('time', opts.time, TIME_FORMATS);
  if (!Number.isInteger(opts.cpusPerTask) || opts.cpusPerTask < 1 || opts.cpusPerTask > 1024) {
    bad('cpus-per-task', opts.cpusPerTask, 'an integer in [1, 1024]');
  }
  if (!/^[1-9][0-9]*[KMGT]?$/.test(opts.mem)) bad('mem', opts.mem, 'a size such as 4096, 4096M or 8G');
  if (opts.throttle !== undefined && (!Number.isInteger(opts.throttle) || opts.throttle < 1)) {
    bad('throttle', opts.throttle, 'an integer >= 1');
  }
  if (opts.gres !== undefined && !/^[a-z][a-z0-9_]*(:[A-Za-z0-9._-]+)*$/.test(opts.gres)) {
    bad('gres', opts.gres, 'name[:type][:count], e.g. gpu:1 or gpu:a100:1');
  }
  if (opts.account !== undefined && !/^[A-Za-z0-9._-]+$/.test(opts.account)) bad('account', opts.account, 'an account name (letters, digits, ._-)');
  return opts;
}

/** True for the time formats Slurm's `--time` accepts (not `UNLIMITED`: clusters cap it anyway). */
export function isSlurmTime(text: string): boolean {
  return /^([0-9]+|[0-9]+:[0-5][0-9]|[0-9]+:[0-5][0-9]:[0-5][0-9]|[0-9]+-[0-9]{1,2}(:[0-5][0-9]){0,2})$/.test(text);
}

/** `text` quoted for bash: single quotes, with `'` written as `'\''`. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_\/.,:=+@%-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Everything the sbatch script needs besides the options. */
export interface SbatchScriptSpec {
  /** Absolute repository root; tasks `cd` there. */
  readonly repoRoot: string;
  /** Absolute path of the cells file (one JSON line per cell). */
  readonly cellsFile: string;
  /** Absolute folder for the tasks' output (`%A_%a.out`); must exist and be writable. */
  readonly logsDir: string;
  /** Number of cells = array tasks. */
  readonly cellCount: number;
  /** Command before the cell's argv (default `node --import tsx src/cli.ts`). */
  readonly command?: readonly string[];
}

/** The default cell command of an array task: this repository's CLI through tsx. */
export const CLI_COMMAND: readonly string[] = ['node', '--import', 'tsx', 'src/cli.ts'];

/** The text of the sbatch script for `spec.cellCount` cells (pure). */
export function sbatchScript(spec: SbatchScriptSpec, options: SlurmOptions): string {
  const opts = checkSlurmOptions(options);
  if (!Number.isInteger(spec.cellCount) || spec.cellCount < 1) {
    throw new ConfigError(`cells: ${spec.cellCount} cells is not allowed; expected at least 1`);
  }
  if (/[\s%]/.test(spec.logsDir)) {
    throw new ConfigError(`logs: ${JSON.stringify(spec.logsDir)} is not allowed; expected a folder path without spaces or %`);
  }
  const command = (spec.command ?? CLI_COMMAND).map(shellQuote).join(' ');
  const directives = [
    `--job-name=${opts.jobName}`,
    `--array=0-${spec.cellCount - 1}${opts.throttle !== undefined ? `%${opts.throttle}` : ''}`,
    ...(opts.partition !== undefined ? [`--partition=${opts.partition}`] : []),
    ...(opts.account !== undefined ? [`--account=${opts.account}`] : []),
    `--time=${opts.time}`,
    '--ntasks=1',
    `--cpus-per-task=${opts.cpusPerTask}`,
    `--mem=${opts.mem}`,
    ...(opts.gres !== undefined ? [`--gres=${opts.gres}`] : []),
    `--output=${spec.logsDir}/%A_%a.out`,
  ];
  return [
    '#!/bin/bash',
    ...directives.map((d) => `#SBATCH ${d}`),
    '#',
    '# Written by `grid slurm`: array task i runs the cell on line i + 1 of the cells file.',
    '# Resubmitting is safe: results are written atomically, finished cells are skipped.',
    'set -euo pipefail',
    `cd ${shellQuote(spec.repoRoot)}`,
    `CELLS=${shellQuote(spec.cellsFile)}`,
    '# One TensorFlow thread: the pinned numerics (src/backend.ts), unless exported by the submitter.',
    `export TF_NUM_INTRAOP_THREADS="\${TF_NUM_INTRAOP_THREADS:-${PINNED_NUMERICS.intraOpThreads}}"`,
    'export TF_NUM_INTEROP_THREADS=1',
    'export OMP_NUM_THREADS="$TF_NUM_INTRAOP_THREADS"',
    '# The argv of this task\'s cell, NUL-separated so that any character survives.',
    'mapfile -d \'\' -t ARGV < <(node -e \'',
    '  const [file, index] = process.argv.slice(1);',
    '  const cell = JSON.parse(require("fs").readFileSync(file, "utf8").split("\\n")[Number(index)]);',
    '  process.stderr.write(`cell ${index}: ${cell.key} on ${require("os").hostname()}\\n`);',
    '  for (const arg of cell.argv) process.stdout.write(arg + "\\0");\' "$CELLS" "$SLURM_ARRAY_TASK_ID")',
    'if [[ ${#ARGV[@]} -eq 0 ]]; then echo "no cell $SLURM_ARRAY_TASK_ID in $CELLS" >&2; exit 2; fi',
    `exec ${command} "\${ARGV[@]}"`,
    '',
  ].join('\n');
}

/** Where `writeSlurmJob` put the files of one array. */
export interface SlurmJobFiles {
  readonly dir: string;
  readonly cellsFile: string;
  readonly scriptFile: string;
  readonly logsDir: string;
}

/**
 * Writes `<dir>/cells.jsonl`, `<dir>/job.sbatch` and the empty `<dir>/logs/` for `cells` (all
 * paths absolute, so the script can be submitted from anywhere).
 */
export function writeSlurmJob(dir: string, cells: readonly GridCellCommand[], options: SlurmOptions, repoRoot: string, command?: readonly string[]): SlurmJobFiles {
  const abs = path.resolve(dir);
  const files = { dir: abs, cellsFile: path.join(abs, 'cells.jsonl'), scriptFile: path.join(abs, 'job.sbatch'), logsDir: path.join(abs, 'logs') };
  const script = sbatchScript({ repoRoot: path.resolve(repoRoot), cellsFile: files.cellsFile, logsDir: files.logsDir, cellCount: cells.length, command }, options);
  fs.mkdirSync(files.logsDir, { recursive: true });
  writeCellsFile(files.cellsFile, cells);
  writeFileAtomic(files.scriptFile, script);
  fs.chmodSync(files.scriptFile, 0o755);
  return files;
}

/** Runs `sbatch --parsable <script>` and returns the job id; throws one line on failure. */
export function submit(scriptFile: string, env: NodeJS.ProcessEnv = process.env): string {
  let out: string;
  try {
    out = execFileSync('sbatch', ['--parsable', scriptFile], { env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`sbatch ${scriptFile} failed: ${(err.stderr || err.message).trim().split('\n').pop()}`);
  }
  return parseSbatchParsable(out);
}

/** The job id in `sbatch --parsable` output (`<id>` or `<id>;<cluster>`). */
export function parseSbatchParsable(out: string): string {
  const id = out.trim().split(';')[0];
  if (!/^[0-9]+$/.test(id)) throw new Error(`sbatch printed ${JSON.stringify(out.trim())}; expected a job id`);
  return id;
}

/** One array task in `squeue` (running or pending). */
export interface QueuedTask {
  /** Array index; undefined for a pending range such as `[2-5%2]` still folded into one line. */
  readonly taskId: number;
  /** Slurm state: PENDING, RUNNING, COMPLETING, ... */
  readonly state: string;
}

/**
 * Parses `squeue -h -r -j <id> -o '%i %T'` (one line per array task, `<jobid>_<task> <state>`).
 * With `-r`, pending tasks are listed one per line too.
 */
export function parseSqueue(text: string): QueuedTask[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).flatMap((line) => {
    const m = /^[0-9]+_([0-9]+)\s+(\S+)$/.exec(line);
    return m ? [{ taskId: Number(m[1]), state: m[2] }] : [];
  });
}

/** Array tasks of `jobId` still in the queue (empty once the whole array has left it). */
export function queuedTasks(jobId: string, env: NodeJS.ProcessEnv = process.env): QueuedTask[] {
  const out = execFileSync('squeue', ['-h', '-r', '-j', jobId, '-o', '%i %T'], { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return parseSqueue(out);
}

/** One array task in `scontrol show job` (kept for MinJobAge, 300 s by default, after it ends). */
export interface ArrayTaskRecord {
  readonly taskId: number;
  /** COMPLETED, FAILED, RUNNING, PENDING, TIMEOUT, CANCELLED, OUT_OF_MEMORY, ... */
  readonly state: string;
  /** The task's exit code (the part before `:` of `ExitCode=3:0`). */
  readonly exitCode: number;
  /** The signal that ended it (the part after `:`), 0 if none. */
  readonly exitSignal: number;
}

/**
 * Parses `scontrol show job -o <id>`: one line per array task (`ArrayTaskId=2 JobState=FAILED
 * ... ExitCode=3:0`). A line for a folded pending range (`ArrayTaskId=2-5%2`) is skipped.
 */
export function parseScontrolJobs(text: string): ArrayTaskRecord[] {
  return text.split('\n').flatMap((line) => {
    const task = /(?:^|\s)ArrayTaskId=([0-9]+)(?=\s|$)/.exec(line);
    const state = /(?:^|\s)JobState=(\S+)/.exec(line);
    const exit = /(?:^|\s)ExitCode=([0-9]+):([0-9]+)/.exec(line);
    if (!task || !state || !exit) return [];
    return [{ taskId: Number(task[1]), state: state[1], exitCode: Number(exit[1]), exitSignal: Number(exit[2]) }];
  }).sort((a, b) => a.taskId - b.taskId);
}

/** The per-task records of `jobId` from `scontrol show job -o` (empty when Slurm forgot the job). */
export function arrayTaskRecords(jobId: string, env: NodeJS.ProcessEnv = process.env): ArrayTaskRecord[] {
  try {
    return parseScontrolJobs(execFileSync('scontrol', ['show', 'job', '-o', jobId], { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch {
    return []; // "Invalid job id specified" once the job is older than MinJobAge
  }
}
