import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT_OK, EXIT_USAGE } from '../src/cli';
import { inProcess } from './cli_in_process';
import { datasetsPath } from '../src/io/paths';

const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-toy-rl-'));
// The command also fills the preset's result store; this key (task 2, rate 0.123) is outside every preset's grid.
const storeDir = datasetsPath('results', 'smoke', 'toy_rl', 'task2', 'rate0.123');
/** The step log of the run's content-addressed result file (`seed0--<hash12>.steps.jsonl`). */
const stepLog = () => path.join(storeDir, fs.readdirSync(storeDir).find((f) => /^seed0--[0-9a-f]{12}\.steps\.jsonl$/.test(f)) ?? 'missing');
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(storeDir, { recursive: true, force: true });
});

/** One PPO iteration of 8 episodes on a 1 x 32 policy: well under a second of training. */
const TINY = JSON.stringify({ toyData: { trainSize: 100, testSize: 8, probeSize: 10 }, toyRl: { evalPrompts: 8, ppo: { nIterations: 2, batchSize: 8, miniBatchSize: 4, ppoEpochs: 1 } } });

describe('cli toy-rl', () => {
  it('writes {config, seed, steps, eval: {both, neither, s_only, t_only}, warnings}, and a rerun reuses the stored run', async () => {
    const out = path.join(tmp, 'nested', 'run.json');
    const args = ['toy-rl', '--task', '2', '--rate', '0.123', '--seed', '0', '--preset', 'smoke', '--overrides', TINY, '--out', out, '--force'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trained task2\/rate0\.123\/seed0: reward both \d\.\d{3}, neither \d\.\d{3}, s_only \d\.\d{3}, t_only \d\.\d{3}/);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(json), ['config', 'seed', 'steps', 'eval', 'warnings']);
    assert.equal(json.seed, 0);
    assert.equal(json.config.data.task, 2);
    assert.equal(json.config.data.rate, 0.123);
    assert.equal(json.config.ppo.learningRate, 3e-3);
    assert.deepEqual(Object.keys(json.eval).sort(), ['both', 'neither', 's_only', 't_only']);
    for (const v of Object.values(json.eval)) assert.ok(typeof v === 'number' && v >= 0 && v <= 1);
    assert.equal(json.steps.length, 2);
    for (const name of ['env/reward_mean', 'objective/kl', 'objective/kl_coef', 'ppo/loss/total', 'ppo/policy/clipfrac', 'ppo/val/vpred', 'ppo/grad_norm']) assert.ok(name in json.steps[0], name);
    // The step log beside the stored result holds one JSON line per iteration.
    assert.deepEqual(fs.readFileSync(stepLog(), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step), [1, 2]);

    const again = await inProcess(args.filter((a) => a !== '--force'));
    assert.equal(again.code, EXIT_OK, again.err.join('\n'));
    assert.match(again.out[0], /^reused task2\/rate0\.123\/seed0/);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), json);
  });

  it('exits 2 naming the field on a bad rate, task or an empty --out', async () => {
    const out = path.join(tmp, 'bad.json');
    const cases: [string[], RegExp][] = [
      [['--task', '2', '--rate', '1.5', '--seed', '0', '--out', out], /rate: 1\.5 is outside \[0, 1\]/],
      [['--task', '99', '--rate', '0', '--seed', '0', '--out', out], /task: 99/],
      [['--task', '1', '--rate', '0', '--seed', '0', '--out='], /^error: out: missing; expected a file path$/],
      [['--task', '1', '--rate', '0', '--seed', '0', '--results-dir='], /^error: results-dir: missing; expected a folder path$/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(['toy-rl', ...args]);
      assert.equal(r.code, EXIT_USAGE, args.join(' '));
      assert.match(r.err.join('\n'), message);
    }
    assert.equal(fs.existsSync(out), false);
  });
});
