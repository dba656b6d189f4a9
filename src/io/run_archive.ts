/**
 * A run archive: the verified result files of a preset's run stores as plain JSON lines, one file
 * per run kind (`<dir>/<kind>.jsonl`, one result file per line, sorted by key and hash), so that
 * finished runs can be committed, shipped and imported into another machine's store. A kind whose
 * lines pass `ARCHIVE_PART_BYTES` continues in `<kind>.2.jsonl`, `<kind>.3.jsonl`, … (the sorted
 * lines cut greedily, each part at most that size unless one line alone is larger), so no file
 * passes a git host's size limit; readers take the parts in order as one list.
 *
 * Export adds the files of `datasets/results/<preset>/<kind>/` that verify (schema, fields, content
 * hash, and a file name that is the hash of their identity and configuration) to what the archive
 * holds, so it never drops an archived run; the same runs give the same bytes. Import checks every line the same way and writes it to the path the
 * store itself would use, atomically and byte for byte as the store writes it, so an imported run is
 * reused exactly as if it had been computed here. A file already in the store is never replaced by
 * a different result: the line is reported as a conflict. Step logs are not archived (diagnostics;
 * the analyses read results only).
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic_write';
import { configHash, contentHash, resultFileProblem, RunStore, type ResultFile, type RunIdentity } from './run_store';

/** Suffix of an archive file: `<kind>.jsonl`, `<kind>.<part>.jsonl`. */
export const ARCHIVE_SUFFIX = '.jsonl';

/**
 * Largest archive file written, in bytes: 48 MiB, under GitHub's 50 MiB warning and far under its
 * 100 MiB limit (a language RL run with its 480 step statistics is about 0.5 MB, so one lineage of
 * 90 runs is about 44 MB).
 */
export const ARCHIVE_PART_BYTES = 48 * 1024 * 1024;

/** A run kind's name (a store sub-folder). */
const KIND_NAME = '[a-z][a-z0-9_]*';
const KIND = new RegExp(`^${KIND_NAME}$`);
const ARCHIVE_NAME = new RegExp(`^(${KIND_NAME})(?:\\.([2-9]|[1-9][0-9]+))?\\${ARCHIVE_SUFFIX}$`);

/** `<kind>.jsonl` (part 1) or `<kind>.<part>.jsonl` (part 2, 3, …) parsed; null for any other name. */
export function parseArchiveName(file: string): { kind: string; part: number } | null {
  const m = ARCHIVE_NAME.exec(file);
  return m ? { kind: m[1], part: m[2] === undefined ? 1 : Number(m[2]) } : null;
}

/** The file name of part `part` (from 1) of a kind's archive. */
export const archivePartName = (kind: string, part: number): string => (part === 1 ? `${kind}${ARCHIVE_SUFFIX}` : `${kind}.${part}${ARCHIVE_SUFFIX}`);

/** The archive files of `kind` in `dir` (absolute paths) with their part numbers, in part order. */
function archiveParts(dir: string, kind: string): { file: string; part: number }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((f) => {
      const parsed = parseArchiveName(f);
      return parsed?.kind === kind ? [{ file: path.join(dir, f), part: parsed.part }] : [];
    })
    .sort((a, b) => a.part - b.part);
}

/**
 * The sorted lines of one kind cut into parts of at most `maxBytes` (each line plus its newline; a
 * line longer than that is a part of its own). Deterministic: the same lines give the same parts.
 */
export function splitArchiveLines(lines: readonly string[], maxBytes: number = ARCHIVE_PART_BYTES): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** What one export or import did, per run kind. */
export interface ArchiveKindReport {
  readonly kind: string;
  /** Runs written (export: lines; import: result files created or repaired). */
  readonly written: number;
  /** Import only: runs already in the store with the same content hash. */
  readonly present: number;
  /** One line per file or line that was left out, with the reason. */
  readonly rejected: readonly string[];
  /** Import with `replaceConflictsInto` only: one line per store result that the archive's replaced, and where it went. */
  readonly replaced?: readonly string[];
}

