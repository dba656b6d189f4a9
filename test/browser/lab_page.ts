/**
 * What the browser test does in JupyterLab, as a user would: menus (Run, Kernel, Edit, File), the
 * cell editor, the kernel status in the notebook toolbar; and what it reads back from the page.
 * Selectors are JupyterLab 4's (src/setup/requirements.txt pins jupyterlab).
 */
import type { Page } from 'playwright-core';

// Functions given to page.evaluate run in the page; the project's tsconfig has no DOM library, so
// the page's globals are typed loosely here (module scope only).
declare const document: any;

/** The notebook panel in front (other tabs stay in the DOM, hidden). */
export const PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden)';

/** The in-repo tslab kernel's name as JupyterLab shows it (kernel.json `display_name`). */
export const KERNEL_DISPLAY_NAME = 'TypeScript';

/** One notebook cell as rendered in JupyterLab. */
export interface RenderedCell {
  /** 'code' | 'markdown' | 'raw'. */
  kind: string;
  /** Input prompt text of a code cell, e.g. `[3]:`, `[*]:`, `[ ]:`; '' for other cells. */
  prompt: string;
  /** `data-mime-type` of each output, in order. */
  mimeTypes: string[];
  /** Text of the cell's stderr outputs (tslab writes a failed cell's error there). */
  stderr: string;
  /** Rendered images: `<img>` with a decoded, non-empty bitmap or an `<svg>` with content. */
  nImages: number;
  /** Captions of the HTML tables in the outputs. */
  tableCaptions: string[];
  /** Rows of each output table, cells joined by ' | '. */
  tableRows: string[][];
  /** The `style` attribute of each output table ('' when none). */
  tableStyles: string[];
}

/**
 * Opens `name` (relative to the server root) alone, in the workspace `workspace` (a new name: no tab of an
 * earlier session is restored), and waits until its kernel is idle.
 */
export async function openNotebook(page: Page, baseUrl: string, workspace: string, name: string, timeoutMs: number): Promise<void> {
  await page.goto(`${baseUrl}lab/workspaces/${workspace}/tree/${encodeURIComponent(name)}`);
  await page.locator(`${PANEL} .jp-Notebook .jp-Cell`).first().waitFor({ timeout: timeoutMs });
  await page.locator(`${PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]`).waitFor({ timeout: timeoutMs });
  // The status bar names the kernel once the session is connected: 'TypeScript | Idle'.
  await page.locator('#jp-main-statusbar', { hasText: `${KERNEL_DISPLAY_NAME} | Idle` }).waitFor({ timeout: timeoutMs });
}

/** Clicks `menu` in the menu bar, then the item labelled `item` (submenus: several labels). */
export async function clickMenu(page: Page, menu: string, ...items: string[]): Promise<void> {
  await page.locator('#jp-MainMenu .lm-MenuBar-itemLabel', { hasText: new RegExp(`^${menu}$`) }).click();
  for (const item of items) {
    await page.locator('.lm-Menu:visible .lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel', { hasText: new RegExp(`^${escapeRegExp(item)}$`) }).last().click();
  }
}

/** Accepts JupyterLab's open dialog (e.g. "Restart Kernel?"). */
export async function acceptDialog(page: Page): Promise<void> {
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await page.locator('.jp-Dialog').waitFor({ state: 'detached' });
}

/**
 * Replaces the source of the `index`-th code cell by typing into its editor: click, select all,
 * insert the text (inserted as typed text, so CodeMirror's auto-closing brackets stay out of it).
 */
export async function setCodeCellSource(page: Page, index: number, source: string): Promise<void> {
  const editor = page.locator(`${PANEL} .jp-Notebook .jp-CodeCell`).nth(index).locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(source);
  await page.keyboard.press('Escape'); // back to command mode
}

/**
 * Starts a run with `trigger` on a notebook whose outputs are cleared, and waits for its end.
 */
export async function runAllAndWait(page: Page, trigger: () => Promise<void>, timeoutMs: number): Promise<void> {
  const first = (await page.locator(`${PANEL} .jp-Notebook .jp-CodeCell .jp-InputPrompt`).first().textContent()) ?? '';
  if (/\d/.test(first)) throw new Error(`runAllAndWait: clear the outputs first (the first code cell shows ${first.trim()})`);
  await trigger();
  const firstPrompt = page.locator(`${PANEL} .jp-Notebook .jp-CodeCell .jp-InputPrompt`).first();
  await firstPrompt.filter({ hasText: /\*|\d/ }).waitFor({ timeout: 60_000 }).catch(() => {
    throw new Error('runAllAndWait: the first code cell did not start within 60 s of the Run All command');
  });
  await waitForRunToFinish(page, timeoutMs);
}

