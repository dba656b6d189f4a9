/**
 * `npm run results` on a fixture store: every cell of the smoke grids gets a made-up result with
 * known numbers (feature use rises with relative extractability), and the README paragraph between
 * the markers must be generated from them.
 */
import { after, describe, it } from 'node:test';
import { spawnSync } from 'child_process';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { repoRoot } from '../../src/io/paths';
import { RESULTS_END, RESULTS_START } from '../../src/hypotheses/results_report';
import { LANGUAGE_RESULTS_END, LANGUAGE_RESULTS_START } from '../../src/hypotheses/language_results_report';
import { RunStore } from '../../src/io/run_store';
import { computeLine, writeResultsParagraph } from '../../src/notebooks/results';
import { TOY_HYPOTHESES_PARAMS } from '../../src/study/extension/schema';
import { syntheticCells } from '../../src/study/extension/synthetic_runs';
import { resolveParams } from '../../src/study/params/resolve';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'results-'));
const saved = process.env.STUDY_DATASETS_DIR;
after(() => {
  if (saved === undefined) delete process.env.STUDY_DATASETS_DIR;
  else process.env.STUDY_DATASETS_DIR = saved;
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * Writes a made-up result for every smoke cell except the label-balanced runs under `root`, as
 * computed on `backend` (a run's identity names its backend); returns the cells.
 */
function writeFixtureStore(root: string, backend: string) {
  const p = resolveParams(TOY_HYPOTHESES_PARAMS, { preset: 'smoke', env: {} });
  const cells = syntheticCells(p);
  const store = (kind: string) => new RunStore(path.join(root, 'results', 'smoke', kind), { backend: () => backend });
  // MDL(t) falls with the task id, so MDL(s)/MDL(t) rises with it; RL and SFT use rise with it too.
  for (const c of cells.mdl) {
    const bits = c.config.feature === 's' ? 100 : 200 / c.config.task;
    store('toy_mdl').put(c.key, c.config, { backend: 'cpu', online: { codelengthBits: bits, uniformBits: 200, compression: 200 / bits, n: 200, blocks: [{ size: 100, bits: bits / 2, accuracy: null }, { size: 100, bits: bits / 2, accuracy: 0.9 }] } }, 1);
  }
  for (const c of cells.rl) {
    const use = Number(/^task(\d+)/.exec(c.key)![1]) / 20;
    store('toy_rl').put(c.key, c.config, { seed: c.config.seed, steps: [{ 'env/reward_mean': 0.5 }, { 'env/reward_mean': 0.5 }], eval: { both: 1, neither: 1, s_only: use + c.config.data.rate, t_only: use + c.config.data.rate }, warnings: [] }, 1);
  }
  for (const c of cells.sft) {
    store('toy_sft').put(c.key, c.config, { errors: { both: 0, neither: 0, s_only: 0.5, t_only: 0.5 - c.config.task / 40 }, accuracy: 0.9 }, 1);
  }
  return cells;
}

describe('npm run results', () => {
  it('writes the paragraph between the README markers from a fixture store, naming missing runs', () => {
    process.env.STUDY_DATASETS_DIR = tmp;
    // The label-balanced runs are left out: the paragraph must say the store is partial.
    const cells = writeFixtureStore(tmp, tf.getBackend());
    const readme = path.join(tmp, 'README.md');
    fs.writeFileSync(readme, `# title\n\n${RESULTS_START}\ntyped by hand\n${RESULTS_END}\n\nafter\n`);
    const paragraph = writeResultsParagraph('smoke', readme);
    const text = fs.readFileSync(readme, 'utf8');
    assert.ok(text.startsWith(`# title\n\n${RESULTS_START}\n**Partial results**`), text);
    assert.ok(text.endsWith(`${RESULTS_END}\n\nafter\n`));
    assert.ok(!text.includes('typed by hand'));
    assert.match(paragraph, new RegExp(`0/${cells.rlBalanced.length} label-balanced RL`));
    const nPairs = new Set(cells.mdl.map((c) => c.config.task)).size;
    assert.match(paragraph, new RegExp(`At the \`smoke\` preset: ${nPairs} task pairs`));
    // Perfect ranking: rho = 1 with the exact p 2 / n!.
    let f = 1;
    for (let k = 2; k <= nPairs; k++) f *= k;
    assert.match(paragraph, new RegExp(`Spearman's rho = 1 over ${nPairs} task pairs, exact p = ${String(Number((2 / f).toPrecision(3))).replace('.', '\\.')}`));
    assert.match(paragraph, /Label-balanced ablation: no runs at this preset\./);
    // Every fixture run recorded 1 ms.
    assert.match(text, /Compute: the stored runs took 0 min of run time in all/);
  });

  it('states the compute of the stored runs: summed run time by kind, and half of it as the least wall time with 2 workers', () => {
    const line = computeLine({ runMs: { mdl: 30 * 60000, rl: 90 * 60000, sft: 15 * 60000, rlBalanced: 10 * 60000 } });
    assert.equal(line, "Compute: the stored runs took 145 min of run time in all (MDL 30, RL 90, SFT 15, label-balanced RL 10; each run timed itself under the machine's load at the time), so at least 73 min of wall time with 2 workers on 2 cores (`jobs: 2`), against the 60-minute goal of the synthetic half.");
  });

  it('the command finds runs of the native backend: it initialises the backend before reading the stores', async () => {
    await initBackend();
    const backend = tf.getBackend();
    assert.notEqual(backend, 'cpu', 'this check needs the native (or wasm) backend, whose runs the default cpu backend would not find');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'results-native-'));
    try {
      const cells = writeFixtureStore(dir, backend);
      const readme = path.join(dir, 'README.md');
      fs.writeFileSync(readme, `${RESULTS_START}\n${RESULTS_END}\n${LANGUAGE_RESULTS_START}\n${LANGUAGE_RESULTS_END}\n`);
      const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot(), 'src', 'notebooks', 'results.ts'), '--preset', 'smoke', '--readme', readme], { env: { ...process.env, STUDY_DATASETS_DIR: dir }, encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      const text = fs.readFileSync(readme, 'utf8');
      assert.match(text, new RegExp(`${cells.mdl.length}/${cells.mdl.length} MDL, ${cells.rl.length}/${cells.rl.length} RL, ${cells.sft.length}/${cells.sft.length} SFT`), text.slice(0, 400));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
