import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT_OK, EXIT_USAGE } from '../src/cli';
import { inProcess } from './cli_in_process';

const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-language-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 1 x 16 language model pre-trained for 5 steps into a temporary folder (never the preset's cached model). */
const TINY_LM = {
  corpus: { tokenizer: { vocabSize: 300 } },
  lm: { trainPassages: 300, model: { nLayer: 1, dModel: 16, nHead: 2, nPositions: 32, dropout: 0 }, training: { totalSteps: 5, batchSize: 4, warmupSteps: 1, evalEvery: 5, evalWindows: 2 } },
};
const MDL = JSON.stringify({ ...TINY_LM, languageMdl: { data: { probeSize: 30 }, training: { epochs: 1 } } });
const SFT = JSON.stringify({ ...TINY_LM, languageSft: { data: { trainSize: 30, testSize: 4 }, finetune: { epochs: 1 } } });
const models = path.join(tmp, 'models');

describe('cli language-mdl and language-sft', () => {
  it('language-mdl writes {codelengthBits, uniformBits, compression, n, blocks} and fills the store; a rerun reuses it', async () => {
    const out = path.join(tmp, 'mdl.json');
    const store = path.join(tmp, 'mdl-store');
    const args = ['language-mdl', '--task', '22', '--feature', 't', '--seed', '1', '--preset', 'smoke', '--overrides', MDL, '--out', out, '--results-dir', store, '--models-dir', models];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^computed task22\/t\/lm-[0-9a-f]{12}\/seed1: \d+\.\d bits, compression \d+\.\d{3}, N 30 -> /m);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(json), ['codelengthBits', 'uniformBits', 'compression', 'n', 'blocks']);
    assert.equal(json.n, 30);
    assert.equal(json.blocks.length, 11);
    assert.ok(fs.existsSync(path.join(models, 'lm', 'manifest.json')), 'the tiny LM went to --models-dir');

    const again = await inProcess(args);
    assert.equal(again.code, EXIT_OK, again.err.join('\n'));
    assert.match(again.out[0], /^reused task22\/t\/lm-[0-9a-f]{12}\/seed1/);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), json);
  });

  it('language-mdl --model random probes the untrained control of the same shape: its own key in the same store', async () => {
    const store = path.join(tmp, 'mdl-store');
    const args = ['language-mdl', '--task', '22', '--feature', 't', '--seed', '1', '--preset', 'smoke', '--overrides', MDL, '--results-dir', store, '--models-dir', models];
    const pretrained = await inProcess(args);
    const random = await inProcess([...args, '--model', 'random']);
    assert.equal(random.code, EXIT_OK, random.err.join('\n'));
    const key = (line: string) => /task22\/t\/lm-[0-9a-f]{12}\/seed1/.exec(line)?.[0];
    assert.match(pretrained.out[0], /^reused /);
    assert.match(random.out[0], /^computed task22\/t\/lm-[0-9a-f]{12}\/seed1/);
    assert.notEqual(key(random.out[0]), key(pretrained.out[0]), 'the control records the untrained weights');
    const again = await inProcess([...args, '--model', 'random']);
    assert.match(again.out[0], /^reused /);
    assert.equal(key(again.out[0]), key(random.out[0]));
  });

  it('language-sft writes {config, errors, accuracy, lossNatsPerEpoch} on the same model folder', async () => {
    const out = path.join(tmp, 'sft.json');
    const r = await inProcess(['language-sft', '--task', '1', '--rate', '0.5', '--seed', '0', '--preset', 'smoke', '--overrides', SFT, '--out', out, '--results-dir', path.join(tmp, 'sft-store'), '--models-dir', models]);
    assert.equal(r.code, EXIT_OK, r.err.join('\n'));
    assert.match(r.out[0], /^trained task1\/rate0\.5\/lm-[0-9a-f]{12}\/seed0: accuracy \d\.\d{3}, error both \d\.\d{3}, neither \d\.\d{3}, s_only \d\.\d{3}, t_only \d\.\d{3}/);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(json), ['config', 'errors', 'accuracy', 'lossNatsPerEpoch']);
    assert.deepEqual([json.config.task, json.config.data.rate, json.config.data.trainSize, json.config.seed], [1, 0.5, 30, 0]);
  });

  it('exits 2 naming the field on a bad task, feature or rate, or a missing --seed, before loading any model', async () => {
    const out = path.join(tmp, 'bad.json');
    const cases: [string[], RegExp][] = [
      [['language-mdl', '--task', '3', '--feature', 't', '--seed', '0', '--out', out], /task: 3 is not allowed; expected one of 0, 1, 2, 5, 6, 8, 9, 12, 22, 23/],
      [['language-mdl', '--task', '1', '--feature', 'x', '--seed', '0', '--out', out], /feature: 'x' is not allowed; expected one of 's', 't'/],
      [['language-mdl', '--task', '1', '--feature', 's'], /seed: missing; expected --seed <probe seed, integer >= 0>/],
      [['language-sft', '--task', '1', '--rate', '1.5', '--seed', '0', '--out', out], /rate: 1\.5 is outside \[0, 1\]/],
      [['language-mdl', '--task', '1', '--feature', 's', '--seed', '0', '--model', 'untrained', '--out', out], /model: 'untrained' is not allowed; expected one of 'pretrained', 'random'/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess([...args, '--models-dir', path.join(tmp, 'never')]);
      assert.equal(r.code, EXIT_USAGE, r.err.join('\n'));
      assert.match(r.err[0], message);
    }
    assert.ok(!fs.existsSync(path.join(tmp, 'never')), 'no model was trained');
  });
});
