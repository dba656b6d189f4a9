import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { asLineage, otherModelProblem, resolveLineage, storedLanguageRlModels } from '../../src/study/language_runs';
import { languageMdlCellKey } from '../../src/study/extractability/language/grid';

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

  it('resolves a weights-hash prefix to the one stored lineage it starts, else one line naming the stored ones', () => {
    const stored = new Map([[A, 60], [B, 30], ['ab' + 'c'.repeat(62), 2]]);
    assert.equal(resolveLineage('aaaaaa', stored), A);
    assert.equal(resolveLineage(B, stored), B);
    assert.throws(() => resolveLineage('abab', stored), { message: /^--model: "abab" is not allowed; expected 6 to 64 lowercase hex digits of a stored model's weights sha256: aaaaaaaaaaaa \(60 RL runs\), abcccccccccc \(2 RL runs\), bbbbbbbbbbbb \(30 RL runs\)$/ });
    assert.throws(() => resolveLineage('cccccc', stored), { message: /^--model: cccccc names no model of the stored language RL runs; expected one of / });
    assert.throws(() => resolveLineage('aaaaaa', new Map([[A, 1], ['aaaaaa' + 'b'.repeat(58), 1]])), { message: /^--model: aaaaaa names more than one model/ });
    assert.throws(() => resolveLineage('aaaaaa', new Map()), { message: /expected one of none$/ });
  });

  it('moves cells to another lineage: the weights hash replaced, a key that names the model recomputed, the input untouched', () => {
    const lm = { weightsSha256: A, tokenizerSha256: 'tok', model: { vocabSize: 8, nPositions: 4, dModel: 4, nLayer: 1, nHead: 1, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 } };
    const config = { task: 2 as const, feature: 't' as const, seed: 1, lm };
    const cells = [{ key: languageMdlCellKey(config), config }];
    const moved = asLineage(cells, B, languageMdlCellKey);
    assert.equal(moved[0].config.lm.weightsSha256, B);
    assert.equal(moved[0].config.lm.tokenizerSha256, 'tok');
    assert.notEqual(moved[0].key, cells[0].key);
    assert.match(moved[0].key, /^task2\/t\/lm-[0-9a-f]{12}\/seed1$/);
    assert.equal(moved[0].key, languageMdlCellKey({ ...config, lm: { ...lm, weightsSha256: B } }));
    assert.equal(cells[0].config.lm.weightsSha256, A);
    // A key that does not name the model (the RL grid's) stays.
    assert.equal(asLineage([{ key: 'task2/rate0/seed1', config }], B)[0].key, 'task2/rate0/seed1');
  });
});
