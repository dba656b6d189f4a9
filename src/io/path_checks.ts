/**
 * Checks of path arguments before any work starts: a bad `--out` must fail in one line with the
 * field's name, not after an hour of training with an ENOTDIR stack trace (or hang forever, as
 * Node's recursive mkdir does under /proc). Each check throws a `ConfigError` naming the field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../util/assert';

/** Kernel and device file systems: never a place for results. */
export const SPECIAL_FILE_SYSTEMS: readonly string[] = ['/proc', '/sys', '/dev'];

/** How a path argument is used. */
export type PathKind = 'file' | 'dir';

const isUnder = (p: string, root: string): boolean => p === root || p.startsWith(root + path.sep);

/** The nearest existing ancestor of `abs` (or `abs` itself), with its real path. */
function nearestExisting(abs: string): { dir: string; real: string } {
  let dir = abs;
  for (;;) {
    try {
      return { dir, real: fs.realpathSync(dir) };
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return { dir, real: dir };
      dir = up;
    }
  }
}

/**
 * Checks that `value` can be written as a `kind` (a file, or a folder to fill): not on a special
 * file system; a file target is not a folder; a folder target, when it exists, is a writable
 * folder; otherwise the nearest existing ancestor is a writable folder (missing folders are
 * created later). Returns the absolute path.
 */
export function checkWritablePath(field: string, value: unknown, kind: PathKind): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${field}: missing; expected a ${kind === 'file' ? 'file path' : 'folder path'}`);
  if (value.includes('\0')) throw new ConfigError(`${field}: ${JSON.stringify(value)} is not allowed; expected a path without NUL characters`);
  const abs = path.resolve(value);
  const { dir, real } = nearestExisting(abs);
  const target = dir === abs ? real : path.join(real, path.relative(dir, abs));
  for (const special of SPECIAL_FILE_SYSTEMS) {
    if (isUnder(abs, special) || isUnder(target, special)) throw new ConfigError(`${field}: '${value}' is on ${special}; expected a path on a regular file system`);
  }
  const stat = fs.statSync(real);
  if (dir === abs) {
    if (kind === 'file') {
      if (stat.isDirectory()) throw new ConfigError(`${field}: '${value}' is a directory; expected a file path`);
      if (!stat.isFile()) throw new ConfigError(`${field}: '${value}' is not a regular file; expected a file path`);
      checkWritableDir(field, value, path.dirname(real));
      try {
        fs.accessSync(real, fs.constants.W_OK);
      } catch {
        throw new ConfigError(`${field}: '${value}' is not writable; expected a writable file path`);
      }
      return abs;
    }
    if (!stat.isDirectory()) throw new ConfigError(`${field}: '${value}' is not a directory; expected a folder path`);
    checkWritableDir(field, value, real);
    return abs;
  }
  if (!stat.isDirectory()) throw new ConfigError(`${field}: '${value}' cannot be created: '${dir}' is not a directory`);
  checkWritableDir(field, value, real);
  return abs;
}

function checkWritableDir(field: string, value: string, dir: string): void {
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new ConfigError(`${field}: '${value}' cannot be written: folder '${dir}' is not writable`);
  }
}
