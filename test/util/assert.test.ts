import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, underParam, withParamPath } from '../../src/util/assert';
import { loadLanguageCorpus } from '../../src/study/pretraining/model';

describe('withParamPath', () => {
  it('replaces only a listed leading field name', () => {
    const paths = { hfModelDir: 'lm.hfModelDir', imdbPath: 'corpus.imdbPath' };
    assert.equal(withParamPath('hfModelDir: /m has no merges.txt', paths), 'lm.hfModelDir: /m has no merges.txt');
    assert.equal(withParamPath('distilbertDir: not given', paths), 'distilbertDir: not given');
    assert.equal(withParamPath('no field here, imdbPath: x', paths), 'no field here, imdbPath: x');
  });
});

describe('underParam', () => {
  it("puts the parameter's full path in place of a lower layer's field name", () => {
    assert.throws(
      () => underParam({ imdbPath: 'corpus.imdbPath' }, () => { throw new ConfigError('imdbPath: /x does not exist; expected a file'); }),
      (e: unknown) => e instanceof ConfigError && e.message === 'corpus.imdbPath: /x does not exist; expected a file',
    );
  });

  it('passes other errors, and ConfigErrors about another field, unchanged', () => {
    const other = new ConfigError('imdbPathX: no');
    assert.throws(() => underParam({ imdbPath: 'corpus.imdbPath' }, () => { throw other; }), (e: unknown) => e === other);
    const plain = new Error('imdbPath: not a config error');
    assert.throws(() => underParam({ imdbPath: 'corpus.imdbPath' }, () => { throw plain; }), (e: unknown) => e === plain);
    assert.equal(underParam({ imdbPath: 'corpus.imdbPath' }, () => 7), 7);
  });

  it('names corpus.imdbPath when the IMDB file of the corpus group is missing', () => {
    assert.throws(
      () => loadLanguageCorpus({ source: 'imdb', imdbPath: '/no/such/imdb.csv', seed: 0 }),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith('corpus.imdbPath: /no/such/imdb.csv does not exist'),
    );
  });
});
