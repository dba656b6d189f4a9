/**
 * A run archive: the verified result files of a preset's run stores as plain JSON lines, one file
 * per run kind (`<dir>/<kind>.jsonl`, one result file per line, sorted by key and hash), so that
 * finished runs can be committed, shipped and imported into another machine's store.
 *
 * Export reads `datasets/results/<preset>/<kind>/` and keeps only files that verify (schema, fields,
 * content hash, and a file name that is the hash of their identity and configuration); the same
 * store gives the same bytes. Import checks every line the same way and writes it to the path the
 * store itself would use, atomically and byte for byte as the store writes it, so an imported run is
 * reused exactly as if it had been computed here. A file already in the store is never replaced by
 * a different result: the line is reported as a conflict. Step logs are not archived (diagnostics;
 * the analyses read results only).
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic_write';
import { configHash, contentHash, resultFileProblem, RunStore, type ResultFile, type RunIdentity } from './run_store';

/** Suffix of an archive file: `<kind>.jsonl`. */
export const ARCHIVE_SUFFIX = '.jsonl';

const KIND = /^[a-z][a-z0-9_]*$/;

/** What one export or import did, per run kind. */
export interface ArchiveKindReport {
  readonly kind: string;
  /** Runs written (export: lines; import: result files created or repaired). */
  readonly written: number;
  /** Import only: runs already in the store with the same content hash. */
  readonly present: number;
  /** One line per file or line that was left out, with the reason. */
  readonly rejected: readonly string[];
}

/** The store's own bytes for a result file (`writeJsonAtomic`'s layout). */
const resultFileText = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

/** Why `value` cannot be archived or imported as a run of `kind`, else undefined. */
function lineProblem(value: unknown, kind: string): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const v = value as Partial<ResultFile<unknown, unknown>>;
  const run = v.run as RunIdentity | undefined;
  if (!run || typeof run !== 'object') return 'missing field run';
  if (run.kind !== kind) return `run kind ${JSON.stringify(run.kind ?? null)}, expected ${kind}`;
  if (typeof v.key !== 'string' || !/^[A-Za-z0-9._=+-]+(\/[A-Za-z0-9._=+-]+)*$/.test(v.key) || v.key.split('/').some((s) => s === '..' || s === '.')) {
    return `key ${JSON.stringify(v.key ?? null)} is not a store key`;
  }
  return resultFileProblem(value, run, v.config);
}

/** The path the store gives a verified result `v` under `root/<kind>/`. */
const storePath = (root: string, kind: string, v: ResultFile<unknown, unknown>): string => path.join(root, kind, `${v.key}--${configHash(v.run, v.config)}.json`);

/** Kinds (sub-folders) of a results root, sorted. */
function kindsUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && KIND.test(d.name)).map((d) => d.name).sort();
}

/**
 * Writes `outDir/<kind>.jsonl` for every kind under `root` (or only `kinds`) holding at least one
 * verified run; returns what was written and what was left out. Deterministic: lines are compact
 * JSON of the parsed files, sorted by key, then hash.
 */
export function exportRunArchive(root: string, outDir: string, kinds?: readonly string[]): ArchiveKindReport[] {
  const reports: ArchiveKindReport[] = [];
  for (const kind of kinds ?? kindsUnder(root)) {
    const rejected: string[] = [];
    const lines: { order: string; text: string }[] = [];
    for (const e of new RunStore(path.join(root, kind), { kind }).entries()) {
      const rel = path.relative(root, e.file);
      if (e.hash === undefined) {
        rejected.push(`${rel}: older file layout (no configuration hash)`);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(fs.readFileSync(e.file, 'utf8'));
      } catch (err) {
        rejected.push(`${rel}: not valid JSON (${(err as Error).message})`);
        continue;
      }
      const problem = lineProblem(value, kind) ?? (storePath(root, kind, value as ResultFile<unknown, unknown>) === e.file ? undefined : 'file name is not the hash of its identity and configuration');
      if (problem !== undefined) {
        rejected.push(`${rel}: ${problem}`);
        continue;
      }
      lines.push({ order: `${e.key}\u0000${e.hash}`, text: JSON.stringify(value) });
    }
    if (lines.length === 0) {
      reports.push({ kind, written: 0, present: 0, rejected });
      continue;
    }
    lines.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    writeFileAtomic(path.join(outDir, `${kind}${ARCHIVE_SUFFIX}`), lines.map((l) => l.text).join('\n') + '\n');
    reports.push({ kind, written: lines.length, present: 0, rejected });
  }
  return reports;
}

