import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dirtyNotebooks, notebookDirt, stripNotebookText, trackedNotebooks } from '../../src/notebooks/clean_notebooks';

const ROOT = path.resolve(__dirname, '..', '..');
const CLEAN_FIXTURE = path.join(ROOT, 'test', 'fixtures', 'notebooks', '02_deliberate_failure.ipynb');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clean-notebooks-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The clean fixture with outputs, an execution count and JupyterLab's timing in its first cell. */
function executedText(): string {
  const nb = JSON.parse(fs.readFileSync(CLEAN_FIXTURE, 'utf8'));
  nb.cells[0].outputs = [{ output_type: 'stream', name: 'stdout', text: ['first cell ran\n'] }];
  nb.cells[0].execution_count = 1;
  nb.cells[0].metadata.execution = { 'iopub.status.busy': '2024-01-01T00:00:00Z' };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

describe('committed notebooks', () => {
  it('every tracked notebooks/*.ipynb is free of outputs and execution counts', () => {
    const files = trackedNotebooks(ROOT);
    assert.ok(files.length >= 1, 'found the study notebooks');
    assert.ok(files.every((f) => /^notebooks\/[^/]+\.ipynb$/.test(f)), files.join(', '));
    assert.deepEqual(dirtyNotebooks(ROOT, files), [], 'clear the outputs before committing (see README, "Working in JupyterLab")');
  });
});

describe('the outputs check', () => {
  it('fails on a notebook with outputs, naming the file and the cell', () => {
    fs.mkdirSync(path.join(tmp, 'notebooks'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'notebooks', '01_ran.ipynb'), executedText());
    fs.copyFileSync(CLEAN_FIXTURE, path.join(tmp, 'notebooks', '02_clean.ipynb'));
    // Not a git work tree: the check falls back to the folder.
    const files = trackedNotebooks(tmp);
    assert.deepEqual(files, ['notebooks/01_ran.ipynb', 'notebooks/02_clean.ipynb']);
    assert.deepEqual(dirtyNotebooks(tmp, files), ['notebooks/01_ran.ipynb: cell 1: 1 outputs, execution_count 1, execution timing']);
  });

  it('passes a clean notebook and ignores markdown cells', () => {
    assert.deepEqual(notebookDirt(JSON.parse(fs.readFileSync(CLEAN_FIXTURE, 'utf8'))), []);
    assert.deepEqual(notebookDirt({ cells: [{ cell_type: 'markdown' }, { cell_type: 'code', outputs: [], execution_count: null, metadata: {} }] }), []);
  });

  it('lists only tracked notebooks in a git work tree', { skip: spawnSync('git', ['--version']).status !== 0 ? 'no git' : false }, () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, 'notebooks'), { recursive: true });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    fs.copyFileSync(CLEAN_FIXTURE, path.join(repo, 'notebooks', '01_tracked.ipynb'));
    fs.writeFileSync(path.join(repo, 'notebooks', '02_untracked.ipynb'), executedText());
    git('add', 'notebooks/01_tracked.ipynb');
    assert.deepEqual(trackedNotebooks(repo), ['notebooks/01_tracked.ipynb']);
  });
});

describe('stripNotebookText (the nbstrip git filter)', () => {
  it('removes outputs, execution counts and timing, as Jupyter writes the file', () => {
    const stripped = stripNotebookText(executedText());
    assert.deepEqual(notebookDirt(JSON.parse(stripped)), []);
    assert.equal(stripped, fs.readFileSync(CLEAN_FIXTURE, 'utf8'), 'stripping an executed copy gives the clean file back byte for byte');
  });

  it('returns a clean notebook, and text that is not JSON, unchanged', () => {
    const clean = fs.readFileSync(CLEAN_FIXTURE, 'utf8').replace(/\n$/, ''); // even without the final newline
    assert.equal(stripNotebookText(clean), clean);
    assert.equal(stripNotebookText('<<<<<<< HEAD\n'), '<<<<<<< HEAD\n');
  });

  it('works as a filter command: notebook on stdin, clean notebook on stdout', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'notebooks', 'clean_notebooks.ts'), '--strip'], {
      cwd: ROOT,
      input: executedText(),
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, fs.readFileSync(CLEAN_FIXTURE, 'utf8'));
  });
});
