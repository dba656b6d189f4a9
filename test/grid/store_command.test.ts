import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseStoreArgs, runStoreCli } from '../../src/grid/store_command';
import { RunStore } from '../../src/io/run_store';

describe('store command: arguments', () => {
  it('export and import take --preset and --dir; gc keeps --keep-days and --delete', () => {
    assert.deepEqual(parseStoreArgs(['export', '--preset', 'laptop', '--dir', 'x']), { sub: 'export', preset: 'laptop', keepDays: 7, remove: false, dir: 'x' });
    assert.equal(parseStoreArgs(['import', '--preset', 'smoke']).dir, undefined);
    assert.equal(parseStoreArgs(['gc', '--preset', 'smoke', '--keep-days', '2', '--delete']).keepDays, 2);
    assert.deepEqual(parseStoreArgs(['export', '--preset', 'laptop', '--kinds', 'language_rl,language_mdl']).kinds, ['language_rl', 'language_mdl']);
    assert.equal(parseStoreArgs(['export', '--preset', 'laptop']).kinds, undefined);
    assert.equal(parseStoreArgs(['import', '--preset', 'laptop', '--replace']).replace, true);
    assert.equal(parseStoreArgs(['import', '--preset', 'laptop']).replace, undefined);
  });

  it('bad input is one line naming the field and what is allowed', () => {
    assert.throws(() => parseStoreArgs(['pack']), { message: 'store: "pack" is not allowed; expected gc, ls, export, import' });
    assert.throws(() => parseStoreArgs(['export', '--preset', 'laptop', '--delete']), { message: 'store export: "--delete" is not allowed; expected --preset P, --dir D, --kinds K[,K]' });
    assert.throws(() => parseStoreArgs(['export', '--preset', 'laptop', '--kinds', 'language_rl,toy_ppo']), {
      message: 'kinds: "toy_ppo" is not allowed; expected a comma-separated list of toy_mdl, toy_rl, toy_sft, language_mdl, language_rl, language_sft',
    });
    assert.throws(() => parseStoreArgs(['import', '--preset', 'laptop', '--kinds', 'toy_rl,toy_rl']), { message: /^kinds: "toy_rl,toy_rl" names a kind twice/ });
    assert.throws(() => parseStoreArgs(['gc', '--preset', 'laptop', '--kinds', 'toy_rl']), { message: /^store gc: "--kinds" is not allowed/ });
    assert.throws(() => parseStoreArgs(['export', '--preset', 'laptop', '--replace']), { message: 'store export: "--replace" is not allowed; expected --preset P, --dir D, --kinds K[,K]' });
    assert.throws(() => parseStoreArgs(['import', '--preset', 'laptop', '--force']), { message: 'store import: "--force" is not allowed; expected --preset P, --dir D, --kinds K[,K], --replace' });
    assert.throws(() => parseStoreArgs(['gc', '--preset', 'laptop', '--dir', 'x']), { message: 'store gc: "--dir" is not allowed; expected --preset P, --keep-days N, --delete' });
    assert.throws(() => parseStoreArgs(['import', '--dir', 'x']), { message: /^preset: missing; expected --preset \w+( \| \w+)+$/ });
  });
});

