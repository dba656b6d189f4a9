/**
 * Same configuration and seed, same bytes, across machines: one archived laptop run, recomputed here
 * from scratch in a plain process (no thread, ISA or oneDNN settings in its environment, so the
 * pinned numerics of src/backend.ts), must have the content hash the archive holds, computed on
 * another machine. A toy SFT run (about 7 s) because it is the cheapest of the archived kinds that
 * goes through matmuls, layer norms, attention, dropout and Adam. This is the test that caught
 * TensorFlow switching its oneDNN ops on by itself on a CPU with AVX-512 VNNI (2026-12-07).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../src/backend';

const ROOT = path.join(__dirname, '..', '..');
const KEY = 'task1/rate0/seed0';

/** The archived content hash of a toy SFT run of the laptop preset. */
function archivedHash(key: string): string {
  for (const line of fs.readFileSync(path.join(ROOT, 'results', 'laptop', 'toy_sft.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as { key: string; contentHash: string };
    if (rec.key === key) return rec.contentHash;
  }
  throw new Error(`no toy SFT run ${key} in results/laptop/toy_sft.jsonl`);
}

describe('the archive reproduces on this machine', () => {
  it(`a laptop toy SFT run (${KEY}) recomputed in a plain process has the archived content hash`, async (t) => {
    if ((await initBackend()).backend !== 'tensorflow') return t.skip('the archive was computed on the native backend');
    const datasets = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-repro-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, STUDY_DATASETS_DIR: datasets };
      for (const k of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'ONEDNN_MAX_CPU_ISA', 'TF_ENABLE_ONEDNN_OPTS', 'OMP_NUM_THREADS', 'STUDY_BACKEND', 'STUDY_OVERRIDES']) delete env[k];
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'toy-sft', '--task', '1', '--rate', '0', '--seed', '0', '--preset', 'laptop'], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const dir = path.join(datasets, 'results', 'laptop', 'toy_sft', 'task1', 'rate0');
      const files = fs.readdirSync(dir).filter((f) => f.startsWith('seed0--') && f.endsWith('.json'));
      assert.equal(files.length, 1, `one result file in ${dir}: ${files.join(', ')}`);
      const stored = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8')) as { contentHash: string; run: { numerics?: string } };
      assert.equal(stored.run.numerics, undefined, 'the run was computed under other numerics than the pinned ones');
      assert.equal(stored.contentHash, archivedHash(KEY), 'recomputed bytes differ from the archive: the pinned numerics do not reproduce it on this machine (src/backend.ts PINNED_NUMERICS)');
    } finally {
      fs.rmSync(datasets, { recursive: true, force: true });
    }
  });
});
