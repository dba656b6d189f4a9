/**
 * Atomic file writes: write to a temporary file beside the target, then rename over it.
 * A crash mid-write leaves either the old file or the new one, never a torn file, so a
 * resumable grid can trust every result file it finds.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Writes `data` to `file` atomically, creating parent folders. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Writes `value` as pretty JSON (2 spaces, trailing newline) atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Reads JSON from `file`, or returns `undefined` when the file does not exist. */
export function readJsonIfExists<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
