// The headless runner's process tree (node runner -> .venv python driver -> kernel_guard.py ->
// tslab kernel, the last two in a session of their own) on the fixture 03_long_running, whose cell
// loops for FIXTURE_SECONDS, emits progress lines and appends `<kernel pid> <guard pid> <step>` to
// FIXTURE_HEARTBEAT every 100 ms. Checks that progress reaches the terminal, that a runner killed
// by SIGKILL (only the node process) leaves no kernel behind, and that SIGINT/SIGTERM print one line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'notebooks', '03_long_running.ipynb');
const VENV_PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while `pid` is a live process (a zombie, dead but not yet reaped, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

interface Started {
  child: ChildProcess;
  dir: string;
  heartbeat: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the runner on the long-running fixture in a fresh folder (with a `src` link). */
function startRunner(tag: string, seconds: number): Started {
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, '.cache', `test-runner-${tag}-`));
  fs.copyFileSync(FIXTURE, path.join(dir, path.basename(FIXTURE)));
  fs.symlinkSync(path.join(ROOT, 'src'), path.join(dir, 'src'));
  const heartbeat = path.join(dir, 'heartbeat.txt');
  const env: NodeJS.ProcessEnv = { ...process.env, FIXTURE_SECONDS: String(seconds), FIXTURE_HEARTBEAT: heartbeat };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'notebooks', 'run_notebooks.ts'), '--dir', dir, '03', '--preset', 'smoke'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, dir, heartbeat, output: () => out, exited };
}

/** Waits until the kernel runs the loop; returns the kernel's and its guard's pids. */
async function kernelPids(run: Started): Promise<{ kernel: number; guard: number }> {
  const first = await waitFor(`the kernel's heartbeat (runner output so far: ${run.output()})`, 150_000, () => {
    const text = fs.existsSync(run.heartbeat) ? fs.readFileSync(run.heartbeat, 'utf8') : '';
    return text.includes('\n') ? text.split('\n')[0] : undefined;
  });
  const [kernel, guard] = first.split(' ').map(Number);
  return { kernel, guard };
}

const skip = !fs.existsSync(VENV_PYTHON) && !process.env.CI ? 'no .venv: run npm run setup' : false;

describe('headless runner processes (end to end, ~30 s)', { skip }, () => {
  const runs: Started[] = [];
  after(() => {
    for (const r of runs) {
      if (r.child.exitCode === null && r.child.pid) r.child.kill('SIGKILL');
      fs.rmSync(r.dir, { recursive: true, force: true });
    }
  });

  let progress: Started;
  let killed: Started;
  let interrupted: Started;
  let terminated: Started;
  before(() => {
    // Four runners at once: each waits mostly on its kernel's start-up.
    progress = startRunner('progress', 6);
    killed = startRunner('sigkill', 600);
    interrupted = startRunner('sigint', 600);
    terminated = startRunner('sigterm', 600);
    runs.push(progress, killed, interrupted, terminated);
  });

  it('prints the kernel\'s progress lines while the cell runs, rate-limited, and the last one', async () => {
    const { code } = await progress.exited;
    const out = progress.output();
    assert.equal(code, 0, out);
    const steps = [...out.matchAll(/^ {2}fixture step (\d+)\/60$/gm)].map((m) => Number(m[1]));
    assert.ok(steps.length >= 2, `progress lines printed: ${out}`);
    // The cell sleeps ~6 s, but a loaded machine stretches it: bound by the time the runner measured.
    const tookS = Number(/^ {2}cell 3\/3 took (\d+\.\d) s$/m.exec(out)?.[1] ?? NaN);
    assert.ok(Number.isFinite(tookS), `the cell's time is printed: ${out}`);
    assert.ok(steps.length <= Math.floor(tookS / 2) + 2, `at most one line per 2 s plus the last over ${tookS} s: ${steps.join(', ')}`);
    assert.ok(steps.length < 60, 'lines are rate-limited, not all 60 printed');
    assert.equal(steps[steps.length - 1], 60, 'the last line is shown when the cell ends');
    assert.match(out, /^ {2}cell 3\/3 took \d+\.\d s$/m);
    assert.ok(out.indexOf('fixture step 60/60') < out.indexOf('cell 3/3 took'), 'the last progress line comes before the cell\'s time');
  });

  it('leaves no kernel behind when only the runner (node) is killed with SIGKILL', async () => {
    const { kernel, guard } = await kernelPids(killed);
    assert.ok(alive(kernel) && alive(guard));
    assert.ok(killed.child.pid !== undefined);
    process.kill(killed.child.pid, 'SIGKILL');
    await killed.exited;
    await waitFor(`kernel ${kernel} and guard ${guard} to exit`, 10_000, () => (!alive(kernel) && !alive(guard) ? true : undefined));
    const size = fs.statSync(killed.heartbeat).size;
    await sleep(1000);
    assert.equal(fs.statSync(killed.heartbeat).size, size, 'nothing writes after the kill');
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`on ${signal} prints one 'interrupted' line, no kernel trace, exits ${code} and stops the kernel`, async () => {
      const run = signal === 'SIGINT' ? interrupted : terminated;
      const { kernel } = await kernelPids(run);
      const before = run.output();
      assert.ok(run.child.pid !== undefined);
      process.kill(run.child.pid, signal);
      const res = await run.exited;
      const after = run.output().slice(before.length);
      assert.equal(res.code, code, run.output());
      assert.match(after, /^interrupted: \d+ runs? finished and kept; rerun the same command to resume \(stopped in 03_long_running at cell 3\/3, 0 of 1 notebooks done\)\n$/);
      assert.doesNotMatch(run.output(), /DeadKernelError|Traceback|FAILED/);
      await waitFor(`kernel ${kernel} to exit`, 10_000, () => (!alive(kernel) ? true : undefined));
    });
  }
});
