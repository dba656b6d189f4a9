/**
 * A grid submitted as a Slurm job array to a real one-node cluster on 127.0.0.1 (started by
 * local_slurm.ts): every task writes its cell's output, the throttle holds, and the task that
 * fails on purpose is reported with its exit code. Skipped with one line where Slurm cannot be
 * started, unless CI=true: there it must run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startLocalSlurm, type LocalSlurm } from './local_slurm';
import { runGridCommand, type SlurmJobRecord } from '../../src/grid/grid_command';
import { arrayTaskRecords, queuedTasks } from '../../src/grid/slurm';

const CI = process.env.CI === 'true' || process.env.CI === '1';
let cluster: LocalSlurm | undefined;
let skipReason: string | undefined;

before(async () => {
  const r = await startLocalSlurm();
  if (r.ok) cluster = r.cluster;
  else if (CI) throw new Error(`local Slurm could not be started and CI is set: ${r.reason}`);
  else skipReason = `local Slurm unavailable: ${r.reason}`;
});

after(async () => {
  await cluster?.stop();
});

async function waitForArray(jobId: string, env: NodeJS.ProcessEnv, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (queuedTasks(jobId, env).length > 0) {
    assert.ok(Date.now() < deadline, `job ${jobId} still queued after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('grid slurm on a local cluster', () => {
  it('runs one array task per missing cell, throttled, and reports the failing one', async (t) => {
    if (!cluster) return t.skip(skipReason);
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-slurm-repo-'));
    const out = path.join(repo, 'out');
    fs.mkdirSync(out);
    // Cell `done0` is already in the "store"; `fail` exits with code 3.
    fs.writeFileSync(path.join(out, 'done0.json'), '{}');
    const keys = ['done0', 'a', 'b', 'fail', 'c'];
    const registry = {
      tiny: () => keys.map((key) => ({ key, argv: [out, key, '300', key === 'fail' ? '3' : '0'] })),
    };
    const lines: string[] = [];
    const deps = {
      registry, repoRoot: repo, slurmEnv: cluster.env, cellCommand: ['node', path.join(__dirname, 'tiny_cli.js')],
      isDone: (key: string) => fs.existsSync(path.join(out, `${key}.json`)),
      io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) },
      now: () => new Date('2024-01-31T12:00:00Z'),
    };
    const code = await runGridCommand(['slurm', 'tiny', '--preset', 'smoke', '--cpus-per-task', '1', '--mem', '100M', '--time', '5', '--throttle', '1', '--submit'], deps);
    assert.equal(code, 0, lines.join('\n'));
    const jobDir = path.join(repo, 'datasets', 'slurm', 'tiny-20240131-120000');
    const rec = JSON.parse(fs.readFileSync(path.join(jobDir, 'grid.json'), 'utf8')) as SlurmJobRecord;
    assert.equal(rec.cellCount, 4);
    assert.ok(rec.jobId && lines.includes(`submitted job ${rec.jobId}`), lines.join('\n'));
    await waitForArray(rec.jobId, cluster.env, 120_000);

    const tasks = arrayTaskRecords(rec.jobId, cluster.env);
    assert.deepEqual(tasks.map((r) => [r.taskId, r.state, r.exitCode]), [[0, 'COMPLETED', 0], [1, 'COMPLETED', 0], [2, 'FAILED', 3], [3, 'COMPLETED', 0]]);
    const written = ['a', 'b', 'c'].map((k) => JSON.parse(fs.readFileSync(path.join(out, `${k}.json`), 'utf8')));
    assert.deepEqual(written.map((w) => [w.task, w.env, w.cwd]), [['0', ['1', '1', '1'], repo], ['1', ['1', '1', '1'], repo], ['3', ['1', '1', '1'], repo]]);
    // --throttle 1: no two tasks overlapped in time (the node has room for two at once)
    const spans = written.map((w) => [w.startMs, w.endMs]).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 1][1], `tasks overlap: ${JSON.stringify(spans)}`);
    const failLog = fs.readFileSync(path.join(jobDir, 'logs', `${rec.jobId}_2.out`), 'utf8');
    assert.match(failLog, /cell 2: fail on /);
    assert.match(failLog, /tiny_cli: cell fail fails on purpose with exit code 3/);

    lines.length = 0;
    assert.equal(await runGridCommand(['status', 'tiny', '--preset', 'smoke'], deps), 0);
    assert.equal(lines[0], 'tiny (preset smoke): 5 cells, 4 done, 1 failed');
    assert.match(lines.find((l) => l.includes(' fail ')) ?? '', new RegExp(`^failed   fail  \\(FAILED, slurm job ${rec.jobId}_2, exit 3; log datasets/slurm/tiny-20240131-120000/logs/\\)$`));
  });
});
