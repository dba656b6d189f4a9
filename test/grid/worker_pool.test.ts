import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  defaultThreadsPerWorker, parseJobs, parsePositiveInt, resolveJobs, runCells, tailLines, threadEnv,
  type PoolProgress,
} from '../../src/grid/worker_pool';
import type { GridCellCommand } from '../../src/grid/cells';

const ROOT = path.resolve(__dirname, '../..');

/** A cell whose process writes its thread env and start/end times to `<dir>/<key>.json`. */
const WRITER = `
  const fs = require('fs');
  const [dir, key, sleepMs, code] = process.argv.slice(1);
  const startMs = Date.now();
  setTimeout(() => {
    const env = ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS'].map((k) => process.env[k]);
    fs.writeFileSync(dir + '/' + key + '.json', JSON.stringify({ env, startMs, endMs: Date.now() }));
    if (code !== '0') { process.stderr.write('line 1\\nline 2\\nboom: ' + key + '\\n'); process.exit(Number(code)); }
  }, Number(sleepMs));`;

function nodeSpec(cell: GridCellCommand) {
  return { command: process.execPath, args: ['-e', WRITER, ...cell.argv] };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'grid-pool-'));
}

describe('parseJobs', () => {
  it('reads a positive integer or auto', () => {
    assert.equal(parseJobs('3'), 3);
    assert.equal(parseJobs('auto'), 'auto');
  });
  it('rejects anything else with one line naming the flag', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '', undefined]) {
      assert.throws(() => parseJobs(bad), (e: Error) => /^jobs: .* is not allowed; expected an integer in \[1, 4096\] or 'auto'$/.test(e.message) && !e.message.includes('\n'));
    }
    assert.throws(() => parsePositiveInt('0', 'threads-per-worker'), { message: 'threads-per-worker: "0" is not allowed; expected an integer in [1, 4096]' });
  });
  it('auto uses floor(cores / threadsPerWorker), at least one worker', () => {
    assert.equal(resolveJobs('auto', 16, 4), 4);
    assert.equal(resolveJobs('auto', 16, 3), 5);
    assert.equal(resolveJobs('auto', 2, 4), 1);
    assert.equal(resolveJobs(7, 2, 4), 7);
    // The pinned numerics' one thread whatever the jobs and cores (it was cores / jobs, 8 here, which rounds differently).
    assert.equal(defaultThreadsPerWorker(2, 16), 1);
    assert.equal(defaultThreadsPerWorker(1, 2), 1);
    assert.equal(defaultThreadsPerWorker(32, 16), 1);
    assert.equal(defaultThreadsPerWorker('auto', 16), 1);
  });
  it('caps TensorFlow and OpenMP threads of a worker', () => {
    assert.deepEqual(threadEnv(3), { TF_NUM_INTRAOP_THREADS: '3', TF_NUM_INTEROP_THREADS: '1', OMP_NUM_THREADS: '3' });
  });
  it('keeps the last lines of stderr', () => {
    assert.equal(tailLines('a\nb\nc\n', 2), 'b\nc');
  });
});

describe('runCells', () => {
  it('runs every cell with two workers at once, each with its thread env', async () => {
    const dir = tmpDir();
    const cells = ['a', 'b', 'c', 'd'].map((key) => ({ key, argv: [dir, key, '400', '0'] }));
    const seen: PoolProgress[] = [];
    const r = await runCells(cells, { jobs: 2, threadsPerWorker: 3, cwd: ROOT, spawnSpec: nodeSpec, onProgress: (p) => seen.push(p) });
    assert.deepEqual([...r.done].sort(), ['a', 'b', 'c', 'd']);
    assert.equal(r.failures.length, 0);
    for (const key of ['a', 'b', 'c', 'd']) {
      const out = JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8'));
      assert.deepEqual(out.env, ['3', '1', '3']);
    }
    // two workers: never more than two cells at once, and both busy at the start
    const busy = seen.map((p) => p.workers.filter((w) => w.key !== undefined).length);
    assert.equal(Math.max(...busy), 2);
    assert.equal(seen[seen.length - 1].done, 4);
    assert.deepEqual(seen.filter((p) => p.event.kind === 'start').map((p) => p.event.key), ['a', 'b', 'c', 'd']);
  });

  it('reports a failing cell with its stderr tail and still runs the others', async () => {
    const dir = tmpDir();
    const cells = [
      { key: 'ok1', argv: [dir, 'ok1', '10', '0'] },
      { key: 'bad', argv: [dir, 'bad', '10', '3'] },
      { key: 'ok2', argv: [dir, 'ok2', '10', '0'] },
    ];
    const r = await runCells(cells, { jobs: 1, threadsPerWorker: 1, cwd: ROOT, spawnSpec: nodeSpec, stderrTailLines: 2 });
    assert.deepEqual(r.done, ['ok1', 'ok2']);
    assert.deepEqual(r.failures, [{ key: 'bad', exitCode: 3, signal: null, stderrTail: 'line 2\nboom: bad' }]);
  });

  it('reports a program that cannot start as a failure', async () => {
    const r = await runCells([{ key: 'x', argv: [] }], {
      jobs: 1, threadsPerWorker: 1, cwd: ROOT, spawnSpec: () => ({ command: '/nonexistent/program', args: [] }),
    });
    assert.equal(r.failures.length, 1);
    assert.match(r.failures[0].stderrTail, /^cannot start \/nonexistent\/program: /);
  });

  it('kills every worker process group on SIGTERM', async () => {
    const dir = tmpDir();
    const runner = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'pool_runner.ts'), dir, '2'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    runner.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 30_000;
    while (fs.readdirSync(dir).filter((f) => f.endsWith('.pids')).length < 2) {
      assert.ok(Date.now() < deadline, 'workers did not start within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = fs.readdirSync(dir).filter((f) => f.endsWith('.pids'))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split(' ').map(Number));
    runner.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => runner.on('close', r));
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), { interrupted: 'SIGTERM', failed: 2 });
    await new Promise((r) => setTimeout(r, 300));
    // zombies are reaped by init; a live pid would still have a running /proc entry
    const alive = pids.filter((pid) => {
      try {
        return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    });
    assert.deepEqual(alive, []);
  });
});
