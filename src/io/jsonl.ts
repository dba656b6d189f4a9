/**
 * JSON-lines files: one JSON value per line, `\n`-terminated, keys in the order of the objects
 * given (the task files use `{"text", "label", "partition"}`). Writes are atomic.
 */
import * as fs from 'fs';
import { writeFileAtomic } from './atomic_write';

/** The JSON-lines text of `rows`: one `JSON.stringify(row)` per line, each ending in `\n` ('' for no rows). */
export function formatJsonl(rows: readonly unknown[]): string {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) lines[i] = JSON.stringify(rows[i]) + '\n';
  return lines.join('');
}

/** Writes `rows` to `file` atomically (creating folders) and returns the text written, for hashing. */
export function writeJsonl(file: string, rows: readonly unknown[]): string {
  const text = formatJsonl(rows);
  writeFileAtomic(file, text);
  return text;
}

/** Parses JSON-lines `text`; blank lines are skipped; a bad line throws naming `source:line`. */
export function parseJsonl<T>(text: string, source = 'jsonl'): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      throw new Error(`${source}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
  }
  return out;
}

/** Reads and parses the JSON-lines file `file`. */
export function readJsonl<T>(file: string): T[] {
  return parseJsonl<T>(fs.readFileSync(file, 'utf8'), file);
}
