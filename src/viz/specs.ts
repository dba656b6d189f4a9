/**
 * Pure Vega-Lite spec builders for the study's figures. Here: partition counts (notebook 01), the RL
 * partition-reward panels against the s-only rate on a symlog axis (Cruz et al. 2023), and a generic
 * line chart (training curves, live progress); the probing figures (extractability bars, MDL curves,
 * H1 scatter) are in `probe_specs.ts` and re-exported here. Builders only arrange data that was
 * computed elsewhere (means, bootstrap intervals, fits); they never compute statistics, read files or render.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Scale } from 'vega-lite/build/src/scale';
import type { Partition } from '../tasks/types';
import { checkRange } from '../util/assert';
import {
  SCHEMA,
  checkBounds,
  checkFinite,
  coveringDomain,
  partitionsIn,
  taskColour,
  titleOf,
  type Colour,
  type FigureText,
  type Layer,
  type Position,
} from './spec_common';
import { FIGURE_CONFIG, PARTITION_COLOURS, PARTITION_LABELS, PARTITION_ORDER, taskColourScale } from './theme';

export type { FigureText } from './spec_common';
export {
  extractabilityChart,
  h1ScatterChart,
  mdlCurveChart,
  type ExtractabilityRow,
  type H1CurveRow,
  type H1PointRow,
  type H1ScatterData,
  type H1ScatterOptions,
  type MdlBlockRow,
  type MdlCurveOptions,
} from './probe_specs';

/** Symlog constant of the rate axis: rates below it are ~linear, above it ~log, so 0 and 0.001 both show. */
export const RATE_SYMLOG_CONSTANT = 0.001;

// ---- row formats ------------------------------------------------------------------------------

/** One bar of the partition-count chart: how many examples of `partition` the rate-`rate` set holds. */
export interface PartitionCountRow {
  /** s-only rate p of the training set, in [0, 1]. */
  readonly rate: number;
  readonly partition: Partition;
  /** Number of examples. */
  readonly count: number;
}

/** One point of the RL partition-reward figure: a task's mean reward on one partition after training at rate p. */
export interface PartitionRewardRow {
  readonly task: string;
  /** s-only rate p of the fine-tuning set, in [0, 1]. */
  readonly rate: number;
  readonly partition: Partition;
  /** Mean reward (or normalised score) over runs. */
  readonly mean: number;
  /** Lower end of the 95% interval (bootstrap, computed elsewhere). */
  readonly lo: number;
  /** Upper end of the 95% interval. */
  readonly hi: number;
}

/** One point of a generic line chart; rows with `lo` and `hi` also draw a band. */
export interface LineRow {
  readonly x: number;
  readonly y: number;
  readonly lo?: number;
  readonly hi?: number;
  /** Line the point belongs to; omitted for a single line. */
  readonly series?: string;
}

// ---- builders ---------------------------------------------------------------------------------

/** Options of {@link partitionCountsChart}. */
export interface PartitionCountsOptions extends FigureText {
  /** Log y axis (zero counts and all-zero partitions are dropped), for rates whose s-only counts are tiny; default false. */
  readonly logY?: boolean;
}

/**
 * Grouped bar chart of examples per partition (bars) for each s-only rate (groups), with the count
 * printed on each bar. Notebook 01 uses it to show how the training sets are composed.
 */