describe('store command: export then import through the CLI', () => {
  it('moves the runs of a preset through a folder and back into an empty results root', async () => {
    const datasets = fs.mkdtempSync(path.join(os.tmpdir(), 'store-cli-'));
    const archive = path.join(datasets, 'archive');
    const saved = process.env.STUDY_DATASETS_DIR;
    process.env.STUDY_DATASETS_DIR = datasets;
    try {
      new RunStore(path.join(datasets, 'results', 'smoke', 'toy_rl'), { kind: 'toy_rl', backend: () => 'cpu' }).put('task1/rate0/seed0', { task: 1 }, { ok: true }, 10);
      // A cached pre-trained model (what the language runs name) travels with the runs.
      const lmDir = path.join(datasets, 'models', 'smoke', 'lm');
      fs.mkdirSync(lmDir, { recursive: true });
      fs.writeFileSync(path.join(lmDir, 'manifest.json'), '{}');
      fs.writeFileSync(path.join(lmDir, 'model.safetensors'), 'weights');
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      assert.equal(await runStoreCli(['export', '--preset', 'smoke', '--dir', archive], io), 0);
      assert.equal(out[0], 'toy_rl: 1 exported, 0 already in the archive');
      assert.equal(out[2], `models/lm: copied ${lmDir} -> ${path.join(archive, 'models', 'lm')}`);
      assert.equal(out.length, 3); // no tokenizer cached: nothing said of it
      // --kinds moves only the kinds named: a toy ablation in the store stays out of the archive.
      new RunStore(path.join(datasets, 'results', 'smoke', 'toy_mdl'), { kind: 'toy_mdl', backend: () => 'cpu' }).put('task1/t/seed0', { task: 1 }, { bits: 3 }, 10);
      out.length = 0;
      assert.equal(await runStoreCli(['export', '--preset', 'smoke', '--dir', archive, '--kinds', 'toy_rl'], io), 0);
      assert.deepEqual(out, ['toy_rl: 0 exported, 1 already in the archive', `${path.join(datasets, 'results', 'smoke')} -> ${archive}`]);
      assert.equal(fs.existsSync(path.join(archive, 'toy_mdl.jsonl')), false);
      fs.rmSync(path.join(datasets, 'results'), { recursive: true });
      fs.rmSync(path.join(datasets, 'models'), { recursive: true });
      out.length = 0;
      assert.equal(await runStoreCli(['import', '--preset', 'smoke', '--dir', archive], io), 0);
      assert.equal(out[0], 'toy_rl: 1 imported, 0 already in the store');
      assert.equal(fs.readFileSync(path.join(lmDir, 'model.safetensors'), 'utf8'), 'weights');
      assert.deepEqual(err, []);
      // Another cached model is kept, and said so in one line.
      fs.writeFileSync(path.join(lmDir, 'model.safetensors'), 'other weights');
      assert.equal(await runStoreCli(['import', '--preset', 'smoke', '--dir', archive], io), 0);
      assert.equal(err.length, 1);
      assert.match(err[0], /^models\/lm: .* already holds another pre-trained model; kept it, .* not copied/);
      assert.equal(fs.readFileSync(path.join(lmDir, 'model.safetensors'), 'utf8'), 'other weights');
      err.length = 0;
      assert.equal(await runStoreCli(['import', '--preset', 'smoke', '--dir', path.join(datasets, 'nowhere')], io), 2);
      assert.match(err[0], /^error: dir: .*nowhere does not exist; expected a folder written by store export$/);
      // A run of the same configuration with another result: a conflict, kept; with --replace, moved aside.
      const rlStore = new RunStore(path.join(datasets, 'results', 'smoke', 'toy_rl'), { kind: 'toy_rl', backend: () => 'cpu' });
      fs.rmSync(rlStore.entries()[0].file);
      rlStore.put('task1/rate0/seed0', { task: 1 }, { ok: false }, 10);
      [out.length, err.length] = [0, 0];
      assert.equal(await runStoreCli(['import', '--preset', 'smoke', '--dir', archive, '--kinds', 'toy_rl'], io), 1);
      assert.match(err[0], /^left out: toy_rl\.jsonl:1: task1\/rate0\/seed0 conflicts with /);
      [out.length, err.length] = [0, 0];
      assert.equal(await runStoreCli(['import', '--preset', 'smoke', '--dir', archive, '--kinds', 'toy_rl', '--replace'], io), 0);
      assert.deepEqual(err, []);
      assert.match(out[0], new RegExp(`^replaced: task1/rate0/seed0: content hash [0-9a-f]{12} moved to ${path.join(datasets, 'replaced', 'smoke')}/[0-9T-]+Z/toy_rl/task1/rate0/seed0--[0-9a-f]{12}\\.json, [0-9a-f]{12} imported$`));
      assert.equal(out[1], "toy_rl: 1 imported (1 of them replacing the store's conflicting runs, moved aside), 0 already in the store");
      assert.deepEqual((JSON.parse(fs.readFileSync(rlStore.entries()[0].file, 'utf8')) as { result: unknown }).result, { ok: true });
    } finally {
      if (saved === undefined) delete process.env.STUDY_DATASETS_DIR;
      else process.env.STUDY_DATASETS_DIR = saved;
    }
  });
});
