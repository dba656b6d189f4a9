/**
 * Figure builders for the probing side of the study: Lovering et al.'s (2021) relative-extractability
 * bars, the MDL online-code curves (Voita & Titov 2020) and the H1 scatter of feature use against
 * relative extractability with its logistic fit (Cruz et al. 2023). Pure: they arrange values that
 * were computed elsewhere (codelengths, SEMs, the fit) and never compute statistics.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Scale } from 'vega-lite/build/src/scale';
import { checkRange } from '../util/assert';
import {
  SCHEMA,
  checkBounds,
  checkFinite,
  checkPositive,
  coveringDomain,
  taskColour,
  titleOf,
  type FigureText,
  type Layer,
  type Position,
} from './spec_common';
import { FIGURE_CONFIG, taskColourScale } from './theme';

/** One bar of the relative-extractability chart. */
export interface ExtractabilityRow {
  readonly task: string;
  /** Relative extractability MDL(s) / MDL(t), > 0; above 1 means t is easier to extract. */
  readonly ratio: number;
  /** Lower end of the error bar (e.g. ratio - SEM), > 0. */
  readonly lo: number;
  /** Upper end of the error bar (e.g. ratio + SEM). */
  readonly hi: number;
}

/** One point of an MDL online-code curve: the codelength of one block, per example in the block. */
export interface MdlBlockRow {
  readonly task: string;
  /** Probed feature: `s` (spurious) or `t` (target); other names are shown as given. */
  readonly feature: string;
  /** Block index, 1-based (block 1 is sent with the uniform code). */
  readonly block: number;
  /** Summed -log2 p(y|x) over the block's examples, divided by the block size (bits per example). */
  readonly bitsPerExample: number;
}

/** One task of the H1 scatter. */
export interface H1PointRow {
  readonly task: string;
  /** Relative extractability MDL(s) / MDL(t), > 0. */
  readonly relMdl: number;
  /** Feature-use score: mean of the t-only and s-only scores at p = 0. */
  readonly score: number;
  /** Lower end of the score's error bar (optional). */
  readonly lo?: number;
  /** Upper end of the score's error bar (optional). */
  readonly hi?: number;
}

/** One point of the fitted logistic curve of the H1 scatter (evaluated elsewhere on a grid of relMdl). */
export interface H1CurveRow {
  readonly relMdl: number;
  readonly score: number;
}

/**
 * Lovering et al.'s (2021) bar chart: one horizontal bar per task from 1 to MDL(s)/MDL(t) on a log
 * axis, so bars to the right mean t is easier to extract and bars to the left mean s is, with error
 * bars (e.g. +-1 SEM over probe seeds). Tasks are sorted by ratio.
 */
export function extractabilityChart(rows: readonly ExtractabilityRow[], opts: FigureText = {}): TopLevelSpec {
  rows.forEach((r, i) => {
    for (const k of ['ratio', 'lo', 'hi'] as const) checkPositive(`extractabilityChart: rows[${i}].${k}`, r[k]);
  });
  const ends = rows.flatMap((r) => [r.lo, r.hi, r.ratio]);
  const title = 'relative extractability MDL(s) / MDL(t) (log scale; > 1: t easier)';
  const scale: Scale = { type: 'log', domain: [Math.min(1, ...ends) / 1.4, Math.max(1, ...ends) * 1.4], nice: false };
  const y: Position = { field: 'task', type: 'nominal', title: null, sort: { field: 'ratio', order: 'descending' } };
  // The value label sits outside the error bar: right of it for ratios >= 1, left of it below 1.
  const label = (side: 'right' | 'left'): Layer => ({
    transform: [{ filter: side === 'right' ? 'datum.ratio >= 1' : 'datum.ratio < 1' }],
    mark: { type: 'text', align: side === 'right' ? 'left' : 'right', dx: side === 'right' ? 5 : -5, fontSize: 11, color: '#222' },
    encoding: {
      y,
      x: { field: side === 'right' ? 'hi' : 'lo', type: 'quantitative', title, scale },
      text: { field: 'ratio', type: 'quantitative', format: '.2f' },
    },
  });
  return {
    $schema: SCHEMA,
    config: FIGURE_CONFIG,
    title: titleOf(opts, 'Relative extractability of the target feature'),
    data: { values: rows.map((r) => ({ ...r })) },
    width: 420,
    height: { step: 30 },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y,
          x: { field: 'ratio', type: 'quantitative', scale, title },
          x2: { datum: 1 },
          color: { field: 'task', type: 'nominal', scale: taskColourScale(rows.map((r) => r.task)), legend: null },
        },
      },
      {
        mark: { type: 'errorbar', ticks: true, color: '#222' },
        encoding: { y, x: { field: 'lo', type: 'quantitative', title, scale }, x2: { field: 'hi' } },
      },
      label('right'),
      label('left'),
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { x: { datum: 1, type: 'quantitative', title, scale } } },
    ],
  };
}