export function partitionCountsChart(rows: readonly PartitionCountRow[], opts: PartitionCountsOptions = {}): TopLevelSpec {
  rows.forEach((r, i) => {
    checkRange(`partitionCountsChart: rows[${i}].rate`, r.rate, 0, 1);
    checkRange(`partitionCountsChart: rows[${i}].count`, r.count, 0, Number.MAX_SAFE_INTEGER);
  });
  const logY = opts.logY ?? false;
  // A log axis cannot show zero counts, nor (then) a partition that is empty at every rate, like t-only in training sets.
  const shown = rows.filter((r) => !logY || r.count > 0);
  partitionsIn('partitionCountsChart', rows);
  const partitions = partitionsIn('partitionCountsChart', shown);
  const labels = partitions.map((p) => PARTITION_LABELS[p]);
  const values = shown.map((r) => ({ rate: r.rate, count: r.count, partition: PARTITION_LABELS[r.partition] }));
  const nRates = new Set(rows.map((r) => r.rate)).size;
  return {
    $schema: SCHEMA,
    config: FIGURE_CONFIG,
    title: titleOf(opts, 'Training examples per partition'),
    data: { values },
    width: Math.max(320, nRates * partitions.length * 24),
    height: 240,
    encoding: {
      x: { field: 'rate', type: 'ordinal', title: 's-only rate p', axis: { labelAngle: 0 } },
      xOffset: { field: 'partition', type: 'nominal', sort: labels },
      y: {
        field: 'count',
        type: 'quantitative',
        title: logY ? 'examples (count, log scale)' : 'examples (count)',
        // Unstacked, so that log bars start at the axis rather than at a stack base of zero.
        stack: null,
        // The log axis starts a decade below the smallest count, so the smallest bar has a height,
        // and ends on the decade above 1.5x the largest, leaving room for the bar labels.
        scale: logY ? { type: 'log', domainMin: logAxisStart(shown.map((r) => r.count)), domainMax: 10 ** Math.ceil(Math.log10(1.5 * Math.max(1, ...shown.map((r) => r.count)))) } : {},
      },
      color: {
        field: 'partition',
        type: 'nominal',
        title: 'partition',
        sort: labels,
        scale: { domain: labels, range: partitions.map((p) => PARTITION_COLOURS[p]) },
      },
    },
    layer: [
      { mark: { type: 'bar' } },
      {
        mark: { type: 'text', angle: -90, align: 'left', baseline: 'middle', dx: 3, fontSize: 9, color: '#333' },
        encoding: { text: { field: 'count', type: 'quantitative', format: ',d' } },
      },
    ],
  };
}

/** Options of {@link partitionRewardChart}. */
export interface PartitionRewardOptions extends FigureText {
  /** Ticks of the rate axis; default the distinct rates in the data (paper: 0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5). */
  readonly rates?: readonly number[];
  /** y-axis title; default `mean reward` (the language study: `normalised score`). */
  readonly yTitle?: string;
  /** Panels per row: 4 (one row, default) or 2 (a 2 x 2 grid). */
  readonly columns?: number;
}

/**
 * The RL figure: four panels (s-only, t-only, neither, both), each the mean final reward on that
 * partition against the s-only rate p on a symlog axis, one line per task with its 95% band.
 * H2 reads off the s-only panel: more s-only training prompts should raise s-only reward.
 */
