import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Passage } from '../../src/tasks/language/corpus';
import { classifierLogit, lexiconLabels, textWords, topWords, trainSentimentClassifier } from '../../src/rl/sentiment_classifier';

const passage = (text: string, sentiment: 0 | 1 | null): Passage => ({ text, source: 'test', sentiment });
const pos = ['a great film', 'great acting and a good plot', 'good fun', 'a good and great day', 'great music', 'good people'];
const neg = ['a bad film', 'bad acting and a dull plot', 'dull fun', 'a bad and dull day', 'dull music', 'bad people'];
const train = [...pos.map((t) => passage(t, 1)), ...neg.map((t) => passage(t, 0))];

describe('textWords', () => {
  it('lowercases and keeps letters with inner apostrophes', () => {
    assert.deepEqual(textWords("It's GREAT, isn't it? 10/10!"), ["it's", 'great', "isn't", 'it']);
  });
});

describe('lexiconLabels', () => {
  it("keeps a passage's own label and labels the rest by VADER beyond the threshold", () => {
    const out = lexiconLabels([passage('whatever', 1), passage('This is wonderful, I love it.', null), passage('This is terrible and I hate it.', null), passage('The meeting is on Tuesday.', null)], 0.5);
    assert.deepEqual(out.map((e) => e.label), [1, 1, 0]);
  });
});

describe('trainSentimentClassifier', () => {
  const cfg = { minCount: 2, l2: 1e-3, iterations: 2000, learningRate: 2 };
  const model = trainSentimentClassifier(train, train, cfg);

  it('gives positive words positive weights and negative words negative ones', () => {
    const w = (word: string) => model.weights[model.words.indexOf(word)];
    assert.ok(w('great') > 0.5 && w('good') > 0.5, `great ${w('great')}, good ${w('good')}`);
    assert.ok(w('bad') < -0.5 && w('dull') < -0.5, `bad ${w('bad')}, dull ${w('dull')}`);
    assert.equal(model.stats.trainAccuracy, 1);
    assert.deepEqual(topWords(model, 2).positive.map((x) => x.word).sort(), ['good', 'great']);
  });

  it('scores a text as the bias plus the weights of the words present, each once', () => {
    const w = (word: string) => model.weights[model.words.indexOf(word)];
    assert.ok(Math.abs(classifierLogit(model, 'Great, great GOOD film!') - (model.bias + w('great') + w('good') + w('film'))) < 1e-12);
    assert.equal(classifierLogit(model, 'zebra'), model.bias);
  });

  it('returns weights where the gradient of the regularised balanced loss is about zero (optimality)', () => {
    // Independent check of the fit: recompute the objective's gradient at the returned weights.
    const rows = train.map((p) => [...new Set(textWords(p.text))].filter((x) => model.words.includes(x)).map((x) => model.words.indexOf(x)));
    const y = train.map((p) => p.sentiment as number);
    const grad = model.weights.map((wj) => cfg.l2 * wj);
    let gb = 0;
    rows.forEach((row, n) => {
      const z = row.reduce((a, j) => a + model.weights[j], model.bias);
      const g = (1 / (1 + Math.exp(-z)) - y[n]) * (0.5 / 6);
      gb += g;
      row.forEach((j) => (grad[j] += g));
    });
    const norm = Math.sqrt(grad.reduce((a, g) => a + g * g, gb * gb));
    assert.ok(norm < 1e-4, `gradient norm ${norm}`);
  });

  it('is deterministic: the same data give the same weights and identity', () => {
    assert.equal(trainSentimentClassifier(train, train, cfg).sha256, model.sha256);
    assert.notEqual(trainSentimentClassifier(train.slice(1), train, cfg).sha256, model.sha256);
  });

  it('uses the 95th percentile of |logit| on the validation passages as the reward scale', () => {
    const abs = train.map((p) => Math.abs(classifierLogit(model, p.text))).sort((a, b) => a - b);
    const pos95 = (abs.length - 1) * 0.95;
    const expected = abs[Math.floor(pos95)] + (abs[Math.ceil(pos95)] - abs[Math.floor(pos95)]) * (pos95 - Math.floor(pos95));
    assert.ok(Math.abs(model.scale - expected) < 1e-12);
  });

  it('refuses data with one class, naming the counts', () => {
    assert.throws(() => trainSentimentClassifier(pos.map((t) => passage(t, 1)), [], cfg), /train: 6 positive and 0 negative passages/);
  });
});
