/**
 * Runs the study notebooks headless with the repository's own tslab kernel (`npm run notebooks`).
 *
 *   npm run notebooks -- [names…] [--preset P] [--overrides '<json>'] [--no-html] [--dir <folder>] [--timeout <s>]
 *
 * Names are notebook file-name prefixes (`01`, `01_synthetic_tasks`); none = every `NN_*.ipynb` in
 * order. Each notebook runs in its own kernel, started in the notebook's folder, with `STUDY_PRESET`
 * and `STUDY_OVERRIDES` in its environment. Results, per preset: `<dir>/executed/<preset>/<name>.ipynb`
 * and `<dir>/reports/<preset>/<name>.html` (with a local KaTeX copy in `reports/<preset>/katex/`, so
 * formulas render offline). Stops at the first failing cell (src/notebooks/execute_notebook.py
 * prints the cell and the kernel's real error) and exits 1.
 *
 * While a cell runs, the kernel's progress lines (src/io/progress_channel.ts) are printed at
 * most every 2 s, with a `cell k/n running for …` heartbeat every 30 s of quiet. The kernel dies with
 * the runner whatever kills it (src/notebooks/kernel_guard.py); Ctrl-C or SIGTERM print one line
 * and exit 130 / 143.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Readable } from 'stream';
import { parseOverridesJson } from '../study/params/resolve';
import { PRESET_NAMES, type PresetName } from '../study/params/presets';
import { ConfigError, checkRange, oneOf } from '../util/assert';
import { ProgressFileReader, PROGRESS_FILE_ENV } from '../io/progress_channel';
import { datasetsPath } from '../io/paths';
import { countResultFilesSince } from '../io/run_store';
import { TerminalProgress } from './terminal_progress';

/** Repository root (this file lives in `src/notebooks/`). */
const ROOT = path.resolve(__dirname, '..', '..');
/** A study notebook: two digits, underscore, name. */
const NOTEBOOK_FILE = /^\d\d_.+\.ipynb$/;
/** Per-cell limit under `--preset smoke` (CI) when `--timeout` is not given; other presets have none. */
const SMOKE_CELL_TIMEOUT_S = 600;

/** What the command line asks for. */
export interface RunnerOptions {
  /** Notebook name prefixes; empty = all. */
  names: string[];
  /** `--preset`: passed to the kernels as `STUDY_PRESET`; undefined leaves the environment's. */
  preset?: PresetName;
  /** `--overrides`: JSON object text passed as `STUDY_OVERRIDES`; undefined leaves the environment's. */
  overrides?: string;
  /** `--no-html` clears it: write HTML reports (default true). */
  html: boolean;
  /** `--dir`: folder holding the notebooks (default `notebooks/` of the repository). */
  dir: string;
  /** `--timeout`: seconds per cell, 0 = none (default: 600 under the smoke preset, else 0). */
  cellTimeoutS: number;
}

const USAGE =
  'usage: npm run notebooks -- [names…] [--preset smoke|laptop|paper] [--overrides <json>] [--no-html] [--dir <folder>] [--timeout <s per cell>]';

/** Parses the runner's arguments; bad values throw `ConfigError` naming the flag. */
export function parseRunnerArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): RunnerOptions {
  const opts: RunnerOptions = { names: [], html: true, dir: path.join(ROOT, 'notebooks'), cellTimeoutS: -1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new ConfigError(`${arg}: needs a value; ${USAGE}`);
      return v;
    };
    if (arg === '--preset') opts.preset = oneOf('--preset', value(), PRESET_NAMES);
    else if (arg === '--overrides') {
      const text = value();
      parseOverridesJson(text, '--overrides');
      opts.overrides = text;
    } else if (arg === '--no-html') opts.html = false;
    else if (arg === '--dir') opts.dir = path.resolve(value());
    else if (arg === '--timeout') {
      const text = value();
      const seconds = text.trim() === '' ? NaN : Number(text);
      opts.cellTimeoutS = checkRange('--timeout', Number.isNaN(seconds) ? text : seconds, 0, 7 * 24 * 3600);
    }
    else if (arg === '-h' || arg === '--help') throw new ConfigError(USAGE);
    else if (arg.startsWith('-')) throw new ConfigError(`${arg}: unknown option; ${USAGE}`);
    else opts.names.push(arg.replace(/\.ipynb$/, ''));
  }
  if (opts.cellTimeoutS < 0) {
    const preset = opts.preset ?? env.STUDY_PRESET;
    opts.cellTimeoutS = preset === 'smoke' ? SMOKE_CELL_TIMEOUT_S : 0;
  }
  return opts;
}

/**
 * Picks notebooks (file names, in file order) whose name starts with one of `names`; all of
 * them for no names. A name that matches nothing throws, listing what exists.
 */
