import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { preTokenize, trainBpeTokenizer } from '../../../src/tokenizer/bpe_tokenizer';
import { loadCorpus } from '../../../src/tasks/language/corpus';
import {
  DEFAULT_PROMPT_TOKENS,
  HIGH_STATUS_OCCUPATIONS,
  LANGUAGE_TASK_IDS,
  LOW_STATUS_OCCUPATIONS,
  PARITY_WINDOW_TOKENS,
  PREFIX_TASKS,
  buildPrompt,
  buildPromptSet,
  countSpaces,
  getPrefixTask,
  leadingScore,
  parityCount,
  parityPrefix,
  promptOccupation,
  truncateToTokens,
  type LanguageTaskId,
  type PromptTokenizer,
} from '../../../src/tasks/language/prefix_tasks';
import { PARTITIONS, hasSpurious, hasTarget } from '../../../src/tasks/partitions';
import type { Partition } from '../../../src/tasks/types';
import { ConfigError } from '../../../src/util/assert';
import { createRng } from '../../../src/util/rng';

const corpus = loadCorpus();
const tok = trainBpeTokenizer(corpus.train.map((p) => p.text)); // the default: 4096 tokens, about a second
const passages = corpus.validation.slice(0, 150).map((p) => p.text);

/** A hand-checkable tokenizer: one token per GPT-2 regex piece. */
function pieceTokenizer(): PromptTokenizer {
  const ids = new Map<string, number>();
  const pieces: string[] = [];
  return {
    encode: (text) =>
      preTokenize(text).map((p) => {
        if (!ids.has(p)) {
          ids.set(p, pieces.length);
          pieces.push(p);
        }
        return ids.get(p) as number;
      }),
    decode: (list) => list.map((i) => pieces[i]).join(''),
  };
}
const pieces = pieceTokenizer();

/** The authors' prefixes (`make_data_<k>`) of the tasks whose prefixes do not depend on a draw or the passage. */
const FIXED_PREFIXES: Partial<Record<LanguageTaskId, Record<Partition, string>>> = {
  0: { both: 'A film review: ', t_only: 'Film review: ', s_only: 'A movie review: ', neither: 'Movie review: ' },
  1: { both: '$ # ', t_only: '$ ', s_only: '# ', neither: '' },
  5: { both: '# $', t_only: '$ ', s_only: '# ', neither: '' },
  6: { both: '   .', t_only: '   ', s_only: '.', neither: '' },
  8: { both: '9/10 review: ', t_only: '9/10: ', s_only: '1/10 review: ', neither: '1/10: ' },
  9: { both: 'So: My opinion is: ', t_only: 'So: ', s_only: 'My opinion is: ', neither: '' },
};

