import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyModelFolder } from '../../src/io/model_archive';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'model-archive-'));

function modelFolder(dir: string, weights: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), '{"kind": "language-model"}\n');
  fs.writeFileSync(path.join(dir, 'model.safetensors'), weights);
  return dir;
}

describe('copyModelFolder', () => {
  it('copies a cached model whole, then finds it present', () => {
    const root = tmp();
    const from = modelFolder(path.join(root, 'datasets', 'lm'), 'weights A');
    const to = path.join(root, 'results', 'models', 'lm');
    assert.equal(copyModelFolder(from, to), 'copied');
    assert.deepEqual(fs.readdirSync(to).sort(), ['manifest.json', 'model.safetensors']);
    assert.equal(fs.readFileSync(path.join(to, 'model.safetensors'), 'utf8'), 'weights A');
    assert.equal(copyModelFolder(from, to), 'present');
    assert.deepEqual(fs.readdirSync(path.dirname(to)), ['lm']); // no temporary folder left
  });

  it('never replaces another model: a different one is a conflict and stays as it was', () => {
    const root = tmp();
    const archived = modelFolder(path.join(root, 'results', 'models', 'lm'), 'weights A');
    const cached = modelFolder(path.join(root, 'datasets', 'lm'), 'weights B');
    assert.equal(copyModelFolder(cached, archived), 'conflict');
    assert.equal(fs.readFileSync(path.join(archived, 'model.safetensors'), 'utf8'), 'weights A');
    fs.writeFileSync(path.join(cached, 'extra.json'), '{}'); // another file set is another model too
    fs.writeFileSync(path.join(cached, 'model.safetensors'), 'weights A');
    assert.equal(copyModelFolder(cached, archived), 'conflict');
  });

  it('does nothing without a cached model (no manifest)', () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'half'));
    fs.writeFileSync(path.join(root, 'half', 'model.safetensors'), 'torn');
    assert.equal(copyModelFolder(path.join(root, 'half'), path.join(root, 'to')), 'absent');
    assert.equal(copyModelFolder(path.join(root, 'none'), path.join(root, 'to')), 'absent');
    assert.equal(fs.existsSync(path.join(root, 'to')), false);
  });
});
