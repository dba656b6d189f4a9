/**
 * JupyterLab in a real browser (issue 17): the project's lab launcher on copies of notebooks 01 and
 * 04, headless Chromium, Run All Cells at the smoke preset, then what a user would look at: no error
 * output, every chart rendered, the parameter table, an override typed into the Parameters cell
 * honoured (a rate of 1.5 stops the notebook with its one-line error), and File > Save and Export
 * Notebook As > HTML keeping tables and charts. Screenshots and exports: test-output/browser/.
 *
 * Run by `npm run test:browser` (part of `npm test`, after the smoke run whose cached results 04
 * reads). Skipped, with one line, where Chromium is not installed, except under CI=true.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium, type RunningChromium } from './chromium';
import { startLab, stopProcessGroup, tail, type LabServer } from './lab_server';
import { PANEL, acceptDialog, clickMenu, exportHtml, openNotebook, renderedCells, runAllAndWait, saveNotebook, setCodeCellSource, type RenderedCell } from './lab_page';
import { exportedPage, notebookCharts, type NotebookJson } from './notebook_file';

// Functions given to page.evaluate run in the page; the project's tsconfig has no DOM library, so
// the page's globals are typed loosely here (module scope only).
declare const document: any;

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-output', 'browser');
/** The notebooks under test: the first one and one analysis notebook (reads 02's and 03's cache). */
const NOTEBOOKS = ['01', '04'];
/** Longest a Run All may take at the smoke preset (04 computes what the cache lacks). */
const RUN_TIMEOUT_MS = 240_000;
const UI_TIMEOUT_MS = 60_000;

test('JupyterLab runs notebooks 01 and 04 at the smoke preset in headless Chromium', { timeout: 600_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    assert.ok(process.env.CI !== 'true', `${CHROMIUM_PATH} is missing under CI=true: src/setup/setup.sh should have installed it`);
    t.skip(`${CHROMIUM_PATH} not installed (npm run setup installs it when run as root)`);
    return;
  }
  const workDir = prepareCopies();
  const settingsDir = prepareLabSettings();
  let server: LabServer | undefined;
  let chrome: RunningChromium | undefined;
  const profile = fs.mkdtempSync(path.join(OUT, 'chromium-profile-'));
  try {
    server = await startLab(ROOT, workDir, OUT, {
      STUDY_PRESET: 'smoke',
      // The test's own settings and workspaces, so a user's JupyterLab settings cannot change it.
      JUPYTERLAB_SETTINGS_DIR: settingsDir,
      JUPYTERLAB_WORKSPACES_DIR: path.join(OUT, 'lab-workspaces'),
    });
    chrome = await launchChromium(profile);
    const context = await chrome.browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    for (const name of fs.readdirSync(workDir).filter((f) => f.endsWith('.ipynb')).sort()) {
      await t.test(name, async () => {
        const page = await context.newPage();
        const consoleErrors = watchConsole(page);
        try {
          await checkNotebook(page, server!.url, workDir, name, consoleErrors);
        } catch (err) {
          await page.screenshot({ path: path.join(OUT, name.replace(/\.ipynb$/, '.failure.png')) }).catch(() => undefined);
          throw err;
        } finally {
          await page.close();
        }
      });
    }
  } catch (err) {
    if (server) (err as Error).message += `\n--- JupyterLab log (tail) ---\n${tail(server.logPath)}`;
    throw err;
  } finally {
    if (chrome) {
      await chrome.browser.close().catch(() => undefined);
      await stopProcessGroup(chrome.child);
    }
    if (server) await stopProcessGroup(server.child);
    fs.rmSync(profile, { recursive: true, force: true });
  }
  assert.deepEqual(trackedNotebooksWithOutputs(), [], 'notebooks/*.ipynb must stay committed with outputs cleared');
});

