/**
 * One JSON file per finished run, written atomically, so an interrupted grid resumes without
 * recomputing or losing a finished run. A stored result is reused only when the configuration
 * it records equals the one asked for (canonical JSON); otherwise the run is redone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson } from './manifest';
import { readJsonIfExists, writeJsonAtomic } from './atomic_write';

/** What a result file holds: the run's configuration, its result, and bookkeeping. */
export interface StoredResult<C, R> {
  /** The configuration the run was asked for (compared on reuse). */
  readonly config: C;
  readonly result: R;
  /** ISO time the run finished. */
  readonly finishedAt: string;
  /** Wall time of the run in milliseconds. */
  readonly wallMs: number;
}

/** A folder of result files, one per key (`<key>.json`; `/` in a key makes sub-folders). */
export class ResultStore {
  constructor(readonly dir: string) {}

  /** The file of `key`. Keys are made of `[A-Za-z0-9._=+-]` segments separated by `/`. */
  file(key: string): string {
    if (!/^[A-Za-z0-9._=+-]+(\/[A-Za-z0-9._=+-]+)*$/.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
      throw new Error(`key: '${key}' is not allowed; expected segments of letters, digits and ._=+- separated by /`);
    }
    return path.join(this.dir, `${key}.json`);
  }

  /** The stored result of `key` when its recorded configuration equals `config`, else undefined. */
  get<C, R>(key: string, config: C): StoredResult<C, R> | undefined {
    let stored: StoredResult<C, R> | undefined;
    try {
      stored = readJsonIfExists<StoredResult<C, R>>(this.file(key));
    } catch {
      return undefined; // unreadable: treat as missing and recompute
    }
    if (stored === undefined || canonicalJson(stored.config) !== canonicalJson(config)) return undefined;
    return stored;
  }

  /** Writes the result of `key` atomically. */
  put<C, R>(key: string, config: C, result: R, wallMs: number): StoredResult<C, R> {
    const stored: StoredResult<C, R> = { config, result, finishedAt: new Date().toISOString(), wallMs };
    writeJsonAtomic(this.file(key), stored);
    return stored;
  }

  /** Every key with a file in the store (sorted). */
  keys(): string[] {
    const out: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
        else if (entry.name.endsWith('.json')) out.push(`${prefix}${entry.name.slice(0, -5)}`);
      }
    };
    walk(this.dir, '');
    return out.sort();
  }
}
