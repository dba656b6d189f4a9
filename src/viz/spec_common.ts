/**
 * Parts shared by the figure builders (`specs.ts`, `probe_specs.ts`): the Vega-Lite schema, the
 * channel types, titles, task colour encodings, covering domains and the row checks, whose errors
 * name the builder, the row and the field.
 */
import type { Field, PositionDef } from 'vega-lite/build/src/channeldef';
import type { Encoding } from 'vega-lite/build/src/encoding';
import type { LayerSpec } from 'vega-lite/build/src/spec/layer';
import type { UnitSpec } from 'vega-lite/build/src/spec/unit';
import type { Partition } from '../tasks/types';
import { ConfigError } from '../util/assert';
import { PARTITION_ORDER, taskColourScale } from './theme';

/** Vega-Lite schema the specs are written against (v5; v6 does not load in tslab). */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** A position channel definition (x, y, x2, y2). */
export type Position = PositionDef<Field>;
/** A colour channel definition. */
export type Colour = NonNullable<Encoding<Field>['color']>;
/** One entry of a `layer` array. */
export type Layer = LayerSpec<Field> | UnitSpec<Field>;

/** Title text shared by every builder. */
export interface FigureText {
  /** Figure title; each builder has a default. */
  readonly title?: string;
  /** Second title line, e.g. a test statistic rendered from results. */
  readonly subtitle?: string;
}

/**
 * Colour by task in the fixed task colours. Layers that share a colour field share one legend, whose
 * swatches would take a band's opacity; `symbolOpacity: 1` keeps them solid. `legend: false` hides it.
 */
export function taskColour(tasks: readonly string[], legend = true): Colour {
  return { field: 'task', type: 'nominal', title: 'task', scale: taskColourScale(tasks), legend: legend ? { symbolOpacity: 1 } : null };
}

/** The title object of a figure: `opts.title` or the builder's default, plus the subtitle. */
export function titleOf(opts: FigureText, fallback: string): { text: string; subtitle?: string } {
  return { text: opts.title ?? fallback, ...(opts.subtitle !== undefined ? { subtitle: opts.subtitle } : {}) };
}

/** The partitions present in `rows`, in figure order; throws on an unknown partition. */
export function partitionsIn(builder: string, rows: readonly { partition: Partition }[]): Partition[] {
  rows.forEach((r, i) => {
    if (!PARTITION_ORDER.includes(r.partition)) {
      const allowed = PARTITION_ORDER.map((p) => `'${p}'`).join(', ');
      throw new ConfigError(`${builder}: rows[${i}].partition: '${r.partition}' is not allowed; expected one of ${allowed}`);
    }
  });
  return PARTITION_ORDER.filter((p) => rows.some((r) => r.partition === p));
}

/** The smallest interval that covers `base` and every value, e.g. [0, 1] widened to the data's range. */
export function coveringDomain(base: readonly [number, number], values: readonly number[]): [number, number] {
  return [Math.min(base[0], ...values), Math.max(base[1], ...values)];
}

/** Throws unless `lo` and `hi` are both absent or both finite. */
export function checkBounds(field: string, r: { lo?: number; hi?: number }): void {
  if ((r.lo === undefined) !== (r.hi === undefined)) {
    throw new ConfigError(`${field} has only one of lo, hi; expected both or neither`);
  }
  if (r.lo !== undefined) checkFinite(`${field}.lo`, r.lo);
  if (r.hi !== undefined) checkFinite(`${field}.hi`, r.hi);
}

/** Throws unless `value` is a finite number. */
export function checkFinite(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const shown = typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
    throw new ConfigError(`${field}: ${shown} is not a finite number`);
  }
}

/** Throws unless `value` is a finite number > 0 (log axes). */
export function checkPositive(field: string, value: unknown): void {
  checkFinite(field, value);
  if ((value as number) <= 0) throw new ConfigError(`${field}: ${value} is not > 0 (log axis)`);
}
