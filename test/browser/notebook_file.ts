/**
 * What the browser test reads from files: chart outputs of a saved .ipynb, and an HTML export as
 * Chromium renders it (tables, charts, and markup that leaked into the text).
 */
import type { BrowserContext } from 'playwright-core';
import { pathToFileURL } from 'node:url';

// Functions given to page.evaluate run in the page; the project's tsconfig has no DOM library, so
// the page's globals are typed loosely here (module scope only).
declare const document: any;

/** The parts of an nbformat 4 notebook the test reads. */
export interface NotebookJson {
  cells: { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: { output_type: string; data?: Record<string, unknown> }[] }[];
}

/** Chart outputs (image/svg+xml or image/png) per code cell, in notebook order. */
export function notebookCharts(nb: NotebookJson): { cellIndex: number; nCharts: number }[] {
  return nb.cells
    .map((cell, cellIndex) => ({
      cellIndex,
      nCharts: (cell.outputs ?? []).filter((o) => o.data !== undefined && ('image/svg+xml' in o.data || 'image/png' in o.data)).length,
    }))
    .filter((c) => c.nCharts > 0);
}

/** An exported HTML file as rendered. */
export interface ExportedPage {
  /** Output text that looks like escaped markup (`<table`, `<svg`, `<img`): sanitised or garbled. */
  garbled: string[];
  /** Rows of each table in the outputs, cells joined by ' | '. */
  tableRows: string[][];
  /** The `style` attribute of each table in the outputs. */
  tableStyles: string[];
  /** Rendered images in the outputs: decoded `<img>` and non-empty, visible `<svg>`. */
  nImages: number;
}

/** Opens `htmlPath` in a new tab, reads it, saves a full-page screenshot to `screenshotPath`. */
export async function exportedPage(context: BrowserContext, htmlPath: string, screenshotPath: string): Promise<ExportedPage> {
  const page = await context.newPage();
  try {
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const result = await page.evaluate(() => {
      const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
      const tables = outputs.flatMap((o) => [...o.querySelectorAll('table')]);
      const imgs = outputs.flatMap((o) => [...o.querySelectorAll('img')]);
      const svgs = outputs.flatMap((o) => [...o.querySelectorAll('svg')]).filter((s) => s.parentElement?.closest('svg') === null);
      return {
        garbled: outputs.map((o) => o.innerText).filter((text) => /<(table|svg|img|div|span)\b/i.test(text)).map((text) => text.slice(0, 200)),
        tableRows: tables.map((t) => [...t.querySelectorAll('tr')].map((r) => [...r.children].map((c) => (c.textContent ?? '').trim()).join(' | '))),
        tableStyles: tables.map((t) => t.getAttribute('style') ?? ''),
        nImages: imgs.filter((i) => i.complete && i.naturalWidth > 0).length + svgs.filter((s) => s.childElementCount > 0 && s.getBoundingClientRect().width > 0).length,
      };
    });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return result;
  } finally {
    await page.close();
  }
}