/** Problems of an archive folder's lines (`file:line: reason`), without writing anything; empty when every line verifies. */
export function checkRunArchive(dir: string): string[] {
  const problems: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(ARCHIVE_SUFFIX)).sort()) {
    const kind = f.slice(0, -ARCHIVE_SUFFIX.length);
    if (!KIND.test(kind)) {
      problems.push(`${f}: not a run kind's file name`);
      continue;
    }
    fs.readFileSync(path.join(dir, f), 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        problems.push(`${f}:${i + 1}: not valid JSON (${(err as Error).message})`);
        return;
      }
      const problem = lineProblem(value, kind);
      if (problem !== undefined) problems.push(`${f}:${i + 1}: ${problem}`);
    });
  }
  return problems;
}

/**
 * Imports every `<kind>.jsonl` of `fromDir` into `root/<kind>/`: each line that verifies becomes the
 * result file the store would have written. A verified file already there with the same content hash
 * counts as present; one with another content hash is kept and the line reported as a conflict; a
 * file there that fails verification is replaced.
 */
export function importRunArchive(fromDir: string, root: string): ArchiveKindReport[] {
  if (!fs.existsSync(fromDir)) throw new Error(`archive: ${fromDir} does not exist`);
  const files = fs.readdirSync(fromDir).filter((f) => f.endsWith(ARCHIVE_SUFFIX) && KIND.test(f.slice(0, -ARCHIVE_SUFFIX.length))).sort();
  const reports: ArchiveKindReport[] = [];
  for (const f of files) {
    const kind = f.slice(0, -ARCHIVE_SUFFIX.length);
    let written = 0;
    let present = 0;
    const rejected: string[] = [];
    const lines = fs.readFileSync(path.join(fromDir, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${f}:${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        rejected.push(`${where}: not valid JSON (${(err as Error).message})`);
        return;
      }
      const problem = lineProblem(value, kind);
      if (problem !== undefined) {
        rejected.push(`${where}: ${problem}`);
        return;
      }
      const v = value as ResultFile<unknown, unknown>;
      const target = storePath(root, kind, v);
      if (fs.existsSync(target)) {
        let existing: unknown;
        try {
          existing = JSON.parse(fs.readFileSync(target, 'utf8'));
        } catch {
          existing = undefined;
        }
        if (existing !== undefined && lineProblem(existing, kind) === undefined) {
          if ((existing as ResultFile<unknown, unknown>).contentHash === v.contentHash) present++;
          else rejected.push(`${where}: ${v.key} conflicts with ${path.relative(root, target)} (same configuration, other result: content hash ${String((existing as ResultFile<unknown, unknown>).contentHash).slice(0, 12)} kept, ${v.contentHash.slice(0, 12)} not imported)`);
          return;
        }
      }
      writeFileAtomic(target, resultFileText(value));
      written++;
    });
    reports.push({ kind, written, present, rejected });
  }
  return reports;
}

/** One line per kind: `kind: N written, M present, K rejected`. */
export function archiveSummary(reports: readonly ArchiveKindReport[], verb: 'exported' | 'imported'): string[] {
  return reports.map((r) => `${r.kind}: ${r.written} ${verb}${verb === 'imported' ? `, ${r.present} already present` : ''}${r.rejected.length > 0 ? `, ${r.rejected.length} left out` : ''}`);
}