describe('prefix tasks', () => {
  it('uses the prefixes of the authors\' make_data_<k> for tasks 0, 1, 5, 6, 8, 9', () => {
    for (const [id, expected] of Object.entries(FIXED_PREFIXES)) {
      assert.deepEqual(PREFIX_TASKS[Number(id) as LanguageTaskId].prefixes('Any passage.', tok, createRng(0)), expected, `task ${id}`);
    }
  });

  it('task 2 draws one low score n in 1..4 per passage and pairs it with 11 - n', () => {
    const rng = createRng('task2');
    const seen = new Set<number>();
    for (let k = 0; k < 200; k++) {
      const p = PREFIX_TASKS[2].prefixes('x', tok, rng);
      const n = Number(p.neither.split('/')[0]);
      seen.add(n);
      assert.deepEqual(p, { both: `${11 - n}/10 review: `, t_only: `${11 - n}/10: `, s_only: `${n}/10 review: `, neither: `${n}/10: ` });
    }
    assert.deepEqual([...seen].sort(), [1, 2, 3, 4]);
  });

  it('task 12 names a high-status occupation in both/t_only and a low-status one in s_only/neither', () => {
    assert.equal(HIGH_STATUS_OCCUPATIONS.length, 40);
    assert.equal(LOW_STATUS_OCCUPATIONS.length, 40);
    const rng = createRng('task12');
    for (let k = 0; k < 100; k++) {
      const p = PREFIX_TASKS[12].prefixes('x', tok, rng);
      const high = p.t_only.slice(0, -2);
      const low = p.neither.slice(0, -2);
      assert.ok(HIGH_STATUS_OCCUPATIONS.includes(high) && LOW_STATUS_OCCUPATIONS.includes(low));
      assert.deepEqual(p, { both: `Review by a ${high}: `, t_only: `${high}: `, s_only: `Review by a ${low}: `, neither: `${low}: ` });
    }
  });

  it('checkers read the features from the prompt text', () => {
    const T = (id: LanguageTaskId, prompt: string) => PREFIX_TASKS[id].hasTarget(prompt, tok);
    const S = (id: LanguageTaskId, prompt: string) => PREFIX_TASKS[id].hasSpurious(prompt, tok);
    assert.deepEqual([T(0, 'A film review: x'), T(0, 'Film review: x'), T(0, 'A movie review: x'), T(0, 'Movie review: films')], [true, true, false, false]);
    assert.deepEqual([S(0, 'A film review: x'), S(0, 'Movie review: A x')], [true, false]);
    assert.deepEqual([T(1, 'a $5 bill'), T(1, 'none'), S(1, 'no. #1'), S(1, 'none')], [true, false, true, false]);
    assert.deepEqual([T(2, '7/10: x'), T(2, '10/10 review: x'), T(2, '4/10: x'), T(2, 'x 9/10')], [true, true, false, false]);
    assert.deepEqual([S(2, '3/10 review: x'), S(2, '3/10: a Review of'), S(2, '3/10: reviews')], [true, true, false]);
    assert.deepEqual([T(6, '   x'), T(6, '.x'), S(6, '   .x'), S(6, '.x'), S(6, 'x.')], [true, false, true, true, false]);
    assert.deepEqual([T(8, '9/10: x'), T(8, '1/10 review: x')], [true, false]);
    assert.deepEqual([T(9, 'So: x'), T(9, 'x So: y'), S(9, 'So: My opinion is: x'), S(9, 'So: x')], [true, false, true, false]);
    assert.deepEqual([T(12, 'Review by a Software Engineer: x'), T(12, 'Engineer: x'), T(12, 'Janitor: x'), T(12, 'CEOs: x')], [true, true, false, false]);
    assert.deepEqual([S(12, 'Review by a Janitor: x'), S(12, 'Janitor: Review by a')], [true, false]);
    assert.deepEqual([S(22, '- So: x'), S(22, ' - x'), T(23, '- x'), T(23, ' So: x')], [true, false, true, false]);
    assert.equal(leadingScore('10/10 review: 3/10'), 10);
    assert.equal(promptOccupation('Review by a Call Center Representative: hi'), 'Call Center Representative');
  });

  it('getPrefixTask names the allowed ids', () => {
    assert.equal(getPrefixTask('22').id, 22);
    assert.throws(
      () => getPrefixTask(7),
      (e: unknown) => e instanceof ConfigError && e.message === 'task: 7 is not allowed; expected one of 0, 1, 2, 5, 6, 8, 9, 12, 22, 23',
    );
  });
});

describe('parity tasks 22 and 23', () => {
  // 11 pieces: 'The',' cat',' sat',' on',' the',' mat',' and',' then',' it',' ran',' off' -> 10 spaces (even).
  const even = 'The cat sat on the mat and then it ran off to see a dog';
  // 11 pieces: 'A',' dog',':',' one',' cat',',',' two',' birds',';',' and',' three' -> 7 spaces (punctuation pieces have none).
  const punctuated = 'A dog: one cat, two birds; and three fish swam away from here';

  it('counts spaces in the prefix plus the first 11 tokens of the passage (hand-worked)', () => {
    assert.equal(PARITY_WINDOW_TOKENS, 11);
    assert.equal(countSpaces(' a  b\tc\n'), 3, 'tabs and newlines are not spaces');
    assert.equal(parityCount(' ' + even, pieces), 1 + 10);
    assert.equal(parityCount('- ' + even, pieces), 1 + 10);
    assert.equal(parityCount(' So: ' + even, pieces), 2 + 10);
    assert.equal(parityCount('- So: ' + even, pieces), 2 + 10);
    assert.equal(parityCount(' ' + punctuated, pieces), 1 + 7);
    assert.equal(parityCount('- So: ' + punctuated, pieces), 2 + 7);
    // A prompt without the prefix form counts its own first 11 tokens.
    assert.equal(parityCount(even, pieces), 10);
  });

  it("picks the authors' prefix for each partition from the passage's parity (make_data_22/23)", () => {
    // Passage spaces even (10): ' ' gives odd, ' So: ' gives even.
    assert.deepEqual(PREFIX_TASKS[22].prefixes(even, pieces, createRng(0)), { both: '- So: ', t_only: ' So: ', s_only: '- ', neither: ' ' });
    assert.deepEqual(PREFIX_TASKS[23].prefixes(even, pieces, createRng(0)), { both: '- So: ', t_only: '- ', s_only: ' So: ', neither: ' ' });
    // make_data_22 with t.count(' ') odd: strong ' ', both '- ', weak '- So: ', neither ' So: '.
    const oddSpaces = 'One two three four five six seven eight nine ten, eleven twelve';
    assert.equal(parityCount(oddSpaces, pieces) % 2, 1);
    assert.deepEqual(PREFIX_TASKS[22].prefixes(oddSpaces, pieces, createRng(0)), { both: '- ', t_only: ' ', s_only: '- So: ', neither: ' So: ' });
    assert.deepEqual(PREFIX_TASKS[23].prefixes(oddSpaces, pieces, createRng(0)), { both: '- ', t_only: '- So: ', s_only: ' ', neither: ' So: ' });
    assert.equal(parityPrefix(true, true, 1), '- ');
    assert.equal(parityPrefix(false, true, 0), ' So: ');
  });

  it('makes prompts whose parity matches the partition with the real tokenizer', () => {
    for (const id of [22, 23] as const) {
      const task = PREFIX_TASKS[id];
      for (const text of passages) {
        const set = buildPromptSet(task, text, tok, DEFAULT_PROMPT_TOKENS, createRng(1));
        assert.ok(set, `task ${id}: ${text}`);
        for (const p of PARTITIONS) {
          const evenWanted = id === 22 ? hasTarget(p) : hasSpurious(p);
          const hyphenWanted = id === 22 ? hasSpurious(p) : hasTarget(p);
          assert.equal(parityCount(set[p], tok) % 2 === 0, evenWanted, `${id}/${p}: ${JSON.stringify(set[p])}`);
          assert.equal(set[p].startsWith('-'), hyphenWanted);
        }
      }
    }
  });
});