export function selectNotebooks(files: readonly string[], names: readonly string[]): string[] {
  const notebooks = files.filter((f) => NOTEBOOK_FILE.test(f)).sort();
  if (names.length === 0) return notebooks;
  for (const name of names) {
    if (!notebooks.some((f) => f.startsWith(name))) {
      throw new ConfigError(`notebook '${name}': no match; expected a prefix of ${notebooks.join(', ') || '(no NN_*.ipynb notebooks)'}`);
    }
  }
  return notebooks.filter((f) => names.some((n) => f.startsWith(n)));
}

function formatSeconds(s: number): string {
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The preset a run writes under: `--preset`, else `STUDY_PRESET`, else the notebooks' default `laptop`. */
export function resolvePreset(opts: Pick<RunnerOptions, 'preset'>, env: Readonly<Record<string, string | undefined>>): PresetName {
  return opts.preset ?? oneOf('STUDY_PRESET', env.STUDY_PRESET || 'laptop', PRESET_NAMES);
}

/** Where one notebook's executed copy and HTML report go: per preset, so presets never overwrite each other. */
export function outputPaths(dir: string, preset: PresetName, name: string): { executed: string; report: string; reportsDir: string } {
  const reportsDir = path.join(dir, 'reports', preset);
  return { executed: path.join(dir, 'executed', preset, `${name}.ipynb`), report: path.join(reportsDir, `${name}.html`), reportsDir };
}

/** The files of the katex npm package that a report needs (woff2 fonts only: every current browser reads them). */
const KATEX_FILES = [/^katex\.min\.(js|css)$/, /^contrib\/auto-render\.min\.js$/, /^fonts\/.*\.woff2$/];

/**
 * Copies KaTeX (the npm package's `dist/`, scripts, stylesheet and woff2 fonts, ~0.6 MB) into
 * `<reportsDir>/katex/`, which the reports' template loads with relative links. Returns the folder.
 */
export function copyKatex(reportsDir: string): string {
  const dist = path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
  const target = path.join(reportsDir, 'katex');
  const walk = (rel: string): string[] =>
    fs.readdirSync(path.join(dist, rel), { withFileTypes: true }).flatMap((e) => {
      const r = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? walk(r) : [r];
    });
  for (const rel of walk('').filter((r) => KATEX_FILES.some((re) => re.test(r)))) {
    fs.mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
    fs.copyFileSync(path.join(dist, rel), path.join(target, rel));
  }
  return target;
}

/** Calls `onLine` for each complete line of `stream`. */
function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    lines.forEach(onLine);
  });
}

/** How the driver of one notebook ended. */
interface DriverExit {
  /** Exit code, or 128 + signal number when a signal ended it. */
  code: number;
  /** Set when it ended because of SIGINT or SIGTERM (of the runner, or of the driver itself). */
  interrupted?: NodeJS.Signals;
}

/** Tick of the progress relay, ms. */
const TICK_MS = 500;
/** After a SIGINT/SIGTERM, the driver gets this long to kill its kernel before it is killed, ms. */
const KILL_GRACE_MS = 5000;