export function partitionRewardChart(rows: readonly PartitionRewardRow[], opts: PartitionRewardOptions = {}): TopLevelSpec {
  rows.forEach((r, i) => {
    checkRange(`partitionRewardChart: rows[${i}].rate`, r.rate, 0, 1);
    for (const k of ['mean', 'lo', 'hi'] as const) checkFinite(`partitionRewardChart: rows[${i}].${k}`, r[k]);
  });
  partitionsIn('partitionRewardChart', rows);
  const rates = [...(opts.rates ?? new Set(rows.map((r) => r.rate)))].sort((a, b) => a - b);
  const tasks = rows.map((r) => r.task);
  const panels = PARTITION_ORDER.map((p) => PARTITION_LABELS[p]);
  const yTitle = `${opts.yTitle ?? 'mean reward'} (95% CI)`;
  const yScale = { domain: coveringDomain([0, 1], rows.flatMap((r) => [r.lo, r.hi, r.mean])) };
  
  const x: Position = {
    field: 'rate',
    type: 'quantitative',
    title: 's-only rate p (symlog scale)',
    scale: { type: 'symlog', constant: RATE_SYMLOG_CONSTANT, domain: [0, Math.max(...rates, RATE_SYMLOG_CONSTANT)] },
    axis: { values: rates, format: '~g', labelAngle: -45, labelOverlap: false, grid: true },
  };
  return {
    $schema: SCHEMA,
    config: FIGURE_CONFIG,
    title: titleOf(opts, 'Final reward per partition against the s-only rate'),
    data: { values: rows.map((r) => ({ ...r, panel: PARTITION_LABELS[r.partition] })) },
    columns: opts.columns ?? 4,
    facet: {
      field: 'panel',
      type: 'nominal',
      sort: panels,
      title: null,
      header: { labelFontSize: 13, labelFontWeight: 'bold', labelPadding: 6 },
    },
    spec: {
      width: 210,
      height: 180,
      encoding: { x },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18 },
          encoding: {
            y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale },
            y2: { field: 'hi' },
            color: taskColour(tasks),
          },
        },
        {
          mark: { type: 'line', strokeWidth: 2, point: { size: 30 } },
          encoding: { y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale }, color: taskColour(tasks) },
        },
      ],
    },
  };
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends FigureText {
  /** x-axis title with unit, e.g. `PPO iteration`. */
  readonly xTitle: string;
  /** y-axis title with unit, e.g. `mean episode reward`. */
  readonly yTitle: string;
  /** Legend title of the series; default `series`. */
  readonly seriesTitle?: string;
  /** Colour series by the fixed task colours (series names are task names); default false. */
  readonly seriesAreTasks?: boolean;
  /** x scale; default `linear`. */
  readonly xScale?: 'linear' | 'log' | 'symlog';
  /** y scale; default `linear`. */
  readonly yScale?: 'linear' | 'log';
  /** y domain that the axis always covers, e.g. [0, 1] for rewards; default the data's range. */
  readonly yDomain?: readonly [number, number];
  /** Plot size in px; default 420 x 240. */
  readonly width?: number;
  readonly height?: number;
}

/**
 * A line chart of `y` against `x`, one line per `series`, with a shaded band where rows carry
 * `lo`/`hi`. For training curves (reward per PPO iteration, probe loss per epoch) and live progress.
 */
export function lineChart(rows: readonly LineRow[], opts: LineChartOptions): TopLevelSpec {
  rows.forEach((r, i) => {
    checkFinite(`lineChart: rows[${i}].x`, r.x);
    checkFinite(`lineChart: rows[${i}].y`, r.y);
    checkBounds(`lineChart: rows[${i}]`, r);
  });
  const hasSeries = rows.some((r) => r.series !== undefined);
  const colour: Colour = {
    field: 'series',
    type: 'nominal',
    title: opts.seriesTitle ?? 'series',
    ...(opts.seriesAreTasks ? { scale: taskColourScale(rows.map((r) => r.series ?? '')) } : {}),
    legend: { symbolOpacity: 1 },
  };
  const x: Position = { field: 'x', type: 'quantitative', title: opts.xTitle, scale: { type: opts.xScale ?? 'linear', zero: false } };
  const ys = rows.flatMap((r) => [r.y, r.lo ?? r.y, r.hi ?? r.y]);
  const yScale: Scale = {
    type: opts.yScale ?? 'linear',
    zero: false,
    ...(opts.yDomain ? { domain: coveringDomain(opts.yDomain, ys) } : {}),
  };
  const values = rows.map((r) => ({ ...r, series: r.series ?? '' }));
  const band = values.filter((r) => r.lo !== undefined);
  const bandLayer: Layer = {
    data: { values: band },
    mark: { type: 'area', opacity: 0.2 },
    encoding: {
      x,
      y: { field: 'lo', type: 'quantitative', title: opts.yTitle, scale: yScale },
      y2: { field: 'hi' },
      ...(hasSeries ? { color: colour } : {}),
    },
  };
  const lineLayer: Layer = {
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: rows.length <= 40 },
    encoding: {
      x,
      y: { field: 'y', type: 'quantitative', title: opts.yTitle, scale: yScale },
      ...(hasSeries ? { color: colour } : {}),
    },
  };
  return {
    $schema: SCHEMA,
    config: FIGURE_CONFIG,
    title: titleOf(opts, `${opts.yTitle} against ${opts.xTitle}`),
    width: opts.width ?? 420,
    height: opts.height ?? 240,
    layer: band.length > 0 ? [bandLayer, lineLayer] : [lineLayer],
  };
}