/**
 * Waits until a run that cleared all outputs first has finished: the first code cell has an
 * execution count, no cell shows `[*]`, and the kernel reports idle, on two polls in a row.
 */
export async function waitForRunToFinish(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let settled = 0;
  let last = '';
  while (Date.now() < deadline) {
    const state = await page.evaluate((panel) => {
      const prompts = [...document.querySelectorAll(`${panel} .jp-Notebook .jp-CodeCell .jp-InputPrompt`)].map((p) => (p.textContent ?? '').trim());
      const status = document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator`)?.getAttribute('data-status');
      return { first: prompts[0] ?? '', running: prompts.some((p) => p.includes('*')), status };
    }, PANEL);
    const done = /\[\d+\]/.test(state.first) && !state.running && state.status === 'idle';
    last = `first code cell ${state.first}, a cell running: ${state.running}, kernel ${state.status}`;
    settled = done ? settled + 1 : 0;
    if (settled >= 2) return;
    await page.waitForTimeout(500);
  }
  throw new Error(`the notebook was still running after ${timeoutMs / 1000} s (${last})`);
}

/** Reads every cell of the open notebook as rendered. */
export async function renderedCells(page: Page): Promise<RenderedCell[]> {
  return page.evaluate((panel) =>
    [...document.querySelectorAll(`${panel} .jp-Notebook .jp-Cell`)].map((cell) => {
      const kind = cell.classList.contains('jp-CodeCell') ? 'code' : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw';
      const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
      const imgs = [...cell.querySelectorAll('.jp-OutputArea-output img')];
      const svgs = [...cell.querySelectorAll('.jp-OutputArea-output svg')].filter((s) => s.parentElement?.closest('svg') === null);
      const tables = [...cell.querySelectorAll('.jp-OutputArea-output table')];
      return {
        kind,
        prompt: kind === 'code' ? (cell.querySelector('.jp-InputPrompt')?.textContent ?? '').trim() : '',
        mimeTypes: outputs.map((o) => o.getAttribute('data-mime-type') ?? ''),
        stderr: outputs.filter((o) => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr').map((o) => o.textContent ?? '').join(''),
        nImages: imgs.filter((i) => i.complete && i.naturalWidth > 0).length + svgs.filter((s) => s.childElementCount > 0 && s.getBoundingClientRect().width > 0).length,
        tableCaptions: tables.map((t) => t.querySelector('caption')?.textContent?.trim() ?? ''),
        tableRows: tables.map((t) => [...t.querySelectorAll('tr')].map((r) => [...r.children].map((c) => (c.textContent ?? '').trim()).join(' | '))),
        tableStyles: tables.map((t) => t.getAttribute('style') ?? ''),
      };
    }), PANEL,
  );
}

/** Saves the notebook (File > Save Notebook) and waits until JupyterLab no longer marks it dirty. */
export async function saveNotebook(page: Page): Promise<void> {
  await clickMenu(page, 'File', 'Save Notebook');
  await page.locator('.jp-mod-current.jp-mod-dirty').waitFor({ state: 'detached' });
}

/** What JupyterLab's HTML export asked the server for, and what the server answered. */
export interface HtmlExport {
  /** The nbconvert URL JupyterLab opened (with its `sanitize_html` and `download` parameters). */
  url: string;
  html: string;
}

/**
 * File > Save and Export Notebook As > HTML, then Ok in JupyterLab's "Export as HTML" dialog with
 * its default (Sanitize HTML output ticked), as a user would. JupyterLab opens the nbconvert URL in
 * a new tab that turns into a download; Playwright does not report that download over a DevTools
 * connection, so the test takes the URL from the request and fetches it with the page's cookies.
 */
export async function exportHtml(page: Page, timeoutMs: number): Promise<HtmlExport> {
  const context = page.context();
  const request = context.waitForEvent('request', { predicate: (r) => r.url().includes('/nbconvert/html/'), timeout: timeoutMs });
  await clickMenu(page, 'File', 'Save and Export Notebook As', 'HTML');
  const dialog = page.locator('.jp-Dialog', { hasText: 'Export as HTML' });
  await dialog.waitFor({ timeout: timeoutMs });
  if (!(await dialog.locator('input[type="checkbox"]').isChecked())) throw new Error('exportHtml: the Sanitize HTML output box is no longer ticked by default');
  await acceptDialog(page);
  const url = (await request).url();
  // Jupyter checks XSRF on this GET; the browser tab passed it by navigating, a fetch sends the header.
  const xsrf = (await context.cookies(url)).find((c) => c.name === '_xsrf')?.value ?? '';
  const res = await context.request.get(url, { timeout: timeoutMs, headers: { 'X-XSRFToken': xsrf } });
  if (!res.ok()) throw new Error(`exportHtml: ${url} answered ${res.status()}`);
  return { url, html: await res.text() };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
