/**
 * Runs the study notebooks headless with the repository's own tslab kernel (`npm run notebooks`).
 *
 *   npm run notebooks -- [names…] [--preset P] [--overrides '<json>'] [--no-html] [--dir <folder>] [--timeout <s>]
 *
 * Names are notebook file-name prefixes (`01`, `01_synthetic_tasks`); none = every `NN_*.ipynb` in
 * order. Each notebook runs in its own kernel, started in the notebook's folder, with `STUDY_PRESET`
 * and `STUDY_OVERRIDES` in its environment. Results: `<dir>/executed/<name>.ipynb` and
 * `<dir>/reports/<name>.html`. Stops at the first failing cell (src/notebooks/execute_notebook.py
 * prints the cell and the kernel's real error) and exits 1.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseOverridesJson } from '../experiments/params';
import { PRESET_NAMES, type PresetName } from '../experiments/presets';
import { ConfigError, checkRange, oneOf } from '../util/assert';

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

/** Runs the selected notebooks one after another; returns the process exit code. */
export function runNotebooks(opts: RunnerOptions): number {
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
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.preset) env.STUDY_PRESET = opts.preset;
  if (opts.overrides !== undefined) env.STUDY_OVERRIDES = opts.overrides;
  delete env.NODE_TEST_CONTEXT; // set by node --test; would change how node:test behaves in the kernel
  const driver = path.join(ROOT, 'src', 'notebooks', 'execute_notebook.py');
  const settings = [
    `preset ${env.STUDY_PRESET ?? '(notebook default)'}`,
    env.STUDY_OVERRIDES ? `overrides ${env.STUDY_OVERRIDES}` : '',
    opts.cellTimeoutS > 0 ? `cell timeout ${opts.cellTimeoutS} s` : '',
  ].filter(Boolean);
  console.log(`notebooks: ${selected.length} to run (${settings.join(', ')})`);
  const startAll = Date.now();
  for (const file of selected) {
    const name = file.replace(/\.ipynb$/, '');
    const out = path.join(opts.dir, 'executed', `${name}.ipynb`);
    const args = [driver, path.join(opts.dir, file), '--out', out, '--timeout', String(opts.cellTimeoutS)];
    if (opts.html) args.push('--html', path.join(opts.dir, 'reports', `${name}.html`));
    console.log(`▶ ${name}`);
    const start = Date.now();
    const res = spawnSync(python, args, { stdio: 'inherit', env });
    const took = formatSeconds((Date.now() - start) / 1000);
    if (res.error || res.status !== 0) {
      const why = res.error ? res.error.message : res.signal ? `signal ${res.signal}` : `exit code ${res.status}`;
      console.error(`✗ ${name} failed after ${took} (${why}); executed cells saved in ${path.relative(ROOT, out)}`);
      return 1;
    }
    console.log(`✓ ${name} ${took} → ${path.relative(ROOT, out)}${opts.html ? `, reports/${name}.html` : ''}`);
  }
  console.log(`notebooks: all ${selected.length} ran in ${formatSeconds((Date.now() - startAll) / 1000)}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = runNotebooks(parseRunnerArgs(process.argv.slice(2)));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exitCode = 2;
  }
}
