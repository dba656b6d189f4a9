/**
 * Renders Vega-Lite specs headlessly: Vega-Lite -> Vega compile -> a Vega View with no renderer
 * -> SVG text; SVG -> PNG with resvg, which draws text with the system fonts (DejaVu Sans on Linux).
 * `saveFigure` writes both files atomically, so a figure on disk is never half written.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from '../io/atomic_write';

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixels per SVG unit; default 2 (sharp on high-density screens and in papers). */
  readonly scale?: number;
  /** Background colour (CSS); default white, so figures read on dark notebook themes. */
  readonly background?: string;
}

/** Compiles a Vega-Lite spec to a Vega spec; throws on an invalid spec and prints Vega-Lite's warnings. */
export function compileToVega(spec: TopLevelSpec): vega.Spec {
  return vl.compile(spec).spec as vega.Spec;
}

/** Compiles like {@link compileToVega} but collects Vega-Lite's warnings (e.g. conflicting scales) instead of printing them. */
export function compileWithWarnings(spec: TopLevelSpec): { spec: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, _level, input) => {
    warnings.push(input.map(String).join(' '));
  });
  return { spec: vl.compile(spec, { logger }).spec as vega.Spec, warnings };
}

/** Renders a Vega-Lite spec to SVG text (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileToVega(spec)), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises SVG text to PNG bytes. System fonts are loaded so that text is drawn; DejaVu Sans is
 * the family used where the SVG's font stack names none that is installed.
 */
export function svgToPng(svg: string, opts: PngOptions = {}): Uint8Array {
  return new Uint8Array(rasterise(svg, opts).asPng());
}

/** Rasterises SVG text to RGBA pixels (row-major, 4 bytes per pixel), with the options of {@link svgToPng}. */
export function svgToPixels(svg: string, opts: PngOptions = {}): { width: number; height: number; rgba: Uint8Array } {
  const image = rasterise(svg, opts);
  return { width: image.width, height: image.height, rgba: new Uint8Array(image.pixels) };
}

function rasterise(svg: string, opts: PngOptions) {
  const resvg = new Resvg(svg, {
    background: opts.background ?? 'white',
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  return resvg.render();
}

/**
 * Prefixes every `id` in the SVG (and the `url(#…)` / `href="#…"` references to it) with `prefix`,
 * so that several figures inlined into one HTML page (notebook exports) don't share clip-path or
 * gradient ids. SVGs without ids come back unchanged.
 */
export function uniquifySvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/(\s)id="([^"]+)"/g, (_, space: string, id: string) => `${space}id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}-${id}"`);
}

/** Paths written by {@link saveFigure}, and the SVG text. */
export interface SavedFigure {
  readonly svgPath: string;
  readonly pngPath: string;
  readonly svg: string;
}

/**
 * Renders `spec` and writes `<pathWithoutExt>.svg` and `<pathWithoutExt>.png` atomically,
 * creating parent folders. Returns the paths and the SVG text.
 */
export async function saveFigure(spec: TopLevelSpec, pathWithoutExt: string, opts: PngOptions = {}): Promise<SavedFigure> {
  const svg = await renderSvg(spec);
  const png = svgToPng(svg, opts);
  const svgPath = `${pathWithoutExt}.svg`;
  const pngPath = `${pathWithoutExt}.png`;
  writeFileAtomic(svgPath, svg);
  writeFileAtomic(pngPath, png);
  return { svgPath, pngPath, svg };
}
