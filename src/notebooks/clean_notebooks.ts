/**
 * Committed notebooks carry no outputs: executed copies and HTML reports are build outputs
 * (run_notebooks.ts), and a saved JupyterLab session must not leave the tracked `notebooks/*.ipynb`
 * full of results. This file finds outputs (the check that `npm run test:unit` runs, in
 * test/notebooks/clean_notebooks.test.ts) and strips them (the git `nbstrip` clean filter that
 * src/setup/setup.sh registers, so `git add` stores notebooks clean whatever the working copy holds).
 *
 *   node --import tsx src/notebooks/clean_notebooks.ts --check   # lists notebooks with outputs; exit 1 if any
 *   node --import tsx src/notebooks/clean_notebooks.ts --strip   # stdin notebook -> stdout without outputs
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The parts of an nbformat 4 notebook that carry run results. */
interface NotebookJson {
  cells?: { cell_type?: string; outputs?: unknown[]; execution_count?: number | null; metadata?: Record<string, unknown> }[];
}

/**
 * Why a notebook is not clean: one entry per code cell with outputs, an execution count or
 * JupyterLab's execution timing; empty when clean. Cells are numbered from 1 as JupyterLab shows them.
 */
export function notebookDirt(nb: NotebookJson): string[] {
  const reasons: string[] = [];
  (nb.cells ?? []).forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    const what = [
      (cell.outputs?.length ?? 0) > 0 ? `${cell.outputs?.length} outputs` : '',
      cell.execution_count !== null && cell.execution_count !== undefined ? `execution_count ${cell.execution_count}` : '',
      cell.metadata && 'execution' in cell.metadata ? 'execution timing' : '',
    ].filter(Boolean);
    if (what.length > 0) reasons.push(`cell ${i + 1}: ${what.join(', ')}`);
  });
  return reasons;
}

/**
 * The notebook text without outputs, execution counts or execution timing. A clean notebook comes
 * back byte for byte (so the git filter never shows unchanged notebooks as modified); otherwise it
 * is written as Jupyter writes notebooks: 1-space indent, non-ASCII kept, a final newline.
 */
export function stripNotebookText(text: string): string {
  let nb: NotebookJson;
  try {
    nb = JSON.parse(text) as NotebookJson;
  } catch {
    return text; // not JSON (a merge conflict, say): leave it for the user to see
  }
  if (notebookDirt(nb).length === 0) return text;
  for (const cell of nb.cells ?? []) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
    if (cell.metadata) delete cell.metadata.execution;
  }
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/**
 * The study notebooks to check, relative to `root`: `git ls-files notebooks/*.ipynb` in a git
 * work tree (only what is tracked), else every `notebooks/*.ipynb` in the folder.
 */
export function trackedNotebooks(root: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--', 'notebooks/*.ipynb'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\0').filter((f) => f.length > 0 && !f.includes('/', 'notebooks/'.length));
  } catch {
    const dir = path.join(root, 'notebooks');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => `notebooks/${f}`) : [];
  }
}

/** One line per notebook (path relative to `root`) that has outputs: `notebooks/x.ipynb: cell 3: 2 outputs; …`. */
export function dirtyNotebooks(root: string, files: readonly string[]): string[] {
  return files.flatMap((f) => {
    const full = path.join(root, f);
    if (!fs.existsSync(full)) return []; // deleted in the working tree
    let nb: NotebookJson;
    try {
      nb = JSON.parse(fs.readFileSync(full, 'utf8')) as NotebookJson;
    } catch (e) {
      return [`${f}: not a JSON notebook (${(e as Error).message})`];
    }
    const dirt = notebookDirt(nb);
    return dirt.length > 0 ? [`${f}: ${dirt.join('; ')}`] : [];
  });
}

if (require.main === module) {
  const mode = process.argv[2];
  if (mode === '--strip') {
    process.stdout.write(stripNotebookText(fs.readFileSync(0, 'utf8')));
  } else if (mode === '--check') {
    const root = path.resolve(__dirname, '..', '..');
    const dirty = dirtyNotebooks(root, trackedNotebooks(root));
    for (const line of dirty) console.error(line);
    if (dirty.length > 0) console.error('notebooks must be committed without outputs: clear them in JupyterLab (Edit > Clear Outputs of All Cells) or run npm run setup once (it registers the nbstrip git filter)');
    process.exitCode = dirty.length > 0 ? 1 : 0;
  } else {
    console.error(`clean_notebooks: mode '${mode ?? ''}' is not allowed; expected --check or --strip`);
    process.exitCode = 2;
  }
}
