/**
 * The look shared by every figure: one font stack, font sizes readable at 1x, and fixed colours
 * per task and per partition, so that `first-last` is the same orange in notebook 02 and in 05.
 * Colours are Tableau 10 (Vega's default categorical scheme), assigned by name, not by position.
 */
import type { Config } from 'vega-lite';
import type { Partition } from '../tasks/types';

/**
 * Font stack of every figure. DejaVu Sans comes first because it is what Linux machines (and the
 * PNG renderer, which reads system fonts) have; browsers and macOS fall through to Helvetica/Arial.
 */
export const FIGURE_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Vega-Lite config of every figure: white background, 11-12 px labels, 15 px titles. */
export const FIGURE_CONFIG: Config = {
  font: FIGURE_FONT,
  background: 'white',
  padding: 8,
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#444', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#bbbbbb' },
};

/** Tableau 10, in Vega's order. */
const TABLEAU10 = {
  blue: '#4e79a7',
  orange: '#f28e2b',
  red: '#e15759',
  teal: '#76b7b2',
  green: '#59a14f',
  yellow: '#edc948',
  purple: '#b07aa1',
  pink: '#ff9da7',
  brown: '#9c755f',
  grey: '#bab0ac',
} as const;

/** Fixed colour of each synthetic task, by the rule name of its target feature (docs/study.md task list). */
export const TOY_TASK_COLOURS: Readonly<Record<string, string>> = {
  'contains-1': TABLEAU10.blue,
  'first-last': TABLEAU10.orange,
  'prefix-duplicate': TABLEAU10.green,
  'contains-first': TABLEAU10.brown,
  'adjacent-duplicate': TABLEAU10.purple,
};

/** Fixed colour of each language task, by the task id of the authors' code (docs/study.md: 1, 2, 5, 22, 23 in the figures). */
export const LANGUAGE_TASK_COLOURS: Readonly<Record<number, string>> = {
  1: TABLEAU10.blue,
  2: TABLEAU10.orange,
  5: TABLEAU10.green,
  22: TABLEAU10.red,
  23: TABLEAU10.purple,
  0: TABLEAU10.teal,
  6: TABLEAU10.yellow,
  8: TABLEAU10.pink,
  9: TABLEAU10.brown,
  12: TABLEAU10.grey,
};

/** Extra colours for task names that match no known task (Tableau 20's darker tones, unused above). */
const FALLBACK_COLOURS = ['#1f77b4', '#8c564b', '#2ca02c', '#d62728', '#9467bd', '#17becf', '#7f7f7f', '#bcbd22'];

/**
 * The fixed colour of a task. A name that contains a synthetic rule name (`first-last`,
 * `2 first-last`, `toy/first-last`) gets that rule's colour; otherwise the first integer in the
 * name is looked up as a language task id (`task 22`, `lang-22`, `22`); otherwise the name is
 * hashed into a fallback palette, which is stable across figures but may repeat colours.
 */
export function taskColour(task: string): string {
  // Longest names first, so that a name holding two rule names picks the more specific one.
  const rules = Object.keys(TOY_TASK_COLOURS).sort((a, b) => b.length - a.length);
  const rule = rules.find((r) => task.includes(r));
  if (rule !== undefined) return TOY_TASK_COLOURS[rule];
  const id = /\d+/.exec(task);
  if (id !== null && LANGUAGE_TASK_COLOURS[Number(id[0])] !== undefined) return LANGUAGE_TASK_COLOURS[Number(id[0])];
  return FALLBACK_COLOURS[fnv1a(task) % FALLBACK_COLOURS.length];
}

/** A Vega-Lite colour scale for `tasks` in the given order, each task in its fixed colour. */
export function taskColourScale(tasks: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(tasks)];
  return { domain, range: domain.map(taskColour) };
}

/** The four partitions of Lovering et al. (2021), in the order the figures show them. */
export const PARTITION_ORDER: readonly Partition[] = ['s_only', 't_only', 'neither', 'both'];

/** Display label of each partition (the code's `s_only` reads `s-only` on a figure). */
export const PARTITION_LABELS: Readonly<Record<Partition, string>> = {
  s_only: 's-only',
  t_only: 't-only',
  neither: 'neither',
  both: 'both',
};

/** Fixed colour of each partition (ColorBrewer tones distinct from the task colours). */
export const PARTITION_COLOURS: Readonly<Record<Partition, string>> = {
  s_only: '#e6550d',
  t_only: '#3182bd',
  neither: '#969696',
  both: '#756bb1',
};

/** 32-bit FNV-1a hash of a string; small and stable, for picking fallback colours. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
