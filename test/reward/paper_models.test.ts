/**
 * The `paper` preset path check, against a fake file system (and once against the real fixture folder).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { checkPaperModelPaths, type PathKind } from '../../src/reward/paper_models';

/** A fake file system: every listed path and its parent folders exist. */
function fakeFs(files: string[], dirs: string[] = []): (p: string) => PathKind {
  const fileSet = new Set(files.map((f) => path.normalize(f)));
  const dirSet = new Set(dirs.map((d) => path.normalize(d)));
  for (const f of [...fileSet, ...dirSet]) for (let d = path.dirname(f); d !== path.dirname(d); d = path.dirname(d)) dirSet.add(d);
  return (p) => (fileSet.has(path.normalize(p)) ? 'file' : dirSet.has(path.normalize(p)) ? 'dir' : 'missing');
}

const COMPLETE = [
  '/m/gpt2/config.json', '/m/gpt2/model.safetensors', '/m/gpt2/merges.txt',
  '/m/bert/config.json', '/m/bert/model.safetensors', '/m/bert/vocab.txt',
  '/d/IMDB Dataset.csv',
];
const PATHS = { hfModelDir: '/m/gpt2', distilbertDir: '/m/bert', imdbPath: '/d/IMDB Dataset.csv' };

describe('checkPaperModelPaths', () => {
  it('accepts complete folders, a CSV file, or an aclImdb folder with train/pos and train/neg', () => {
    assert.deepEqual(checkPaperModelPaths(PATHS, fakeFs(COMPLETE)), { ok: true, problems: [], message: null });
    const acl = fakeFs(COMPLETE, ['/d/aclImdb/train/pos', '/d/aclImdb/train/neg']);
    assert.equal(checkPaperModelPaths({ ...PATHS, imdbPath: '/d/aclImdb' }, acl).ok, true);
  });

  it('accepts tokenizer.json in place of vocab.txt for DistilBERT', () => {
    const files = COMPLETE.filter((f) => f !== '/m/bert/vocab.txt').concat('/m/bert/tokenizer.json');
    assert.equal(checkPaperModelPaths(PATHS, fakeFs(files)).ok, true);
  });

  it('names every missing path at once, with what belongs there', () => {
    const r = checkPaperModelPaths({ hfModelDir: null, distilbertDir: '/nope', imdbPath: '' }, fakeFs(COMPLETE));
    assert.equal(r.ok, false);
    assert.deepEqual(r.problems, [
      'hfModelDir: not given; expected a Hugging Face GPT-2 folder such as lvwerra/gpt2-imdb (config.json, model.safetensors, merges.txt)',
      'distilbertDir: /nope does not exist; expected a Hugging Face DistilBertForSequenceClassification folder such as lvwerra/distilbert-imdb (config.json, model.safetensors, vocab.txt or tokenizer.json)',
      "imdbPath: not given; expected the IMDB reviews: the 50k-review CSV file (columns 'review,sentiment') or an aclImdb folder (train/pos, train/neg and/or test/pos, test/neg)",
    ]);
    assert.equal(r.message, `paper preset: ${r.problems.join('; ')}`);
  });

  it('names the missing files inside a folder and says how to convert pytorch_model.bin', () => {
    const files = COMPLETE.filter((f) => !f.startsWith('/m/bert/model') && f !== '/m/gpt2/merges.txt').concat('/m/bert/pytorch_model.bin');
    const r = checkPaperModelPaths(PATHS, fakeFs(files));
    assert.match(r.problems[0], /^hfModelDir: \/m\/gpt2 has no merges\.txt; expected/);
    assert.match(r.problems[1], /^distilbertDir: \/m\/bert has no model\.safetensors \(pytorch_model\.bin is there: re-save it with save_pretrained\(dir, safe_serialization=True\)\); expected/);
    assert.equal(r.problems.length, 2);
  });

  it('rejects an IMDB folder without pos/neg splits', () => {
    const r = checkPaperModelPaths({ ...PATHS, imdbPath: '/d/other' }, fakeFs(COMPLETE, ['/d/other/train']));
    assert.deepEqual(r.problems, ["imdbPath: /d/other has no train/pos + train/neg or test/pos + test/neg folders; expected the IMDB reviews: the 50k-review CSV file (columns 'review,sentiment') or an aclImdb folder (train/pos, train/neg and/or test/pos, test/neg)"]);
  });

  it('reads the real file system by default: the tiny DistilBERT fixture is a complete folder', () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'models', 'tiny_distilbert');
    const r = checkPaperModelPaths({ hfModelDir: null, distilbertDir: dir, imdbPath: null });
    assert.equal(r.problems.filter((p) => p.startsWith('distilbertDir')).length, 0);
    assert.equal(r.problems.length, 2);
  });
});