/** Runs the selected notebooks one after another; resolves to the process exit code. */
export async function runNotebooks(opts: RunnerOptions): Promise<number> {
  const python = path.join(ROOT, '.venv', 'bin', 'python');
  if (!fs.existsSync(python)) {
    console.error(`notebooks: no Python environment at ${python}: run npm run setup`);
    return 2;
  }
  if (!fs.existsSync(opts.dir)) throw new ConfigError(`--dir: ${opts.dir} does not exist`);
  const selected = selectNotebooks(fs.readdirSync(opts.dir), opts.names);
  if (selected.length === 0) {
    console.log(`notebooks: no NN_*.ipynb notebooks in ${opts.dir}; nothing to run`);
    return 0;
  }
  const preset = resolvePreset(opts, process.env);
  const env: NodeJS.ProcessEnv = { ...process.env, STUDY_PRESET: preset, STUDY_RUNNER_PID: String(process.pid), PYTHONUNBUFFERED: '1' };
  if (opts.overrides !== undefined) env.STUDY_OVERRIDES = opts.overrides;
  delete env.NODE_TEST_CONTEXT; // set by node --test; would change how node:test behaves in the kernel
  const driver = path.join(ROOT, 'src', 'notebooks', 'execute_notebook.py');
  const settings = [
    `preset ${preset}`,
    env.STUDY_OVERRIDES ? `overrides ${env.STUDY_OVERRIDES}` : '',
    opts.cellTimeoutS > 0 ? `cell timeout ${opts.cellTimeoutS} s` : '',
  ].filter(Boolean);
  console.log(`notebooks: ${selected.length} to run (${settings.join(', ')})`);
  if (opts.html) copyKatex(path.join(opts.dir, 'reports', preset));

  // Stopping: SIGINT/SIGTERM, or the runner's parent gone (npm killed): the driver kills its kernel.
  let stop: NodeJS.Signals | undefined;
  let current: ChildProcess | undefined;
  const onStop = (sig: NodeJS.Signals): void => {
    if (stop) return;
    stop = sig;
    current?.kill(sig);
    setTimeout(() => current?.kill('SIGKILL'), KILL_GRACE_MS).unref();
  };
  const parentPid = process.ppid;
  const parentWatch = setInterval(() => process.ppid !== parentPid && onStop('SIGTERM'), TICK_MS);
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  process.stdout.on('error', () => undefined); // a closed terminal must not turn stopping into a crash
  const print = (line: string): void => {
    if (!stop) console.log(line);
  };
  const startAll = Date.now();
  /** The cell (`k/n`) that was running when the last driver ended. */
  let interruptedAt: string | undefined;

  const runOne = (name: string, args: string[]): Promise<DriverExit> =>
    new Promise((resolve) => {
      const progressFile = path.join(os.tmpdir(), `study-progress-${process.pid}-${name}.txt`);
      fs.rmSync(progressFile, { force: true });
      const terminal = new TerminalProgress({ print });
      const reader = new ProgressFileReader(progressFile);
      const relay = (): void => reader.readNewLines().forEach((line) => terminal.progressLine(line, Date.now()));
      const child = spawn(python, [...args, '--status-fd', '3'], { env: { ...env, [PROGRESS_FILE_ENV]: progressFile }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
      current = child;
      child.stdout?.on('data', (d: Buffer) => !stop && process.stdout.write(d));
      child.stderr?.on('data', (d: Buffer) => !stop && process.stderr.write(d));
      eachLine(child.stdio[3] as Readable, (line) => {
        const [event, k, n] = line.trim().split(' ');
        relay();
        if (event === 'start') terminal.cellStarted(Number(k), Number(n), Date.now());
        else if (event === 'end') terminal.cellEnded(Date.now());
      });
      const ticker = setInterval(() => {
        relay();
        terminal.tick(Date.now());
      }, TICK_MS);
      const finish = (result: DriverExit): void => {
        clearInterval(ticker);
        relay();
        terminal.flush();
        fs.rmSync(progressFile, { force: true });
        current = undefined;
        interruptedAt = terminal.runningCell();
        resolve(result);
      };
      child.on('error', (err) => {
        console.error(`notebooks: could not start ${python}: ${err.message}`);
        finish({ code: 2 });
      });
      child.on('exit', (code, signal) => {
        const exitCode = code ?? 128 + (signal ? os.constants.signals[signal] : 0);
        const bySignal = stop ?? (exitCode === 130 || signal === 'SIGINT' ? 'SIGINT' : exitCode === 143 || signal === 'SIGTERM' ? 'SIGTERM' : undefined);
        finish({ code: exitCode, interrupted: bySignal });
      });
    });

  let done = 0;
  try {
    for (const file of selected) {
      const name = file.replace(/\.ipynb$/, '');
      const out = outputPaths(opts.dir, preset, name);
      const args = [driver, path.join(opts.dir, file), '--out', out.executed, '--timeout', String(opts.cellTimeoutS)];
      if (opts.html) args.push('--html', out.report);
      if (stop) break;
      print(`▶ ${name}`);
      const start = Date.now();
      const res = await runOne(name, args);
      const took = formatSeconds((Date.now() - start) / 1000);
      if (res.interrupted || stop) {
        const sig = stop ?? res.interrupted ?? 'SIGINT';
        const where = `stopped in ${name}${interruptedAt ? ` at cell ${interruptedAt}` : ''}, ${done} of ${selected.length} notebooks done`;
        console.error(`${interruptedLine(startAll)} (${where})`);
        return 128 + os.constants.signals[sig];
      }
      if (res.code !== 0) {
        console.error(`✗ ${name} failed after ${took} (exit code ${res.code}); executed cells saved in ${path.relative(ROOT, out.executed)}`);
        return 1;
      }
      done++;
      print(`✓ ${name} ${took} → ${path.relative(ROOT, out.executed)}${opts.html ? `, ${path.relative(ROOT, out.report)}` : ''}`);
    }
  } finally {
    clearInterval(parentWatch);
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
  }
  if (stop) {
    console.error(`${interruptedLine(startAll)} (${done} of ${selected.length} notebooks done)`);
    return 128 + os.constants.signals[stop];
  }
  console.log(`notebooks: all ${selected.length} ran in ${formatSeconds((Date.now() - startAll) / 1000)}`);
  return 0;
}

/** The one line printed on Ctrl-C / SIGTERM: how many runs this session stored (all kept). */
export function interruptedLine(sinceMs: number, resultsRoot: string = datasetsPath('results')): string {
  const n = countResultFilesSince(resultsRoot, sinceMs);
  return `interrupted: ${n} run${n === 1 ? '' : 's'} finished and kept; rerun the same command to resume`;
}

if (require.main === module) {
  // Parsing inside the promise, so a bad option is one line and exit 2 like any ConfigError.
  Promise.resolve().then(() => runNotebooks(parseRunnerArgs(process.argv.slice(2)))).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (!(e instanceof ConfigError)) throw e;
      console.error(e.message);
      process.exitCode = 2;
    },
  );
}