async function checkNotebook(page: Page, baseUrl: string, workDir: string, name: string, consoleErrors: string[]): Promise<void> {
  const file = path.join(workDir, name);
  const stem = name.replace(/\.ipynb$/, '');
  await openNotebook(page, baseUrl, `browser-test-${stem.slice(0, 2)}`, name, UI_TIMEOUT_MS);

  // 1. Run > Run All Cells on the notebook as committed (STUDY_PRESET=smoke in the kernel's environment).
  await runAllAndWait(page, () => clickMenu(page, 'Run', 'Run All Cells'), RUN_TIMEOUT_MS);
  const cells = await renderedCells(page);
  await screenshotNotebook(page, path.join(OUT, `${stem}.png`));
  const code = cells.filter((c) => c.kind === 'code');
  const failed = code.map((c, i) => ({ i, c })).filter(({ c }) => c.stderr !== '' || c.mimeTypes.includes('application/vnd.jupyter.error'));
  assert.deepEqual(failed.map(({ i, c }) => `code cell ${i + 1}: ${c.stderr.slice(0, 500)}`), [], `${name}: cells with error output`);
  const notRun = code.map((c, i) => ({ i, c })).filter(({ c }) => !/^\[\d+\]/.test(c.prompt));
  assert.deepEqual(notRun.map(({ i, c }) => `code cell ${i + 1}: ${c.prompt}`), [], `${name}: code cells that did not run`);
  const paramRows = parameterRows(cells);
  assert.ok(paramRows, `${name}: no table captioned 'Parameters' in the outputs`);
  assert.ok(paramRows.some((r) => r.startsWith('preset | smoke |')), `${name}: the parameter table does not show 'preset | smoke': ${paramRows.slice(0, 3).join(' / ')}`);

  // 2. Saved notebook: every output that holds a chart is rendered as an image in the page.
  await saveNotebook(page);
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
  const charts = notebookCharts(saved);
  assert.ok(charts.length > 0, `${name}: no chart (image/svg+xml or image/png output) after Run All`);
  const cellsByIndex = cells; // the page lists every cell (JupyterLab 4 keeps them all in the DOM), in notebook order
  assert.equal(cellsByIndex.length, saved.cells.length, `${name}: page shows ${cellsByIndex.length} cells, the file has ${saved.cells.length}`);
  for (const { cellIndex, nCharts } of charts) {
    assert.ok(cellsByIndex[cellIndex].nImages >= nCharts, `${name}: cell ${cellIndex + 1} has ${nCharts} chart output(s) but ${cellsByIndex[cellIndex].nImages} rendered image(s)`);
  }
  const headless = headlessCharts(stem);
  if (headless) assert.deepEqual(charts, headless, `${name}: charts differ from the headless smoke run (notebooks/executed/${name})`);

  // 3. File > Save and Export Notebook As > HTML: the same tables, every chart an image.
  const exportedHtml = await exportHtml(page, UI_TIMEOUT_MS);
  assert.match(exportedHtml.url, /[?&]sanitize_html=true\b/, `${name}: JupyterLab's export no longer asks to sanitise (${exportedHtml.url}); revisit src/setup/jupyter/jupyter_server_config.py`);
  const htmlPath = path.join(OUT, `${stem}.html`);
  fs.writeFileSync(htmlPath, exportedHtml.html);
  const exported = await exportedPage(page.context(), htmlPath, path.join(OUT, `${stem}.html.png`));
  assert.deepEqual(exported.garbled, [], `${name}: the exported HTML shows markup as text`);
  assert.deepEqual(exported.tableRows, code.flatMap((c) => c.tableRows), `${name}: exported tables differ from JupyterLab's`);
  assert.equal(exported.nImages, charts.reduce((n, c) => n + c.nCharts, 0), `${name}: exported HTML renders ${exported.nImages} of the charts`);
  assert.deepEqual(exported.tableStyles, code.flatMap((c) => c.tableStyles), `${name}: exported tables lost their inline styles`);

  // 4. An override typed into the Parameters cell (the first code cell) is honoured: a rate of 1.5
  //    stops the notebook there with the one-line error that names the key.
  const rateKey = paramRows.map((r) => r.split(' | ')).find(([key, value]) => /rates$/i.test(key) && /^\[.*\]$/.test(value ?? ''))?.[0];
  assert.ok(rateKey, `${name}: no '*rates' array in the parameter table to override`);
  const source = saved.cells.find((c) => c.cell_type === 'code')!.source;
  const text = Array.isArray(source) ? source.join('') : source;
  // The table names a parameter by its dotted path (`toyData.rates`); the cell takes it nested.
  const nested = rateKey.split('.').reduceRight((inner, key) => `{ ${key}: ${inner} }`, '[0, 1.5]');
  const overridden = text.replace(/\boverrides\s*=\s*\{[^;]*?\}/, `overrides = ${nested}`);
  assert.notEqual(overridden, text, `${name}: the first code cell has no 'overrides = { … }' to edit`);
  await setCodeCellSource(page, 0, overridden);
  await clickMenu(page, 'Edit', 'Clear Outputs of All Cells');
  await runAllAndWait(page, async () => {
    await clickMenu(page, 'Kernel', 'Restart Kernel and Run All Cells…');
    await acceptDialog(page);
  }, RUN_TIMEOUT_MS);
  const after = (await renderedCells(page)).filter((c) => c.kind === 'code');
  await page.locator(`${PANEL} .jp-Notebook .jp-CodeCell`).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, `${stem}.override.png`) });
  const error = after[0].stderr.trim();
  assert.ok(error.includes(`${rateKey}[1]: 1.5 is outside [0, 1]`), `${name}: the Parameters cell shows '${error.slice(0, 300)}', not the ${rateKey} error`);
  assert.ok(!error.includes('\n'), `${name}: the override error is not one line:\n${error}`);
  assert.deepEqual(after.slice(1).filter((c) => /\d/.test(c.prompt)).length, 0, `${name}: cells after the failing Parameters cell ran`);

  assert.deepEqual(consoleErrors, [], `${name}: errors in the browser console`);
}