describe('prompts', () => {
  it('truncateToTokens keeps the first n tokens', () => {
    const text = passages[0];
    const ids = tok.encode(text);
    assert.equal(truncateToTokens(text, tok, 5), tok.decode(ids.slice(0, 5)));
    assert.equal(truncateToTokens(text, tok, 10_000), text);
  });

  it('every task: each accepted prompt is 16 tokens, starts with its prefix, and its features match its partition', () => {
    for (const id of LANGUAGE_TASK_IDS) {
      const task = PREFIX_TASKS[id];
      let accepted = 0;
      passages.forEach((text, k) => {
        const prefixes = task.prefixes(text, tok, createRng(k));
        const set = buildPromptSet(task, text, tok, DEFAULT_PROMPT_TOKENS, createRng(k));
        if (set === null) return;
        accepted++;
        for (const p of PARTITIONS) {
          const prompt: string = set[p];
          assert.equal(tok.encode(prompt).length, DEFAULT_PROMPT_TOKENS, `${id}/${p}: ${JSON.stringify(prompt)}`);
          assert.ok((prefixes[p] + text).startsWith(prompt), `${id}/${p} is a cut of prefix + passage: ${JSON.stringify(prompt)}`);
          assert.ok(prompt.startsWith(prefixes[p]), `${id}/${p} keeps its whole prefix: ${JSON.stringify(prompt)}`);
          assert.equal(task.hasTarget(prompt, tok), hasTarget(p), `${id}/${p} t`);
          assert.equal(task.hasSpurious(prompt, tok), hasSpurious(p), `${id}/${p} s`);
        }
      });
      assert.ok(accepted >= 0.9 * passages.length, `task ${id}: ${accepted} of ${passages.length} passages give all four prompts`);
    }
  });

  it('rejects a passage that would trip a checker, a too-short text, and accepts the clean case', () => {
    const task1 = PREFIX_TASKS[1];
    const clean = passages.find((t) => !/[$#]/.test(t)) as string;
    assert.ok(buildPrompt(task1, clean, 'neither', tok, 16, createRng(0)));
    assert.equal(buildPrompt(task1, 'It cost $5 and then some more words to make it long enough ok.', 'neither', tok, 16, createRng(0)), null);
    assert.equal(buildPrompt(task1, 'Too short.', 'both', tok, 16, createRng(0)), null);
    assert.equal(buildPrompt(task1, 'Too short.', 'both', tok, null, createRng(0)), '$ # Too short.');
  });

  it('checks features after truncation: a feature cut off by the 16-token limit no longer counts', () => {
    // Task 9's both prefix fits; pushed past 16 tokens by a long lead-in it would not, so such a prompt is rejected.
    const task9 = PREFIX_TASKS[9];
    const longLead = 'So: ' + 'very '.repeat(20) + 'My opinion is: ';
    assert.equal(task9.hasSpurious(truncateToTokens(longLead + passages[0], tok, 16), tok), false);
    assert.ok(buildPrompt(task9, passages[0], 'both', tok, 16, createRng(0))?.includes('My opinion is: '));
  });
});
