/**
 * Issue 14's done-when: a smoke grid (toy RL, 2 seeds, 2 PPO iterations of 8 episodes) computed
 * serially (`grid run --jobs 1`), on two local workers (`--jobs 2`) and as a Slurm job array on a
 * local one-node cluster gives the same result files except timing fields (`finishedAt`, `wallMs`,
 * `time/*` step statistics). Each mode writes into its own `STUDY_DATASETS_DIR`. The Slurm part is
 * skipped with one line where Slurm cannot be started, unless CI is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../src/backend';
import { runGridCommand, type GridDeps } from '../../src/grid/grid_command';
import { queuedTasks } from '../../src/grid/slurm';
import { studyGridDeps } from '../../src/grid/study_steps';
import { startLocalSlurm, type LocalSlurm } from './local_slurm';
import { runMissingCellsInWorkers, workerSummaryLine } from '../../src/grid/notebook_grid';
import { resolveParams } from '../../src/study/params/resolve';
import { TOY_RL_PARAMS } from '../../src/study/rl/toy/schema';
import { runToyRlGrid } from '../../src/study/rl/toy/grid';
import type { ProgressState } from '../../src/viz/progress_display';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const root = path.resolve(__dirname, '..', '..');
const OVERRIDES = JSON.stringify({ toyData: { trainSize: 100, testSize: 8, probeSize: 10 }, toyRl: { tasks: [1], rates: [0], seeds: [0, 1], evalPrompts: 8, ppo: { nIterations: 2, batchSize: 8, miniBatchSize: 4, ppoEpochs: 1 } } });
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-e2e-'));
const saved = process.env.STUDY_DATASETS_DIR;
let cluster: LocalSlurm | undefined;
let skipReason: string | undefined;

before(async () => {
  await initBackend();
  const r = await startLocalSlurm();
  if (r.ok) cluster = r.cluster;
  else if (CI) throw new Error(`local Slurm could not be started and CI is set: ${r.reason}`);
  else skipReason = `local Slurm unavailable: ${r.reason}`;
});

after(async () => {
  await cluster?.stop();
  if (saved === undefined) delete process.env.STUDY_DATASETS_DIR;
  else process.env.STUDY_DATASETS_DIR = saved;
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** Runs `grid <args>` against a fresh datasets folder `name`; returns its folder and printed lines. */
async function grid(name: string, args: string[], extra: Partial<GridDeps> = {}): Promise<{ dir: string; code: number; lines: string[] }> {
  const dir = path.join(tmpRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  process.env.STUDY_DATASETS_DIR = dir;
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
  const code = await runGridCommand(args, { ...studyGridDeps({ onNotice: io.err }), io, repoRoot: root, ...extra });
  return { dir, code, lines };
}

/** The toy RL result files of a datasets folder, by file name relative to the store, timing fields removed. */
function results(dir: string): Record<string, unknown> {
  const store = path.join(dir, 'results', 'smoke', 'toy_rl');
  const out: Record<string, unknown> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const { finishedAt: _f, wallMs: _w, ...rest } = JSON.parse(fs.readFileSync(p, 'utf8'));
        out[path.relative(store, p)] = JSON.parse(JSON.stringify(rest, (k, v) => (k.startsWith('time/') ? undefined : v)));
      }
    }
  };
  walk(store);
  return out;
}

describe('grid: serial, local workers and a Slurm array agree', () => {
  let serial: Record<string, unknown>;

  it('computes the grid serially, then with --jobs 2 to the same results', async () => {
    const a = await grid('serial', ['run', 'toy-rl', '--preset', 'smoke', '--overrides', OVERRIDES, '--jobs', '1']);
    assert.equal(a.code, 0, a.lines.join('\n'));
    serial = results(a.dir);
    assert.equal(Object.keys(serial).length, 2);
    for (const f of Object.keys(serial)) assert.match(f, /^task1\/rate0\/seed[01]--[0-9a-f]{12}\.json$/);
    const b = await grid('jobs2', ['run', 'toy-rl', '--preset', 'smoke', '--overrides', OVERRIDES, '--jobs', '2']);
    assert.equal(b.code, 0, b.lines.join('\n'));
    assert.match(b.lines[0], /2 workers/);
    assert.deepEqual(results(b.dir), serial);
    const status = await grid('jobs2', ['status', 'toy-rl', '--preset', 'smoke', '--overrides', OVERRIDES]);
    assert.equal(status.lines[0], 'toy-rl (preset smoke): 2 cells, 2 done');
  });

  it("a notebook's jobs = 2 computes the missing cells in two workers, shows each worker, and the notebook's grid then reuses them all", async () => {
    const dir = path.join(tmpRoot, 'notebook');
    fs.mkdirSync(dir, { recursive: true });
    process.env.STUDY_DATASETS_DIR = dir;
    const params = resolveParams(TOY_RL_PARAMS, { preset: 'smoke', overrides: { ...JSON.parse(OVERRIDES), jobs: 2 }, env: {} });
    const states: ProgressState[] = [];
    const summary = await runMissingCellsInWorkers('toy-rl', params, params.jobs, { update: (s) => states.push(s) }, { cwd: root, heartbeatMs: 50 });
    assert.deepEqual({ workers: summary.workers, cells: summary.cells, alreadyStored: summary.alreadyStored, computed: summary.computed }, { workers: 2, cells: 2, alreadyStored: 0, computed: 2 });
    assert.ok(states.some((s) => s.workers?.length === 2 && s.workers.every((w) => /^worker [12]: task1\/rate0\/seed[01], \d+s$/.test(w))), JSON.stringify(states.map((s) => s.workers)));
    assert.deepEqual(results(dir), serial);
    const runs = await runToyRlGrid(params);
    assert.deepEqual(runs.map((r) => r.reused), [true, true]);
    const again = await runMissingCellsInWorkers('toy-rl', params, params.jobs, undefined, { cwd: root });
    assert.equal(again.computed, 0);
    assert.match(workerSummaryLine(again), /computed 0 of 2 runs .* \(2 were in the store\)$/);
    assert.equal((await runMissingCellsInWorkers('toy-rl', params, 1)).workers, 0, 'jobs = 1: the kernel computes');
  });

  it('computes the same grid as a Slurm job array to the same results', async (t) => {
    if (!cluster) return t.skip(skipReason);
    const dir = path.join(tmpRoot, 'slurm');
    const slurmEnv = { ...process.env, ...cluster.env, STUDY_DATASETS_DIR: dir };
    const s = await grid('slurm', ['slurm', 'toy-rl', '--preset', 'smoke', '--overrides', OVERRIDES, '--cpus-per-task', '1', '--mem', '500M', '--time', '5', '--submit'], {
      slurmEnv, cellCommand: [process.execPath, '--import', 'tsx', 'src/cli.ts'],
    });
    assert.equal(s.code, 0, s.lines.join('\n'));
    const jobId = /submitted job (\d+)/.exec(s.lines.join('\n'))?.[1];
    assert.ok(jobId, s.lines.join('\n'));
    const deadline = Date.now() + 90_000;
    while (queuedTasks(jobId, slurmEnv).length > 0) {
      assert.ok(Date.now() < deadline, `job ${jobId} still queued after 90 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(results(dir), serial);
  });
});