/** Options of `importRunArchive`. */
export interface ImportOptions {
  /**
   * A folder for the store's verified results that conflict with the archive (same configuration,
   * another content hash; say, runs computed before a numerics change): each is moved there with its
   * step log, keeping its path below the results root, and the archive's run is written in its place.
   * Absent: conflicts are kept and reported (the default; nothing is moved).
   */
  readonly replaceConflictsInto?: string;
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

/** One archive file's lines: the verified ones (parsed, with their line text) and one `file:line: reason` per other line. */
function readArchiveFile(file: string, kind: string): { runs: { value: ResultFile<unknown, unknown>; text: string; where: string }[]; rejected: string[] } {
  const runs: { value: ResultFile<unknown, unknown>; text: string; where: string }[] = [];
  const rejected: string[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    if (text.trim() === '') return;
    const where = `${path.basename(file)}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      rejected.push(`${where}: not valid JSON (${(err as Error).message})`);
      return;
    }
    const problem = lineProblem(value, kind);
    if (problem !== undefined) rejected.push(`${where}: ${problem}`);
    else runs.push({ value: value as ResultFile<unknown, unknown>, text, where });
  });
  return { runs, rejected };
}

/** Kinds with an archive file in `dir`, sorted. */
function archivedKinds(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return [...new Set(fs.readdirSync(dir).flatMap((f) => parseArchiveName(f)?.kind ?? []))].sort();
}

/** All parts of a kind's archive read as one list (`file:line` names the part). */
function readArchive(dir: string, kind: string): ReturnType<typeof readArchiveFile> {
  const all: ReturnType<typeof readArchiveFile> = { runs: [], rejected: [] };
  for (const { file } of archiveParts(dir, kind)) {
    const one = readArchiveFile(file, kind);
    all.runs.push(...one.runs);
    all.rejected.push(...one.rejected);
  }
  return all;
}

/** A run's place in an archive: its key and configuration hash (the store's file name). */
const runId = (v: ResultFile<unknown, unknown>): string => `${v.key}\u0000${configHash(v.run, v.config)}`;

/**
 * Adds every verified run under `root` to `outDir/<kind>.jsonl`, keeping what the archive already
 * holds: an export never drops an archived run (a machine that imported part of an archive and
 * computed more exports the union). A store run whose configuration the archive holds with another
 * result is not written (reported as a conflict); archive lines that fail verification are
 * reported and dropped. Deterministic: compact JSON lines sorted by key, then configuration hash.
 * `written` counts runs added, `present` store runs the archive already held. `kinds` restricts the
 * export to those run kinds (the others' archive files are left as they are).
 */
export function exportRunArchive(root: string, outDir: string, kinds?: readonly string[], maxPartBytes: number = ARCHIVE_PART_BYTES): ArchiveKindReport[] {
  const reports: ArchiveKindReport[] = [];
  for (const kind of [...new Set([...kindsUnder(root), ...archivedKinds(outDir)])].sort().filter((k) => kinds === undefined || kinds.includes(k))) {
    const rejected: string[] = [];
    const lines = new Map<string, { text: string; contentHash: string }>();
    const oldParts = archiveParts(outDir, kind).map((p) => p.file);
    const archived = readArchive(outDir, kind);
    rejected.push(...archived.rejected.map((r) => `${r} (dropped from the archive)`));
    for (const r of archived.runs) lines.set(runId(r.value), { text: r.text, contentHash: r.value.contentHash });
    let written = 0;
    let present = 0;
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
      const v = value as ResultFile<unknown, unknown>;
      const problem = lineProblem(value, kind) ?? (storePath(root, kind, v) === e.file ? undefined : 'file name is not the hash of its identity and configuration');
      if (problem !== undefined) {
        rejected.push(`${rel}: ${problem}`);
        continue;
      }
      const held = lines.get(runId(v));
      if (held === undefined) {
        lines.set(runId(v), { text: JSON.stringify(value), contentHash: v.contentHash });
        written++;
      } else if (held.contentHash === v.contentHash) present++;
      else rejected.push(`${rel}: conflicts with the archived run of the same configuration (content hash ${held.contentHash.slice(0, 12)} kept, ${v.contentHash.slice(0, 12)} not exported)`);
    }
    if (lines.size > 0) {
      const sorted = [...lines.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, l]) => l.text);
      const parts = splitArchiveLines(sorted, maxPartBytes);
      // Every new part is written (atomically) before a part left over from a longer archive is removed.
      const written = parts.map((part, i) => {
        const file = path.join(outDir, archivePartName(kind, i + 1));
        writeFileAtomic(file, part.join('\n') + '\n');
        return file;
      });
      for (const stale of oldParts.filter((f) => !written.includes(f))) fs.rmSync(stale);
    }
    reports.push({ kind, written, present, rejected });
  }
  return reports;
}

/** Problems of an archive folder's lines (`file:line: reason`), without writing anything; empty when every line verifies. */
export function checkRunArchive(dir: string): string[] {
  const problems: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(ARCHIVE_SUFFIX)).sort()) {
    const parsed = parseArchiveName(f);
    if (parsed === null) problems.push(`${f}: not a run kind's file name (<kind>.jsonl or <kind>.<part>.jsonl)`);
    else problems.push(...readArchiveFile(path.join(dir, f), parsed.kind).rejected);
  }
  for (const kind of archivedKinds(dir)) {
    const parts = archiveParts(dir, kind).map((p) => p.part);
    if (parts.some((p, i) => p !== i + 1)) problems.push(`${kind}: archive parts ${parts.join(', ')}; expected 1 to ${parts.length} without gaps`);
  }
  return problems;
}

/**
 * Imports every `<kind>.jsonl` (with its parts) of `fromDir` into `root/<kind>/`: each line that verifies becomes the
 * result file the store would have written. A verified file already there with the same content hash
 * counts as present; one with another content hash is kept and the line reported as a conflict (with
 * `opts.replaceConflictsInto`: moved there, and the archive's written); a file there that fails
 * verification is replaced. `kinds` restricts the import to those run kinds.
 */
export function importRunArchive(fromDir: string, root: string, kinds?: readonly string[], opts: ImportOptions = {}): ArchiveKindReport[] {
  if (!fs.existsSync(fromDir)) throw new Error(`archive: ${fromDir} does not exist`);
  const reports: ArchiveKindReport[] = [];
  for (const kind of archivedKinds(fromDir).filter((k) => kinds === undefined || kinds.includes(k))) {
    let written = 0;
    let present = 0;
    const replaced: string[] = [];
    const { runs, rejected } = readArchive(fromDir, kind);
    for (const { value: v, where } of runs) {
      const target = storePath(root, kind, v);
      if (fs.existsSync(target)) {
        let existing: unknown;
        try {
          existing = JSON.parse(fs.readFileSync(target, 'utf8'));
        } catch {
          existing = undefined;
        }
        if (existing !== undefined && lineProblem(existing, kind) === undefined) {
          const held = (existing as ResultFile<unknown, unknown>).contentHash;
          if (held === v.contentHash) {
            present++;
            continue;
          }
          if (opts.replaceConflictsInto === undefined) {
            rejected.push(`${where}: ${v.key} conflicts with ${path.relative(root, target)} (same configuration, other result: content hash ${held.slice(0, 12)} kept, ${v.contentHash.slice(0, 12)} not imported)`);
            continue;
          }
          // Nothing computed is lost: the store's result and its step log move aside, then the archive's is written.
          const movedTo = path.join(opts.replaceConflictsInto, path.relative(root, target));
          fs.mkdirSync(path.dirname(movedTo), { recursive: true });
          const stepLog = target.replace(/\.json$/, '.steps.jsonl');
          if (fs.existsSync(stepLog)) fs.renameSync(stepLog, movedTo.replace(/\.json$/, '.steps.jsonl'));
          fs.renameSync(target, movedTo);
          replaced.push(`${v.key}: content hash ${held.slice(0, 12)} moved to ${movedTo}, ${v.contentHash.slice(0, 12)} imported`);
        }
      }
      writeFileAtomic(target, resultFileText(v));
      written++;
    }
    reports.push({ kind, written, present, rejected, ...(opts.replaceConflictsInto === undefined ? {} : { replaced }) });
  }
  return reports;
}

/** One line per kind: `kind: N exported|imported, M already in the archive|store, K left out`. */
export function archiveSummary(reports: readonly ArchiveKindReport[], verb: 'exported' | 'imported'): string[] {
  return reports.map((r) => `${r.kind}: ${r.written} ${verb}${r.replaced && r.replaced.length > 0 ? ` (${r.replaced.length} of them replacing the store's conflicting runs, moved aside)` : ''}, ${r.present} already ${verb === 'imported' ? 'in the store' : 'in the archive'}${r.rejected.length > 0 ? `, ${r.rejected.length} left out` : ''}`);
}