/** Options of {@link mdlCurveChart}. */
export interface MdlCurveOptions extends FigureText {
  /** Codelength of the uniform code per example, drawn as a reference line; log2(2 classes) = 1 bit by default. */
  readonly uniformBits?: number;
}

/**
 * MDL online-code curves (Voita & Titov 2020): bits per example of each block, one colour per task
 * and a solid (t) or dashed (s) line per probed feature, with the uniform code as a reference.
 * Curves that fall faster belong to the more extractable feature.
 */
export function mdlCurveChart(rows: readonly MdlBlockRow[], opts: MdlCurveOptions = {}): TopLevelSpec {
  rows.forEach((r, i) => {
    checkRange(`mdlCurveChart: rows[${i}].block`, r.block, 1, Number.MAX_SAFE_INTEGER);
    checkFinite(`mdlCurveChart: rows[${i}].bitsPerExample`, r.bitsPerExample);
  });
  const uniformBits = opts.uniformBits ?? 1;
  const featureLabel = (f: string): string => (f === 's' ? 's (spurious)' : f === 't' ? 't (target)' : f);
  // t first, so the target feature gets the solid line.
  const features = [...new Set(rows.map((r) => featureLabel(r.feature)))].sort().reverse();
  const yTitle = 'codelength (bits per example)';
  const yScale = { domain: coveringDomain([0, uniformBits], rows.map((r) => r.bitsPerExample)) };
  return {
    $schema: SCHEMA,
    config: FIGURE_CONFIG,
    title: titleOf(opts, 'MDL online code: codelength per block'),
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r, featureLabel: featureLabel(r.feature) })) },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: {
            field: 'block',
            type: 'quantitative',
            title: 'block k (probe trained on blocks 1..k-1; sizes double)',
            axis: { tickMinStep: 1, format: 'd' },
            scale: { zero: false },
          },
          y: { field: 'bitsPerExample', type: 'quantitative', title: yTitle, scale: yScale },
          color: { field: 'task', type: 'nominal', title: 'task', scale: taskColourScale(rows.map((r) => r.task)) },
          strokeDash: {
            field: 'featureLabel',
            type: 'nominal',
            title: 'probed feature',
            sort: features,
            scale: { domain: features, range: features.map((_, i) => (i === 0 ? [1, 0] : i === 1 ? [6, 4] : [2, 2])) },
            legend: {
              symbolType: 'stroke',
              symbolSize: 400,
              // Dash samples as dark and thick as the lines (the default is 1.5 px grey).
              encoding: { symbols: { stroke: { value: '#333' }, strokeWidth: { value: 2 } } },
            },
          },
        },
      },
      {
        data: { values: [{ bits: uniformBits, label: `uniform code (${uniformBits} bit)` }] },
        layer: [
          {
            mark: { type: 'rule', strokeDash: [2, 2], color: '#555' },
            encoding: { y: { field: 'bits', type: 'quantitative', title: yTitle, scale: yScale } },
          },
          {
            mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, x: 'width', color: '#555', fontSize: 11 },
            encoding: { y: { field: 'bits', type: 'quantitative', title: yTitle, scale: yScale }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
}

/** Input of {@link h1ScatterChart}: one point per task and the fitted curve. */
export interface H1ScatterData {
  readonly points: readonly H1PointRow[];
  /** The fitted logistic curve on a grid of relMdl values (may be empty). */
  readonly curve: readonly H1CurveRow[];
}

/** Options of {@link h1ScatterChart}. */
export interface H1ScatterOptions extends FigureText {
  /** y-axis title; default `feature-use score (mean of t-only and s-only reward at p = 0)`. */
  readonly yTitle?: string;
}

/**
 * The H1 figure: per task, the feature-use score against relative extractability MDL(s)/MDL(t) on a
 * log axis, with error bars, task labels and the fitted logistic curve. H1 predicts an increasing curve.
 */
export function h1ScatterChart(data: H1ScatterData, opts: H1ScatterOptions = {}): TopLevelSpec {
  data.points.forEach((r, i) => {
    checkPositive(`h1ScatterChart: points[${i}].relMdl`, r.relMdl);
    checkFinite(`h1ScatterChart: points[${i}].score`, r.score);
    checkBounds(`h1ScatterChart: points[${i}]`, r);
  });
  data.curve.forEach((r, i) => {
    checkPositive(`h1ScatterChart: curve[${i}].relMdl`, r.relMdl);
    checkFinite(`h1ScatterChart: curve[${i}].score`, r.score);
  });
  const xs = [...data.points.map((r) => r.relMdl), ...data.curve.map((r) => r.relMdl), 1];
  const ys = [...data.points.flatMap((r) => [r.score, r.lo ?? r.score, r.hi ?? r.score]), ...data.curve.map((r) => r.score)];
  const xTitle = 'relative extractability MDL(s) / MDL(t) (log scale)';
  const xDomain = [Math.min(...xs) / 1.25, Math.max(...xs) * 1.25];
  const xScale: Scale = { type: 'log', domain: xDomain, nice: false };
  const labelFlipAt = Math.log(xDomain[0]) + 0.75 * (Math.log(xDomain[1]) - Math.log(xDomain[0]));
  const yTitle = opts.yTitle ?? 'score (t-only + s-only) / 2 at p = 0';
  const yScale = { domain: coveringDomain([0, 1], ys) };
  const x: Position = { field: 'relMdl', type: 'quantitative', title: xTitle, scale: xScale };
  const y: Position = { field: 'score', type: 'quantitative', title: yTitle, scale: yScale };
  const tasks = data.points.map((r) => r.task);
  const points = data.points.map((r) => ({ ...r }));
  return {
    $schema: SCHEMA,
    config: FIGURE_CONFIG,
    title: titleOf(opts, 'H1: feature use against relative extractability'),
    width: 420,
    height: 300,
    layer: [
      { data: { values: [{ relMdl: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#999' }, encoding: { x } },
      { data: { values: data.curve.map((r) => ({ ...r })) }, mark: { type: 'line', color: '#333', strokeWidth: 1.5 }, encoding: { x, y } },
      {
        data: { values: points.filter((r) => r.lo !== undefined) },
        mark: { type: 'errorbar', ticks: true },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' }, color: taskColour(tasks, false) },
      },
      { data: { values: points }, mark: { type: 'point', filled: true, size: 80, opacity: 1 }, encoding: { x, y, color: taskColour(tasks, false) } },
      // Task names label the points (no legend); points in the right quarter get their label on the left.
      ...(['right', 'left'] as const).map(
        (side): Layer => ({
          data: { values: points.filter((r) => (Math.log(r.relMdl) > labelFlipAt) === (side === 'left')) },
          mark: { type: 'text', align: side === 'right' ? 'left' : 'right', dx: side === 'right' ? 7 : -7, dy: -7, fontSize: 11 },
          encoding: { x, y, text: { field: 'task' } },
        }),
      ),
    ],
  };
}
