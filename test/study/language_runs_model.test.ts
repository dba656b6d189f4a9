import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { otherModelProblem, storedLanguageRlModels } from '../../src/study/language_runs';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('language runs of another pre-trained model', () => {
  it('counts the models the stored RL runs name, skipping files that are not results', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lang-models-'));
    const dir = path.join(root, 'results', 'laptop', 'language_rl', 'task0', 'rate0');
    fs.mkdirSync(dir, { recursive: true });
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
    write('seed0--0123456789ab.json', JSON.stringify({ config: { lm: { weightsSha256: A } } }));
    write('seed1--0123456789ac.json', JSON.stringify({ config: { lm: { weightsSha256: A } } }));
    write('seed2--0123456789ad.json', JSON.stringify({ config: { lm: { weightsSha256: B } } }));
    write('seed3--0123456789ae.json', '{"config": {"lm"'); // torn
    write('seed0--0123456789ab.steps.jsonl', '{}\n'); // a step log
    const saved = process.env.STUDY_DATASETS_DIR;
    process.env.STUDY_DATASETS_DIR = root;
    try {
      assert.deepEqual([...storedLanguageRlModels('laptop').entries()].sort(), [[A, 2], [B, 1]]);
      assert.deepEqual([...storedLanguageRlModels('smoke').entries()], []);
    } finally {
      if (saved === undefined) delete process.env.STUDY_DATASETS_DIR;
      else process.env.STUDY_DATASETS_DIR = saved;
    }
  });

  it('names the stored models in one line only when none of the runs is the cached model\'s', () => {
    assert.equal(otherModelProblem(A, new Map()), undefined);
    assert.equal(otherModelProblem(A, new Map([[A, 3], [B, 1]])), undefined);
    const line = otherModelProblem(A, new Map([[B, 60]])) as string;
    assert.ok(line.startsWith(`language: the result store's RL runs (60 of pre-trained model ${B.slice(0, 12)}…) were computed with another pre-trained model than the cached one (${A.slice(0, 12)}…)`), line);
    assert.ok(!line.includes('\n'));
  });
});
