import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT_OK, EXIT_USAGE } from '../src/cli';
import { inProcess } from './cli_in_process';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-language-rl-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 1 x 16 language model pre-trained for 5 steps into a temporary folder, and two PPO steps of 4 rollouts on it. */
const TINY = JSON.stringify({
  corpus: { tokenizer: { vocabSize: 300 } },
  lm: { trainPassages: 300, model: { nLayer: 1, dModel: 16, nHead: 2, nPositions: 24, dropout: 0 }, training: { totalSteps: 5, batchSize: 4, warmupSteps: 1, evalEvery: 5, evalWindows: 2 } },
  languageRl: { ppo: { nIterations: 2, batchSize: 4, miniBatchSize: 2 }, responseTokens: 4, data: { testSize: 2 }, reward: { kind: 'vader' } },
});

describe('cli language-rl', () => {
  it('writes {config, ...result} with normalised scores per partition, and a rerun reuses the stored run', async () => {
    const out = path.join(tmp, 'rl.json');
    const args = ['language-rl', '--task', '22', '--rate', '0.5', '--seed', '0', '--preset', 'smoke', '--overrides', TINY, '--out', out, '--results-dir', path.join(tmp, 'store'), '--models-dir', path.join(tmp, 'models')];
    const r = await inProcess(args);
    assert.equal(r.code, EXIT_OK, r.err.join('\n'));
    assert.match(r.out[0], /^trained task22\/rate0\.5\/seed0: normalised score both \d\.\d{3}, neither \d\.\d{3}, s_only \d\.\d{3}, t_only \d\.\d{3} -> /);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual([json.config.data.task, json.config.data.rate, json.config.seed, json.config.reward.kind, json.steps.length], [22, 0.5, 0, 'vader', 2]);
    const again = await inProcess(args);
    assert.equal(again.code, EXIT_OK, again.err.join('\n'));
    assert.match(again.out[0], /^reused task22\/rate0\.5\/seed0/);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), json);
  });

  it('exits 2 naming the field on a bad task or rate, or a missing --seed, before loading any model', async () => {
    const out = path.join(tmp, 'bad.json');
    const cases: [string[], RegExp][] = [
      [['language-rl', '--task', '3', '--rate', '0', '--seed', '0', '--out', out], /task: 3 is not allowed; expected one of 0, 1, 2, 5, 6, 8, 9, 12, 22, 23/],
      [['language-rl', '--task', '1', '--rate', '2', '--seed', '0', '--out', out], /rate: 2 is outside \[0, 1\]/],
      [['language-rl', '--task', '1', '--rate', '0'], /seed: missing; expected --seed <integer >= 0>/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess([...args, '--models-dir', path.join(tmp, 'never')]);
      assert.equal(r.code, EXIT_USAGE, r.err.join('\n'));
      assert.match(r.err[0], message);
    }
    assert.ok(!fs.existsSync(path.join(tmp, 'never')), 'no model was trained');
  });
});
