/**
 * `manifest.json` of a generated data folder: the configuration it was made from, the counts of
 * each file by partition and label, a sha256 per file and one over all files. A folder whose
 * manifest matches the requested configuration (and whose files still hash as recorded) is
 * reused instead of regenerated. No timestamps, so equal configs give byte-identical manifests.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { readJsonIfExists, writeJsonAtomic } from './atomic_write';

/** File name of the manifest inside a data folder. */
export const MANIFEST_FILE = 'manifest.json';

/** What the manifest records about one data file. */
export interface ManifestFileEntry {
  /** Number of lines (examples). */
  readonly lines: number;
  /** Examples per partition (`both`, `neither`, `s_only`, `t_only`; zeros included). */
  readonly partitions: Readonly<Record<string, number>>;
  /** Examples per label (`0`, `1`). */
  readonly labels: Readonly<Record<string, number>>;
  /** sha256 of the file's bytes, lowercase hex. */
  readonly sha256: string;
}

/** The manifest of a data folder. */
export interface Manifest<C> {
  /** What made the folder, e.g. `toy-data`. */
  readonly kind: string;
  /** Version of the generator's algorithm; a change invalidates old folders. */
  readonly version: number;
  /** The resolved configuration the files were generated from. */
  readonly config: C;
  /** The seed of the generator (also in `config`; repeated for readers). */
  readonly seed: number;
  /** Per file name (relative to the folder). */
  readonly files: Readonly<Record<string, ManifestFileEntry>>;
  /** sha256 over the sorted lines `<sha256>  <file name>\n` of all files (the `sha256sum` format). */
  readonly sha256: string;
}

/** sha256 of `data` (strings as UTF-8), lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every level, for comparing configurations. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * The manifest entry of a file with content `text` holding `rows`; `partitionNames` lists the
 * partitions to report even when absent (zeros).
 */
export function describeFile(
  text: string,
  rows: readonly { readonly partition: string; readonly label: number }[],
  partitionNames: readonly string[] = [],
): ManifestFileEntry {
  const partitions: Record<string, number> = {};
  for (const p of partitionNames) partitions[p] = 0;
  const labels: Record<string, number> = { 0: 0, 1: 0 };
  for (const row of rows) {
    partitions[row.partition] = (partitions[row.partition] ?? 0) + 1;
    labels[String(row.label)] = (labels[String(row.label)] ?? 0) + 1;
  }
  return { lines: rows.length, partitions, labels, sha256: sha256Hex(text) };
}

/** The hash over all files: sha256 of the sorted `sha256sum`-style lines. */
export function overallHash(files: Readonly<Record<string, ManifestFileEntry>>): string {
  const lines = Object.keys(files)
    .sort()
    .map((name) => `${files[name].sha256}  ${name}\n`);
  return sha256Hex(lines.join(''));
}

/** Builds a manifest; `files` in the order they should be listed. */
export function makeManifest<C>(kind: string, version: number, config: C, seed: number, files: Record<string, ManifestFileEntry>): Manifest<C> {
  return { kind, version, config, seed, files, sha256: overallHash(files) };
}

/** Writes `manifest` to `<dir>/manifest.json` atomically. */
export function writeManifest(dir: string, manifest: Manifest<unknown>): void {
  writeJsonAtomic(path.join(dir, MANIFEST_FILE), manifest);
}

/** Reads `<dir>/manifest.json`; undefined when it is missing or not valid JSON. */
export function readManifest<C>(dir: string): Manifest<C> | undefined {
  try {
    return readJsonIfExists<Manifest<C>>(path.join(dir, MANIFEST_FILE));
  } catch {
    return undefined;
  }
}

/**
 * Whether `<dir>` holds data made by `kind`/`version` from `config` (compared as canonical JSON):
 * the manifest matches and, unless `verifyFiles` is false, every listed file exists with the
 * recorded sha256 and the overall hash is consistent.
 */
export function manifestMatches(dir: string, kind: string, version: number, config: unknown, opts: { verifyFiles?: boolean } = {}): boolean {
  const manifest = readManifest<unknown>(dir);
  if (!manifest || manifest.kind !== kind || manifest.version !== version) return false;
  if (canonicalJson(manifest.config) !== canonicalJson(config)) return false;
  if (opts.verifyFiles === false) return true;
  if (!manifest.files || overallHash(manifest.files) !== manifest.sha256) return false;
  for (const [name, entry] of Object.entries(manifest.files)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file) || sha256Hex(fs.readFileSync(file)) !== entry.sha256) return false;
  }
  return true;
}
