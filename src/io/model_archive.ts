/**
 * Cached models kept beside the archived runs that name them: `store export` copies a preset's
 * pre-trained language model and tokenizer (`datasets/models/<preset>/{lm,tokenizer}/`) into the
 * archive (`results/<preset>/models/{lm,tokenizer}/`), and `store import` copies them back when the
 * machine has none. The language runs name the model by the sha256 of its weights, and pre-training
 * on another CPU or thread count rounds differently (README "Backends"), so without the model itself
 * an archive of language runs cannot be extended, or even read, on another machine.
 *
 * A folder is copied whole (its plain files), into a temporary folder renamed into place, and never
 * over a different one: a folder already there with other bytes is kept and reported as a conflict.
 */
import * as fs from 'fs';
import * as path from 'path';

/** What happened to one model folder. */
export type ModelCopyStatus = 'copied' | 'present' | 'conflict' | 'absent';

/** The plain files of `dir`, sorted by name. */
function plainFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** True when `a` and `b` hold the same plain files with the same bytes. */
function sameFolder(a: string, b: string): boolean {
  const files = plainFiles(a);
  if (files.join('\n') !== plainFiles(b).join('\n')) return false;
  return files.every((f) => fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
}

/**
 * Copies the model folder `from` to `to` unless `from` has no `manifest.json` (`absent`: nothing
 * cached), `to` already holds the same bytes (`present`) or other bytes (`conflict`, `to` untouched).
 */
export function copyModelFolder(from: string, to: string): ModelCopyStatus {
  if (!fs.existsSync(path.join(from, 'manifest.json'))) return 'absent';
  if (fs.existsSync(to)) return sameFolder(from, to) ? 'present' : 'conflict';
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(to), `.${path.basename(to)}.tmp-`));
  try {
    for (const f of plainFiles(from)) fs.copyFileSync(path.join(from, f), path.join(tmp, f));
    fs.renameSync(tmp, to);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return 'copied';
}
