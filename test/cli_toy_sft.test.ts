import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT_OK, EXIT_USAGE } from '../src/cli';
import { inProcess } from './cli_in_process';

const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-toy-sft-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** 40 examples, one epoch, a 1 x 16 classifier: well under a second of training. */
const TINY = JSON.stringify({ toySft: { data: { trainSize: 40 }, finetune: { epochs: 1 } }, toyData: { testSize: 8 }, toyRl: { model: { nLayer: 1, dModel: 16, nHead: 2 } } });

describe('cli toy-sft', () => {
  it('writes {config, errors, accuracy, lossNatsPerEpoch} and fills the result store; a rerun reuses the stored run', async () => {
    const out = path.join(tmp, 'nested', 'run.json');
    const store = path.join(tmp, 'store');
    const args = ['toy-sft', '--task', '7', '--rate', '0.1', '--seed', '1', '--preset', 'smoke', '--overrides', TINY, '--out', out, '--results-dir', store];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trained task7\/rate0\.1\/seed1: accuracy \d\.\d{3}, error both \d\.\d{3}, neither \d\.\d{3}, s_only \d\.\d{3}, t_only \d\.\d{3}/);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(json), ['config', 'errors', 'accuracy', 'lossNatsPerEpoch']);
    assert.deepEqual([json.config.task, json.config.data.target, json.config.data.spurious, json.config.data.rate, json.config.seed], [7, 'contains-1', 'first-last', 0.1, 1]);
    assert.deepEqual(Object.keys(json.errors).sort(), ['both', 'neither', 's_only', 't_only']);
    for (const v of [...Object.values(json.errors), json.accuracy]) assert.ok(typeof v === 'number' && v >= 0 && v <= 1);
    assert.ok(fs.readdirSync(path.join(store, 'task7', 'rate0.1')).some((f) => /^seed1--[0-9a-f]{12}\.json$/.test(f)), 'the store holds the run as <key>--<hash12>.json');

    const again = await inProcess(args);
    assert.equal(again.code, EXIT_OK, again.err.join('\n'));
    assert.match(again.out[0], /^reused task7\/rate0\.1\/seed1/);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), json);
  });

  it('exits 2 naming the field on a bad task or rate, or a missing --seed', async () => {
    const out = path.join(tmp, 'bad.json');
    const cases: [string[], RegExp][] = [
      [['--task', '2', '--rate', '1.5', '--seed', '0', '--out', out], /rate: 1\.5 is outside \[0, 1\]/],
      [['--task', '99', '--rate', '0', '--seed', '0', '--out', out], /task: 99 is not allowed; expected one of 1, 2, 3, 4, 5, 6/],
      [['--task', '2', '--rate', '0'], /^error: seed: missing; expected --seed <integer >= 0>$/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(['toy-sft', ...args]);
      assert.equal(r.code, EXIT_USAGE);
      assert.match(r.err[0], message);
    }
  });
});
