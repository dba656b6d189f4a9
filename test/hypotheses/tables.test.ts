import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NO_TEST, type CorrelationRow } from '../../src/hypotheses/h1';
import type { TaskExtractabilityRow } from '../../src/hypotheses/runs';
import { featureUseTable, sideBySideTable } from '../../src/hypotheses/tables';

const ext = (task: number, relMdl: number) => ({ task, relMdl, relMdlSem: 0.01 }) as unknown as TaskExtractabilityRow;

describe('RL vs SFT tables', () => {
  const c = (test: string, statistic: number, pValue: number, n: number, method: string): CorrelationRow => ({ test, statistic, pValue, n, method });

  it('puts each test of RL and SFT on one row, with NaN and n = 0 where a method has none', () => {
    const table = sideBySideTable([
      { analysis: 'H1', rl: [c('Spearman rho', 0.8, 0.01, 8, 'exact'), c('Pearson r', 0.7, 0.05, 8, 'exact')], sft: [c('Spearman rho', 0.5, 0.2, 8, 'exact')] },
      { analysis: 'H2', rl: [], sft: [c('Spearman rho', 0.4, 0.03, 32, 'asymptotic')] },
    ]);
    assert.equal(table.length, 3);
    assert.deepEqual(table[0], { analysis: 'H1', test: 'Spearman rho', 'RL statistic': 0.8, 'RL p': 0.01, 'RL n': 8, 'SFT statistic': 0.5, 'SFT p': 0.2, 'SFT n': 8, method: 'exact' });
    assert.deepEqual([table[1].test, table[1]['SFT n']], ['Pearson r', 0]);
    assert.ok(Number.isNaN(table[1]['SFT statistic']));
    assert.deepEqual([table[2].analysis, table[2]['RL n'], table[2]['SFT statistic'], table[2].method], ['H2', 0, 0.4, 'asymptotic']);
    const none = sideBySideTable([{ analysis: 'H1 n = 2', rl: [], sft: [] }]);
    assert.deepEqual(none.map((r) => [r.test, r['RL n'], r['SFT n']]), [[NO_TEST, 0, 0]]);
  });

  it('lists both methods\' feature use per task, ordered by relative extractability', () => {
    const rows = featureUseTable([ext(1, 0.9), ext(2, 0.2), ext(7, 3)], [{ task: 1, score: 0.8, sem: 0.1, n: 2 }, { task: 2, score: 0.3, sem: NaN, n: 1 }], [{ task: 2, score: 0.5, sem: 0, n: 2 }], (t) => `t${t}`, (t) => (t > 5 ? 'extension' : 'paper'));
    assert.deepEqual(rows.map((r) => [r.task, r.design, r['MDL(s)/MDL(t)'], r['RL use'], r['SFT use'], r['SFT runs']]), [['t2', 'paper', 0.2, 0.3, 0.5, 2], ['t1', 'paper', 0.9, 0.8, NaN, 0], ['t7', 'extension', 3, NaN, NaN, 0]]);
  });
});
