import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RlSummaryRow } from '../../../src/hypotheses/rl_summary';
import { COLLAPSED_BOTH_REWARD, counterExampleRewards, EASY_TARGET_MARGIN, languageRlVerdict, MOST_RUNS_LEARNED, toyRlVerdict } from '../../../src/study/rl/verdict';

/** Summary rows with the given mean reward per (task, rate, partition). */
function summary(means: Record<string, number>): RlSummaryRow[] {
  return Object.entries(means).map(([k, mean]) => {
    const [task, rate, partition] = k.split('/');
    return { task: Number(task), rate: Number(rate), partition: partition as RlSummaryRow['partition'], mean, lo: mean, hi: mean, n: 1 };
  });
}

describe('RL verdicts', () => {
  it('names its thresholds', () => {
    assert.deepEqual([EASY_TARGET_MARGIN, COLLAPSED_BOTH_REWARD, MOST_RUNS_LEARNED], [0.2, 0.2, 0.5]);
  });

  it('averages s_only and t_only at the smallest non-zero and the largest rate', () => {
    const s = summary({ '1/0.1/s_only': 0.8, '1/0.1/t_only': 0.6, '1/0.5/s_only': 1, '1/0.5/t_only': 0.5 });
    const c = counterExampleRewards(s, [1], [0, 0.1, 0.5]);
    assert.equal(c.smallRate, 0.1);
    assert.equal(c.largeRate, 0.5);
    assert.ok(Math.abs(c.rows[0].small - 0.7) < 1e-12 && Math.abs(c.rows[0].large - 0.75) < 1e-12);
  });

  it('sees the pattern only when contains-1 beats the hard mean by more than 0.2', () => {
    const base = { '2/0.1/s_only': 0.4, '2/0.1/t_only': 0.4, '2/0.5/both': 0.1, '2/0.5/neither': 0.9 };
    const shows = toyRlVerdict(summary({ ...base, '1/0.1/s_only': 0.7, '1/0.1/t_only': 0.7 }), [1, 2], [0.1, 0.5]);
    assert.match(shows[0], /contains-1 reaches a counter-example reward of 0\.7 against 0\.4 .*The expected pattern is visible/);
    const notQuite = toyRlVerdict(summary({ ...base, '1/0.1/s_only': 0.6, '1/0.1/t_only': 0.6 }), [1, 2], [0.1, 0.5]);
    assert.match(notQuite[0], /The expected pattern is \*\*not\*\* visible/, '0.6 is not more than 0.4 + 0.2');
    assert.match(shows[1], /mean \*\*both\*\* reward of 0\.1 \(neither: 0\.9\)\. They answer every prompt with a descending run/);
  });

  it('says when too few tasks are trained', () => {
    assert.deepEqual(toyRlVerdict(summary({ '1/0.1/s_only': 1 }), [1], [0.1]), ['This preset trains too few tasks to compare an easy and a hard target.']);
  });

  it('calls the language runs learned when at least half pass the filter', () => {
    assert.match(languageRlVerdict(2, 4), /^2 of 4 runs learned/);
    assert.match(languageRlVerdict(1, 4), /^Only 1 of 4 runs pass the filter.*on few runs/);
    assert.match(languageRlVerdict(0, 4), /on no kept run/);
  });
});
