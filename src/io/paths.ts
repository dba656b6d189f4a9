/**
 * Where generated data, cached results and figures live, relative to the repository root, so
 * the CLI (run from the root) and notebooks (run from notebooks/) agree on every path.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The repository root: the nearest folder above this file that holds package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`repoRoot: no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/**
 * `datasets/<...parts>`: generated data and cached run results (not committed). `STUDY_DATASETS_DIR`
 * moves the whole folder (a scratch file system on a cluster; a temporary folder in tests).
 */
export const datasetsPath = (...parts: string[]): string => path.join(process.env.STUDY_DATASETS_DIR ? path.resolve(process.env.STUDY_DATASETS_DIR) : path.join(repoRoot(), 'datasets'), ...parts);

/** `figures/<...parts>`: saved figures (SVG and PNG, not committed). */
export const figuresPath = (...parts: string[]): string => path.join(repoRoot(), 'figures', ...parts);

/** A folder-name-safe form of a rate: 0.001 -> `0.001`, 0 -> `0`. */
export const rateTag = (rate: number): string => String(rate);