/** The power of ten strictly below the smallest positive value (1 for counts 10..99, 0.1 for a count of 1). */
export function logAxisStart(values: readonly number[]): number {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return 1;
  const min = Math.min(...positive);
  const decade = Math.floor(Math.log10(min));
  return 10 ** (10 ** decade === min ? decade - 1 : decade);
}

// ---- feature use per task: seeds and interval -------------------------------------------------

/** One seed's feature use in the strip plot. */
export interface StripPointRow {
  readonly task: string;
  readonly value: number;
}

/** One task's mean over seeds with its interval (drawn as a rule and a tick). */
export interface StripIntervalRow {
  readonly task: string;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** Options of `featureUseStripChart`. */
export interface StripChartOptions extends FigureText {
  /** y-axis title; default 'feature use at p = 0'. */
  readonly yTitle?: string;
  /** Width in pixels; default 48 per task (at least 240). */
  readonly width?: number;
  /** Height in pixels; default 240. */
  readonly height?: number;
}

/**
 * Strip plot of feature use per task (issue 15: outcomes are bimodal): one hollow circle per seed
 * (overlapping seeds darken), the mean as a tick and its interval as a rule. Tasks appear in the
 * order of `intervals` (e.g. by relative extractability); the y-axis spans [0, 1] and any value outside.
 */
export function featureUseStripChart(points: readonly StripPointRow[], intervals: readonly StripIntervalRow[], opts: StripChartOptions = {}): TopLevelSpec {
  points.forEach((p, i) => checkFinite(`featureUseStripChart: points[${i}].value`, p.value));
  intervals.forEach((r, i) => {
    checkFinite(`featureUseStripChart: intervals[${i}].mean`, r.mean);
    checkFinite(`featureUseStripChart: intervals[${i}].lo`, r.lo);
    checkFinite(`featureUseStripChart: intervals[${i}].hi`, r.hi);
  });
  const order = [...intervals.map((r) => r.task), ...points.map((p) => p.task).filter((t) => !intervals.some((r) => r.task === t))].filter((t, i, a) => a.indexOf(t) === i);
  const yTitle = opts.yTitle ?? 'feature use at p = 0';
  const x: Position = { field: 'task', type: 'nominal', title: 'task', sort: order, axis: { labelAngle: -30 } };
  const yScale: Scale = { domain: coveringDomain([0, 1], [...points.map((p) => p.value), ...intervals.flatMap((r) => [r.lo, r.hi])]) };
  return {
    $schema: SCHEMA,
    config: FIGURE_CONFIG,
    title: titleOf(opts, `${yTitle} per task: seeds, mean and 95 % interval`),
    width: opts.width ?? Math.max(240, 48 * order.length),
    height: opts.height ?? 240,
    layer: [
      { data: { values: intervals.map((r) => ({ ...r })) }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' } } },
      { data: { values: intervals.map((r) => ({ ...r })) }, mark: { type: 'tick', thickness: 2, size: 18 }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale } } },
      { data: { values: points.map((p) => ({ ...p })) }, mark: { type: 'point', filled: false, opacity: 0.6, size: 40 }, encoding: { x, y: { field: 'value', type: 'quantitative', title: yTitle, scale: yScale } } },
    ],
  };
}
