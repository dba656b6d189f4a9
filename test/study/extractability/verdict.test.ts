import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anyProbeLearned, languageExtractabilityVerdict, LEARNED_COMPRESSION, toyExtractabilityVerdict, UNLEARNED_COMPRESSION } from '../../../src/study/extractability/verdict';

const row = (task: number, relMdl: number, compressionS: number, compressionT: number) => ({ task, target: `t${task}`, relMdl, relMdlSem: null, compressionS, compressionT });
const label = (r: { task: number }) => `task ${r.task}`;

describe('extractability verdicts', () => {
  it('names its thresholds: learned above 1.2, never beat the uniform code below 1.05', () => {
    assert.deepEqual([LEARNED_COMPRESSION, UNLEARNED_COMPRESSION], [1.2, 1.05]);
    assert.equal(anyProbeLearned([row(1, 1, 1.2, 1.2)]), false, 'exactly 1.2 is not learned');
    assert.equal(anyProbeLearned([row(1, 1, 1.21, 1)]), true);
  });

  it('says no probe learned when every compression is at most 1.2', () => {
    const [only, ...rest] = toyExtractabilityVerdict([row(1, 1.01, 1.1, 1.0), row(2, 1.0, 1.15, 1.0)], 100, label);
    assert.equal(rest.length, 0);
    assert.match(only, /^\*\*No probe learned its feature at this preset\*\* \(every compression is at most 1\.15\)/);
  });

  it('finds contains-1 the most extractable when its ratio beats every positional rule, and lists unlearned t probes', () => {
    const out = toyExtractabilityVerdict([row(1, 3, 2, 2.5), row(2, 1.5, 2, 1.0), row(3, 2.9, 2, 1.5)], 500, label);
    assert.equal(out.length, 2);
    assert.match(out[0], /contains-1: \*\*3\*\*.*positional rules: task 2 1\.500, task 3 2\.900\. So contains-1 is clearly the most extractable/);
    assert.match(out[1], /^The t probes of task 2 never beat the uniform code within N = 500 examples/);
  });

  it('says contains-1 is NOT the most extractable when a positional rule beats it', () => {
    const out = toyExtractabilityVerdict([row(1, 2, 2, 2), row(2, 2.5, 2, 2)], 500, label);
    assert.equal(out.length, 1);
    assert.match(out[0], /contains-1 is NOT more extractable than every positional rule/);
  });

  it('checks that the controlled language pair 22/23 falls on both sides of 1', () => {
    const ok = languageExtractabilityVerdict([row(22, 0.8, 1.5, 2), row(23, 1.3, 2, 1.5)], 200, label);
    assert.match(ok[0], /^Ordered by relative extractability: task 23 1\.30, task 22 0\.80\. The controlled pair behaves as expected/);
    const bad = languageExtractabilityVerdict([row(22, 1.1, 1.5, 2), row(23, 1.3, 2, 1.5)], 200, label);
    assert.match(bad[0], /does NOT separate as expected: task 22 1\.10, task 23 1\.30/);
    const flat = languageExtractabilityVerdict([row(22, 0.8, 1.5, 1.04)], 200, label);
    assert.match(flat[0], /Tasks 22 and 23 are not both in this grid\./);
    assert.match(flat[1], /^In task 22 one probe never beats the uniform code within N = 200 prompts \(compression below 1\.05;/);
  });
});
