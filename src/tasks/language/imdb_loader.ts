/**
 * IMDB movie reviews (Maas et al. 2011), the study's text, read from a copy the user already has:
 * either the 50k-review CSV of Kaggle ("IMDB Dataset.csv": columns `review,sentiment`, quoted
 * fields with embedded commas, quotes and newlines; the file the authors' `imdb_dataset_preprocessing.py`
 * loads as `IMDB_dataset.csv`) or the original `aclImdb` folder (`train/pos/<id>_<rating>.txt`, ...).
 * Reviews come back whole, `<br />` tags replaced by spaces and whitespace collapsed (the authors fed
 * the raw text; the tags rarely reach a 16-token prompt).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../util/assert';
import type { Label } from '../types';
import type { Passage } from './corpus';

/**
 * Parses CSV text (RFC 4180): fields separated by `,`, records by `\n` or `\r\n`; a field in double
 * quotes may hold commas, newlines and `""` (one quote). A trailing newline adds no record.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atFieldStart = true;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      atFieldStart = false;
      i++;
    }
  }
  if (quoted) throw new ConfigError(`csv: a quoted field opened before character ${n} is never closed; expected a closing "`);
  if (!atFieldStart || field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A review as clean text: `<br />` (and `<br>`, `<br/>`) become spaces, whitespace runs one space, trimmed. */
export function cleanReview(raw: string): string {
  return raw
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** 1 for `positive`/`pos`, 0 for `negative`/`neg` (case-insensitive); throws naming `where` otherwise. */
export function parseSentiment(value: string, where: string): Label {
  const v = value.trim().toLowerCase();
  if (v === 'positive' || v === 'pos') return 1;
  if (v === 'negative' || v === 'neg') return 0;
  throw new ConfigError(`${where}: sentiment ${JSON.stringify(value)} is not allowed; expected 'positive' or 'negative'`);
}

/**
 * The reviews of the 50k-review CSV `file`, in file order, as passages `imdb-csv:<row>` (row 1 =
 * first review). The header must name `review` and `sentiment` columns (any order).
 */
export function loadImdbCsv(file: string): Passage[] {
  const rows = parseCsv(fs.readFileSync(file, 'utf8'));
  if (rows.length === 0) throw new ConfigError(`imdbPath: ${file} is empty; expected a header 'review,sentiment' and one review per record`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const iReview = header.indexOf('review');
  const iSentiment = header.indexOf('sentiment');
  if (iReview < 0 || iSentiment < 0) {
    throw new ConfigError(`imdbPath: ${file} has columns ${JSON.stringify(rows[0])}; expected 'review' and 'sentiment'`);
  }
  const out: Passage[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length === 1 && row[0] === '') continue; // blank line
    if (row.length !== header.length) {
      throw new ConfigError(`imdbPath: ${file} record ${r + 1} has ${row.length} fields; expected ${header.length}`);
    }
    const text = cleanReview(row[iReview]);
    if (text === '') continue;
    out.push({ text, source: `imdb-csv:${r}`, sentiment: parseSentiment(row[iSentiment], `${file} record ${r + 1}`) });
  }
  return out;
}

/** The `aclImdb` splits read, in this order. */
export const ACL_IMDB_SPLITS = ['train', 'test'] as const;
/** The labelled class folders, in this order (`unsup` is ignored). */
const ACL_IMDB_CLASSES: readonly { folder: string; sentiment: Label }[] = [
  { folder: 'pos', sentiment: 1 },
  { folder: 'neg', sentiment: 0 },
];

/** Sort key of `<id>_<rating>.txt`: the numeric id, then the name. */
function reviewFileOrder(a: string, b: string): number {
  const ia = parseInt(a, 10);
  const ib = parseInt(b, 10);
  if (ia !== ib && Number.isFinite(ia) && Number.isFinite(ib)) return ia - ib;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The reviews of an `aclImdb` folder: `train` then `test`, `pos` then `neg`, files by numeric id;
 * sources `aclImdb/<split>/<class>/<file>`. Missing split or class folders are skipped; a folder
 * with no review at all is an error.
 */
export function loadAclImdb(dir: string): Passage[] {
  const out: Passage[] = [];
  for (const split of ACL_IMDB_SPLITS) {
    for (const { folder, sentiment } of ACL_IMDB_CLASSES) {
      const classDir = path.join(dir, split, folder);
      if (!fs.existsSync(classDir)) continue;
      const files = fs
        .readdirSync(classDir)
        .filter((f) => f.endsWith('.txt'))
        .sort(reviewFileOrder);
      for (const f of files) {
        const text = cleanReview(fs.readFileSync(path.join(classDir, f), 'utf8'));
        if (text !== '') out.push({ text, source: `aclImdb/${split}/${folder}/${f}`, sentiment });
      }
    }
  }
  if (out.length === 0) {
    throw new ConfigError(`imdbPath: ${dir} holds no reviews; expected train/pos/*.txt, train/neg/*.txt (and/or test/...)`);
  }
  return out;
}

/** Reviews from `imdbPath`: a CSV file or an `aclImdb` folder. */
export function loadImdb(imdbPath: string): Passage[] {
  if (!fs.existsSync(imdbPath)) throw new ConfigError(`imdbPath: ${imdbPath} does not exist; expected the IMDB CSV file or an aclImdb folder`);
  return fs.statSync(imdbPath).isDirectory() ? loadAclImdb(imdbPath) : loadImdbCsv(imdbPath);
}
