import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanReview, loadAclImdb, loadImdb, loadImdbCsv, parseCsv, parseSentiment } from '../../../src/tasks/language/imdb_loader';
import { ConfigError } from '../../../src/util/assert';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'language');
const CSV = path.join(FIXTURES, 'imdb_small.csv');
const ACL = path.join(FIXTURES, 'aclImdb');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imdb-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes, newlines, and CRLF or LF record ends', () => {
    assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",\n'), [
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('keeps a last record without a newline and skips a leading byte-order mark', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\n1,2'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(parseCsv(''), []);
  });

  it('rejects an unclosed quoted field', () => {
    assert.throws(() => parseCsv('a\n"open'), (e: unknown) => e instanceof ConfigError && /^csv: a quoted field/.test(e.message));
  });
});

describe('cleanReview', () => {
  it('turns <br /> tags into spaces and collapses whitespace', () => {
    assert.equal(cleanReview('Great.<br /><br />Really<br/>great<BR>!  \n '), 'Great. Really great !');
  });
});

describe('parseSentiment', () => {
  it('maps positive/pos to 1 and negative/neg to 0, and names the record otherwise', () => {
    assert.equal(parseSentiment('positive', 'x'), 1);
    assert.equal(parseSentiment(' NEG ', 'x'), 0);
    assert.throws(
      () => parseSentiment('neutral', 'f.csv record 3'),
      (e: unknown) => e instanceof ConfigError && e.message === `f.csv record 3: sentiment "neutral" is not allowed; expected 'positive' or 'negative'`,
    );
  });
});

describe('loadImdbCsv', () => {
  it('reads the 50k-review CSV layout: quoted reviews, embedded quotes and newlines, <br /> stripped', () => {
    assert.deepEqual(loadImdbCsv(CSV), [
      { text: 'One of the best films I have seen. The acting, "superb", and the score, moving.', source: 'imdb-csv:1', sentiment: 1 },
      { text: 'Terrible. Just terrible, with commas, and a newline inside the quotes.', source: 'imdb-csv:2', sentiment: 0 },
      { text: 'Plain unquoted review without commas', source: 'imdb-csv:3', sentiment: 1 },
      { text: 'Whitespace runs and a capital tag', source: 'imdb-csv:4', sentiment: 0 },
      { text: 'Ends with a quote "here"', source: 'imdb-csv:5', sentiment: 1 },
    ]);
  });

  it('finds the columns by name, in any order', () => {
    const file = path.join(tmp, 'swapped.csv');
    fs.writeFileSync(file, 'sentiment,review\nnegative,"Bad, bad."\n');
    assert.deepEqual(loadImdbCsv(file), [{ text: 'Bad, bad.', source: 'imdb-csv:1', sentiment: 0 }]);
  });

  it('rejects a file without review/sentiment columns or with a short record', () => {
    const noCols = path.join(tmp, 'nocols.csv');
    fs.writeFileSync(noCols, 'text,label\nx,1\n');
    assert.throws(() => loadImdbCsv(noCols), (e: unknown) => e instanceof ConfigError && e.message.endsWith(`has columns ["text","label"]; expected 'review' and 'sentiment'`));
    const short = path.join(tmp, 'short.csv');
    fs.writeFileSync(short, 'review,sentiment\nonly one field\n');
    assert.throws(() => loadImdbCsv(short), (e: unknown) => e instanceof ConfigError && e.message.endsWith('record 2 has 1 fields; expected 2'));
  });
});

describe('loadAclImdb', () => {
  it('reads train then test, pos then neg, files by numeric id, and ignores unsup and url lists', () => {
    const passages = loadAclImdb(ACL);
    assert.deepEqual(
      passages.map((p) => [p.source, p.sentiment]),
      [
        ['aclImdb/train/pos/0_9.txt', 1],
        ['aclImdb/train/pos/2_7.txt', 1],
        ['aclImdb/train/pos/10_8.txt', 1],
        ['aclImdb/train/neg/1_2.txt', 0],
        ['aclImdb/test/pos/0_10.txt', 1],
        ['aclImdb/test/neg/0_1.txt', 0],
      ],
    );
    assert.equal(passages[0].text, 'A wonderful film. Loved it.');
    assert.equal(passages[1].text, 'Decent enough.');
    assert.equal(passages[3].text, 'Awful. Truly awful.');
  });

  it('rejects a folder without reviews', () => {
    assert.throws(() => loadAclImdb(tmp), (e: unknown) => e instanceof ConfigError && /holds no reviews/.test(e.message));
  });
});

describe('loadImdb', () => {
  it('dispatches on the path: a file is the CSV, a folder is aclImdb', () => {
    assert.equal(loadImdb(CSV).length, 5);
    assert.equal(loadImdb(ACL).length, 6);
    assert.throws(() => loadImdb(path.join(tmp, 'missing.csv')), (e: unknown) => e instanceof ConfigError && /does not exist/.test(e.message));
  });
});