/** Rows ('key | value | doc') of the table captioned 'Parameters', or undefined. */
function parameterRows(cells: readonly RenderedCell[]): string[] | undefined {
  for (const c of cells) {
    const i = c.tableCaptions.indexOf('Parameters');
    if (i >= 0) return c.tableRows[i];
  }
  return undefined;
}

/** Chart outputs of the headless smoke run's executed copy, when it is newer than the notebook. */
function headlessCharts(stem: string): ReturnType<typeof notebookCharts> | undefined {
  const executed = path.join(ROOT, 'notebooks', 'executed', `${stem}.ipynb`);
  const source = path.join(ROOT, 'notebooks', `${stem}.ipynb`);
  if (!fs.existsSync(executed) || fs.statSync(executed).mtimeMs < fs.statSync(source).mtimeMs) return undefined;
  return notebookCharts(JSON.parse(fs.readFileSync(executed, 'utf8')) as NotebookJson);
}

/** Console errors and uncaught page errors, as lines. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${String(e).slice(0, 300)}`));
  return errors;
}

/** A screenshot of the whole notebook: the viewport is made as tall as the notebook for it. */
async function screenshotNotebook(page: Page, file: string): Promise<void> {
  const outer = `${PANEL} .jp-WindowedPanel-outer`;
  const height = await page.evaluate((sel) => document.querySelector(sel)?.scrollHeight ?? 1000, outer);
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height + 200, size.height), 16_000) });
  await page.waitForTimeout(500); // let the panel lay out at the new size
  await page.evaluate((sel) => document.querySelector(sel)?.scrollTo(0, 0), outer);
  await page.waitForTimeout(500);
  await page.screenshot({ path: file });
  await page.setViewportSize(size);
}

/**
 * test-output/browser/notebooks/: copies of the notebooks under test and a `src` link, so saving in
 * JupyterLab never touches notebooks/*.ipynb. Inside the repository, so the library still finds the
 * repository root (and the smoke cache under datasets/) above it.
 */
function prepareCopies(): string {
  const dir = path.join(OUT, 'notebooks');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT).filter((n) => /\.(png|html|log)$/.test(n) || n.startsWith('chromium-profile-'))) {
    fs.rmSync(path.join(OUT, f), { recursive: true, force: true }); // outputs of an earlier run
  }
  fs.mkdirSync(dir, { recursive: true });
  const all = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => /^\d\d_.+\.ipynb$/.test(f));
  for (const prefix of NOTEBOOKS) {
    const name = all.find((f) => f.startsWith(`${prefix}_`));
    assert.ok(name, `no notebooks/${prefix}_*.ipynb`);
    fs.copyFileSync(path.join(ROOT, 'notebooks', name), path.join(dir, name));
  }
  fs.symlinkSync(path.relative(dir, path.join(ROOT, 'src')), path.join(dir, 'src'));
  return dir;
}

/**
 * The test's own JupyterLab user settings (and an empty workspaces folder): only the news prompt is
 * turned off, so that its toast does not cover the screenshots.
 */
function prepareLabSettings(): string {
  const dir = path.join(OUT, 'lab-settings');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.join(OUT, 'lab-workspaces'), { recursive: true, force: true });
  const plugin = path.join(dir, '@jupyterlab', 'apputils-extension');
  fs.mkdirSync(plugin, { recursive: true });
  fs.writeFileSync(path.join(plugin, 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false' }));
  return dir;
}

/** Tracked notebooks that hold outputs or execution counts (the test works on copies; none should). */
function trackedNotebooksWithOutputs(): string[] {
  const dir = path.join(ROOT, 'notebooks');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .filter((f) => {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as NotebookJson;
      return nb.cells.some((c) => (c.outputs ?? []).length > 0 || (c.execution_count ?? null) !== null);
    });
}
