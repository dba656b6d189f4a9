import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { languageRewardModel, rewardClassifierFile } from '../../../../src/study/rl/language/reward_model';
import { sentimentScore } from '../../../../src/rl/sentiment_reward';
import type { Corpus } from '../../../../src/tasks/language/corpus';

describe('languageRewardModel', () => {
  it('gives VADER with scale 1 and no identity', () => {
    const m = languageRewardModel('vader', {} as Corpus);
    assert.deepEqual(m.spec, { kind: 'vader', scale: 1, sha256: null });
    assert.equal(m.score('I love it'), sentimentScore('I love it'));
    assert.equal(m.classifier, null);
  });

  it('refuses an unknown kind, naming the allowed ones', () => {
    assert.throws(() => languageRewardModel('bert' as 'vader', {} as Corpus), /reward: "bert" is not allowed; expected one of classifier, vader, distilbert/);
  });

  it('caches the classifier of a corpus under datasets/models/reward, named by the corpus hash', () => {
    assert.match(rewardClassifierFile('ab'.repeat(32)), /datasets[\\/]models[\\/]reward[\\/]classifier-abababababab\.json$/);
  });
});
