import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunStore, configHash, contentHash, RUN_SCHEMA_VERSION } from '../../src/io/run_store';
import { sha256Hex } from '../../src/io/manifest';
import { isLockHeld, tryLock } from '../../src/io/run_lock';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'run-store-'));
const root = path.resolve(__dirname, '..', '..');
type Cfg = { task: number; iterations: number };
const baseline = { key: 'task1/rate0/seed3', config: { task: 1, iterations: 30 } as Cfg };
const ablation = { key: 'task1/rate0/seed3', config: { task: 1, iterations: 4 } as Cfg };

function quietStore(dir: string, notices: string[] = [], backend = 'cpu'): RunStore {
  return new RunStore(dir, { kind: 'toy_rl', backend: () => backend, onNotice: (l) => notices.push(l) });
}

describe('run store: content-addressed results', () => {
  it('keeps the baseline when an ablation of the same key runs: baseline, ablation, baseline trains twice, not three times', async () => {
    const store = quietStore(tmp());
    let trained = 0;
    const train = async () => (trained++, { reward: 0.5 });
    assert.equal((await store.runOrReuse(baseline, train)).reused, false);
    assert.equal((await store.runOrReuse(ablation, train)).reused, false);
    const again = await store.runOrReuse(baseline, train);
    assert.equal(again.reused, true);
    assert.equal(trained, 2);
    const files = store.entries().map((e) => path.basename(e.file)).sort();
    assert.equal(files.length, 2);
    for (const f of files) assert.match(f, /^seed3--[0-9a-f]{12}\.json$/);
    assert.deepEqual(store.keys(), ['task1/rate0/seed3']);
  });

  it('names the file after sha256 of the canonical {run, config} (independent of key order)', () => {
    const store = quietStore(tmp());
    const run = { kind: 'toy_rl', algorithmVersion: 2, backend: 'cpu' };
    // Canonical JSON written out by hand: keys sorted at every level.
    const expected = sha256Hex('{"config":{"iterations":30,"task":1},"run":{"algorithmVersion":2,"backend":"cpu","kind":"toy_rl"}}').slice(0, 12);
    assert.equal(configHash(run, { task: 1, iterations: 30 }), expected);
    assert.equal(configHash(run, { iterations: 30, task: 1 }), expected);
    assert.equal(store.file(baseline.key, baseline.config), path.join(store.dir, 'task1', 'rate0', `seed3--${expected}.json`));
  });

  it('keeps runs of different backends and algorithm versions apart', async () => {
    const dir = tmp();
    let trained = 0;
    const train = async () => (trained++, 1);
    await quietStore(dir, [], 'cpu').runOrReuse(baseline, train);
    assert.equal((await quietStore(dir, [], 'tensorflow').runOrReuse(baseline, train)).reused, false);
    assert.equal((await quietStore(dir, [], 'cpu').runOrReuse(baseline, train)).reused, true);
    const otherKind = new RunStore(dir, { kind: 'toy_sft', backend: () => 'cpu', onNotice: () => undefined });
    assert.notEqual(otherKind.file(baseline.key, baseline.config), quietStore(dir).file(baseline.key, baseline.config));
    assert.equal(trained, 2);
  });

  it('loads exactly the cells asked for: an ablation result does not stand in for the baseline', async () => {
    const store = quietStore(tmp());
    await store.runOrReuse(ablation, async () => 1);
    assert.deepEqual(store.loadExisting([baseline]).missing, ['task1/rate0/seed3']);
    assert.throws(() => store.loadRuns([baseline], 'toy RL results', 'notebook 03'), /toy RL results: 1 of 1 runs missing/);
    assert.equal(store.loadRuns([ablation], 'toy RL results', 'notebook 03')[0].result, 1);
  });
});

