import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../src/backend';
import { analyseLanguage } from '../../src/hypotheses/language_analysis';
import { resolveParams } from '../../src/study/params/resolve';
import { LANGUAGE_HYPOTHESES_PARAMS } from '../../src/study/language_hypotheses_schema';
import { storedLanguageRlModels, withLanguageRuns } from '../../src/study/language_runs';

/** The archived laptop lineages (results/README.md): the cached model's and its round-off replicate's. */
const CURRENT = 'f78bb0f99050';
const REPLICATE = '2a636a1935f3';

describe('language runs of the archived laptop lineages (results/laptop, read through store import)', () => {
  it('reads both lineages with the model loaded once: the replicate\'s counts and primary H1 test as archived', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lang-lineages-'));
    const repo = path.resolve(__dirname, '..', '..');
    const imported = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'src', 'cli.ts'), 'store', 'import', '--preset', 'laptop', '--kinds', 'language_mdl,language_rl,language_sft'], { cwd: repo, env: { ...process.env, STUDY_DATASETS_DIR: root }, encoding: 'utf8' });
    assert.equal(imported.status, 0, imported.stderr);
    const saved = process.env.STUDY_DATASETS_DIR;
    process.env.STUDY_DATASETS_DIR = root;
    try {
      await initBackend();
      const stored = storedLanguageRlModels('laptop');
      const replicate = [...stored.keys()].find((sha) => sha.startsWith(REPLICATE)) as string;
      assert.equal(stored.get(replicate), 60);
      const params = resolveParams(LANGUAGE_HYPOTHESES_PARAMS, { preset: 'laptop', env: {} });
      const got = await withLanguageRuns(params, (read) => ({ current: read(), replicate: read(replicate), again: read() }));
      assert.ok(got !== null);
      const { current, replicate: old, again } = got;
      assert.ok(current.modelSha256.startsWith(CURRENT), current.modelSha256);
      assert.equal(old.modelSha256, replicate);
      // The cached model's grids: all MDL and SFT runs, all 30 p = 0 RL runs at least.
      assert.deepEqual([current.coverage.MDL, current.coverage.SFT, current.coverage['random-init MDL']], [{ found: 60, total: 60 }, { found: 90, total: 90 }, { found: 20, total: 20 }]);
      assert.ok(current.coverage.RL.found >= 44 && current.coverage.RL.total === 90, JSON.stringify(current.coverage.RL));
      // The replicate, archived complete but for 30 RL runs (it is never extended).
      assert.deepEqual(old.coverage, { MDL: { found: 60, total: 60 }, 'random-init MDL': { found: 20, total: 20 }, RL: { found: 60, total: 90 }, SFT: { found: 90, total: 90 } });
      assert.deepEqual(again, current);
      // The replicate's primary H1 test as its README paragraph gave it (session 16): rho 0.782 (sum of squared
      // rank differences 36 over 10 tasks: 1 - 6 * 36 / 990), exact p 0.00755.
      const h1 = analyseLanguage(old.inputs).table.find((r) => r.test === 'lang-h1-p0-strict');
      assert.ok(h1 !== undefined);
      assert.equal(h1.n, 10);
      assert.ok(Math.abs(h1.statistic - (1 - (6 * 36) / 990)) < 1e-12, String(h1.statistic));
      assert.ok(Math.abs(h1['p (raw)'] - 0.00755) < 5e-6, String(h1['p (raw)']));
      // The two lineages' relative extractabilities agree to round-off.
      const rel = new Map(current.inputs.extractability.map((r) => [r.task, r]));
      assert.equal(old.inputs.extractability.length, 10);
      for (const r of old.inputs.extractability) assert.ok(Math.abs(r.relMdl / (rel.get(r.task)?.relMdl as number) - 1) < 1e-5, `task ${r.task}: ${r.relMdl}`);
    } finally {
      if (saved === undefined) delete process.env.STUDY_DATASETS_DIR;
      else process.env.STUDY_DATASETS_DIR = saved;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