describe('run store: verified results', () => {
  it('records the schema version and sha256 of canonical {run, config, result}', async () => {
    const store = quietStore(tmp());
    await store.runOrReuse(baseline, async () => ({ reward: 0.25 }));
    const file = JSON.parse(fs.readFileSync(store.file(baseline.key, baseline.config), 'utf8'));
    assert.equal(file.schemaVersion, RUN_SCHEMA_VERSION);
    assert.equal(file.schemaVersion, 2);
    const expected = sha256Hex('{"config":{"iterations":30,"task":1},"result":{"reward":0.25},"run":{"algorithmVersion":2,"backend":"cpu","kind":"toy_rl"}}');
    assert.equal(file.contentHash, expected);
    assert.equal(contentHash(file.run, file.config, file.result), expected);
  });

  for (const [what, tamper, reason] of [
    ['an edited number', (f: Record<string, any>) => { f.result.reward = 0.99; }, /content hash does not match/],
    ['a missing field', (f: Record<string, any>) => { delete f.result; }, /missing field result/],
    ['another schema version', (f: Record<string, any>) => { f.schemaVersion = 1; }, /schema version 1, expected 2/],
    ['a torn file', null, /not valid JSON/],
  ] as const) {
    it(`recomputes a result file with ${what}, with one notice naming the file and the reason`, async () => {
      const notices: string[] = [];
      const store = quietStore(tmp(), notices);
      await store.runOrReuse(baseline, async () => ({ reward: 0.25 }));
      const file = store.file(baseline.key, baseline.config);
      if (tamper) {
        const json = JSON.parse(fs.readFileSync(file, 'utf8'));
        tamper(json);
        fs.writeFileSync(file, JSON.stringify(json));
      } else fs.writeFileSync(file, '{"schemaVersion": 2, "res');
      let trained = 0;
      const r = await store.runOrReuse(baseline, async () => (trained++, { reward: 0.5 }));
      assert.equal(r.reused, false);
      assert.equal(trained, 1);
      assert.equal(notices.length, 1);
      assert.ok(!notices[0].includes('\n'));
      assert.ok(notices[0].startsWith(`${file}: `), notices[0]);
      assert.match(notices[0], reason);
      assert.match(notices[0], /recomputing$/);
      // The recomputed file verifies again.
      assert.equal((await store.runOrReuse(baseline, async () => (trained++, 0))).reused, true);
      assert.equal(trained, 1);
    });
  }

  it('reports a tampered result as missing to an analysis (no crash, one notice)', async () => {
    const notices: string[] = [];
    const store = quietStore(tmp(), notices);
    await store.runOrReuse(baseline, async () => ({ reward: 0.25 }));
    const file = store.file(baseline.key, baseline.config);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete json.result.reward;
    fs.writeFileSync(file, JSON.stringify(json));
    assert.deepEqual(store.loadExisting([baseline]).missing, [baseline.key]);
    assert.equal(notices.length, 1);
  });
});

describe('run store: one writer per run', () => {
  it('two processes started on the same run compute it once; the second waits, then reuses', async () => {
    const dir = tmp();
    const counter = path.join(dir, 'calls.txt');
    const start = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/io/run_store_worker.ts', dir, counter, '1500'], { cwd: root });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const [a, b] = await Promise.all([start(), start()]);
    assert.equal(a.code, 0, a.err);
    assert.equal(b.code, 0, b.err);
    assert.deepEqual([a.out.trim(), b.out.trim()].sort(), ['computed', 'reused']);
    assert.equal(fs.readFileSync(counter, 'utf8').trim().split('\n').length, 1);
    assert.match(a.err + b.err, /waiting for pid \d+ on /);
    const store = new RunStore(dir, { kind: 'toy_rl', backend: () => 'cpu' });
    const log = fs.readFileSync(store.stepLogFile('task1/rate0/seed3', { lr: 0.1 }), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(log.map((l) => l.step), [1, 2, 3]);
    assert.equal(new Set(log.map((l) => l.pid)).size, 1, 'one writer in the step log');
    assert.ok(!fs.existsSync(store.lockFile('task1/rate0/seed3', { lr: 0.1 })), 'lock released');
  });

  it('takes over the lock of a process that died (SIGKILL leaves a stale lock file)', async () => {
    const dir = tmp();
    const store = quietStore(dir);
    const lock = store.lockFile(baseline.key, baseline.config);
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(lock, JSON.stringify({ pid: Number(dead.stdout), startTicks: '1', host: os.hostname(), takenAt: new Date().toISOString() }));
    assert.equal(isLockHeld(lock), false);
    const r = await store.runOrReuse(baseline, async () => 7);
    assert.equal(r.result, 7);
    assert.ok(!fs.existsSync(lock));
  });

  it('sees a live holder as holding the lock, and lets it go on release', () => {
    const lock = path.join(tmp(), 'x.lock');
    const release = tryLock(lock);
    assert.ok(release);
    assert.equal(isLockHeld(lock), true);
    assert.equal(tryLock(lock), undefined);
    release!();
    assert.equal(isLockHeld(lock), false);
  });

  it('writes each attempt its own step log: a run resumed after a crash, or forced, has each iteration once', async () => {
    const store = quietStore(tmp());
    const train = (iterations: number, crashAt?: number) => async (ctx: { stepLogFile: string }) => {
      for (let i = 1; i <= iterations; i++) {
        if (i === crashAt) throw new Error('killed');
        fs.appendFileSync(ctx.stepLogFile, JSON.stringify({ step: i }) + '\n');
      }
      return iterations;
    };
    await assert.rejects(store.runOrReuse(baseline, train(4, 3)), /killed/);
    assert.ok(!fs.existsSync(store.stepLogFile(baseline.key, baseline.config)), 'no log of the failed attempt');
    await store.runOrReuse(baseline, train(4));
    await store.runOrReuse(baseline, train(4), { force: true });
    const steps = fs.readFileSync(store.stepLogFile(baseline.key, baseline.config), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(steps, [1, 2, 3, 4]);
    assert.deepEqual(fs.readdirSync(path.dirname(store.file(baseline.key, baseline.config))).filter((f) => f.includes('.tmp-')), []);
  });
});
