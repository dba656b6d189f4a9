import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TopLevelSpec } from 'vega-lite';
import type { Partition } from '../../src/tasks/types';
import { compileWithWarnings, renderSvg } from '../../src/viz/render';
import {
  featureUseStripChart,
  RATE_SYMLOG_CONSTANT,
  extractabilityChart,
  h1ScatterChart,
  lineChart,
  mdlCurveChart,
  partitionCountsChart,
  partitionRewardChart,
} from '../../src/viz/specs';
import { taskColour } from '../../src/viz/theme';

const RATES = [0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5];
const TASKS = ['contains-1', 'first-last'];
const PARTITIONS: Partition[] = ['s_only', 't_only', 'neither', 'both'];

/** Compiles without Vega-Lite warnings, renders, and returns the SVG. */
async function render(spec: TopLevelSpec): Promise<string> {
  const { warnings } = compileWithWarnings(spec);
  assert.deepEqual(warnings, [], 'Vega-Lite warnings');
  const svg = await renderSvg(spec);
  assert.ok(svg.startsWith('<svg'), 'SVG output');
  return svg;
}

/** Every object in a JSON tree. */
function objects(node: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => objects(n, out));
  else if (typeof node === 'object' && node !== null) {
    out.push(node as Record<string, unknown>);
    Object.values(node).forEach((n) => objects(n, out));
  }
  return out;
}

/** The x translation of the first text element whose content is exactly `label`. */
function labelX(svg: string, label: string): number {
  const m = new RegExp(`<text[^>]*transform="translate\\(([-\\d.e]+),[^>]*>${label.replace(/\./g, '\\.')}</text>`).exec(svg);
  assert.ok(m, `label ${label} not found`);
  return Number(m[1]);
}

/** Heights in px of the bar marks, in data order (Vega draws a bar as `M x,y h w v height h -w Z`). */
function barHeights(svg: string): number[] {
  return [...svg.matchAll(/aria-roledescription="bar" d="M[^h]*h[^v]*v([^h]*)h/g)].map((m) => Number(m[1]));
}

const rewardRows = TASKS.flatMap((task, t) =>
  PARTITIONS.flatMap((partition) =>
    RATES.map((rate) => ({ task, rate, partition, mean: 0.3 + 0.1 * t + rate, lo: 0.25 + rate, hi: 0.45 + 0.1 * t + rate })),
  ),
);

describe('partitionCountsChart', () => {
  const rows = RATES.flatMap((rate) => [
    { rate, partition: 'both' as const, count: Math.round(1000 * (1 - rate)) },
    { rate, partition: 'neither' as const, count: Math.round(1000 * (1 - rate)) },
    { rate, partition: 's_only' as const, count: Math.round(2000 * rate) },
  ]);

  it('renders one bar per rate and partition, with counts, rates and partition names as text', async () => {
    const svg = await render(partitionCountsChart(rows));
    assert.equal((svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? []).length, rows.length);
    for (const text of ['s-only rate p', 'examples (count)', 's-only', 'neither', 'both', '0.001', '1,000', '200']) {
      assert.ok(svg.includes(`>${text}<`), `missing text ${text}`);
    }
  });

  it('drops zero counts on a log axis and draws the others from the axis up, shortest for the smallest count', async () => {
    const tOnly = RATES.map((rate) => ({ rate, partition: 't_only' as const, count: 0 }));
    const svg = await render(partitionCountsChart([...rows, ...tOnly], { logY: true }));
    assert.ok(!svg.includes('>t-only<'), 'an all-zero partition has no legend entry');
    const heights = barHeights(svg);
    assert.equal(heights.length, rows.length - 1);
    assert.ok(heights.every((h) => Number.isFinite(h) && h > 0), `bar heights ${heights}`);
    // s-only at rate 0.001 has 2 examples, the smallest count, and so the shortest bar.
    assert.equal(Math.min(...heights), heights[rows.filter((r) => r.count > 0).findIndex((r) => r.count === 2)]);
  });

  it('rejects an unknown partition and a rate outside [0, 1], naming the row', () => {
    assert.throws(() => partitionCountsChart([{ rate: 0, partition: 'weak' as Partition, count: 1 }]), /rows\[0\]\.partition: 'weak'/);
    assert.throws(() => partitionCountsChart([{ rate: 1.5, partition: 'both', count: 1 }]), /rows\[0\]\.rate: 1\.5 is outside \[0, 1\]/);
  });
});

describe('partitionRewardChart', () => {
  it('draws four panels in the order s-only, t-only, neither, both', async () => {
    const svg = await render(partitionRewardChart(rewardRows));
    const at = ['s-only', 't-only', 'neither', 'both'].map((p) => svg.indexOf(`>${p}</text>`));
    assert.ok(at.every((i) => i >= 0), 'panel headers');
    assert.deepEqual([...at].sort((a, b) => a - b), at);
    for (const text of [...TASKS, 'mean reward (95% CI)', 's-only rate p (symlog scale)']) assert.ok(svg.includes(`>${text}<`), text);
  });

  it('puts the rate on a symlog axis with constant 0.001, so 0.001 sits ln 2 / ln 501 of the way to 0.5', async () => {
    const { spec } = compileWithWarnings(partitionRewardChart(rewardRows));
    const scales = objects(spec).filter((o) => o.type === 'symlog');
    assert.ok(scales.length > 0 && scales.every((s) => s.constant === RATE_SYMLOG_CONSTANT));
    const svg = await renderSvg(partitionRewardChart(rewardRows));
    const frac = (labelX(svg, '0.001') - labelX(svg, '0')) / (labelX(svg, '0.5') - labelX(svg, '0'));
    assert.ok(Math.abs(frac - Math.log(2) / Math.log(501)) < 1e-6, `fraction ${frac}`);
  });

  it('draws a 95% band and a line per task and panel, in the task colours', async () => {
    const svg = await render(partitionRewardChart(rewardRows));
    assert.equal((svg.match(/aria-roledescription="area mark"/g) ?? []).length, TASKS.length * 4);
    for (const task of TASKS) assert.ok(svg.includes(taskColour(task)), task);
  });

  it('rejects a non-finite bound, naming the row and field', () => {
    assert.throws(() => partitionRewardChart([{ ...rewardRows[0], hi: NaN }]), /partitionRewardChart: rows\[0\]\.hi: NaN is not a finite number/);
  });
});

describe('extractabilityChart', () => {
  const rows = [
    { task: 'contains-1', ratio: 0.5, lo: 0.45, hi: 0.55 },
    { task: 'first-last', ratio: 2.5, lo: 2.2, hi: 2.8 },
  ];

  it('draws bars from 1 on a log axis, with values, task names and the axis title', async () => {
    const spec = extractabilityChart(rows);
    const { spec: vg } = compileWithWarnings(spec);
    assert.ok(objects(vg).some((o) => o.name === 'x' && o.type === 'log'));
    const svg = await render(spec);
    for (const text of ['contains-1', 'first-last', '0.50', '2.50', 'relative extractability MDL(s) / MDL(t) (log scale; &gt; 1: t easier)']) {
      assert.ok(svg.includes(`>${text}<`), text);
    }
    // The bar of a ratio below 1 ends at 1, where the bar above 1 starts.
    assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, 2);
  });

  it('rejects ratios that a log axis cannot show', () => {
    assert.throws(() => extractabilityChart([{ task: 'a', ratio: 0, lo: 0.1, hi: 1 }]), /rows\[0\]\.ratio: 0 is not > 0/);
  });
});

describe('mdlCurveChart', () => {
  const rows = TASKS.flatMap((task) =>
    ['s', 't'].flatMap((feature) => Array.from({ length: 11 }, (_, b) => ({ task, feature, block: b + 1, bitsPerExample: 1 / (b + 1) }))),
  );

  it('draws one line per task and feature, with the uniform-code reference and labelled features', async () => {
    const svg = await render(mdlCurveChart(rows));
    assert.equal((svg.match(/aria-roledescription="line mark"/g) ?? []).length, 4);
    for (const text of ['codelength (bits per example)', 'uniform code (1 bit)', 's (spurious)', 't (target)', ...TASKS]) {
      assert.ok(svg.includes(`>${text}<`), text);
    }
  });
});

describe('h1ScatterChart', () => {
  const points = [
    { task: 'contains-1', relMdl: 0.5, score: 0.2, lo: 0.1, hi: 0.3 },
    { task: 'first-last', relMdl: 3, score: 0.9 },
  ];
  const curve = Array.from({ length: 20 }, (_, i) => ({ relMdl: 0.4 * 10 ** (i / 19), score: i / 19 }));

  it('draws labelled points, error bars and the curve on a log x axis', async () => {
    const spec = h1ScatterChart({ points, curve }, { subtitle: 'Spearman rho = 1.000' });
    const { spec: vg } = compileWithWarnings(spec);
    assert.ok(objects(vg).some((o) => o.name === 'x' && o.type === 'log'));
    const svg = await render(spec);
    for (const text of [...TASKS, 'relative extractability MDL(s) / MDL(t) (log scale)', 'Spearman rho = 1.000']) {
      assert.ok(svg.includes(`>${text}<`), text);
    }
    assert.equal((svg.match(/aria-roledescription="point"/g) ?? []).length, 2);
  });

  it('rejects a point with only one error-bar end', () => {
    assert.throws(() => h1ScatterChart({ points: [{ task: 'a', relMdl: 1, score: 0.5, lo: 0.4 }], curve: [] }), /points\[0\] has only one of lo, hi/);
  });
});

describe('lineChart', () => {
  it('draws a band only where rows carry lo and hi', async () => {
    const plain = await render(lineChart([{ x: 1, y: 1 }, { x: 2, y: 0.5 }], { xTitle: 'epoch', yTitle: 'loss (nats)' }));
    assert.ok(!plain.includes('aria-roledescription="area mark"'));
    for (const text of ['epoch', 'loss (nats)', 'loss (nats) against epoch']) assert.ok(plain.includes(`>${text}<`), text);
    const banded = await render(
      lineChart(
        TASKS.flatMap((series) => [1, 2, 3].map((x) => ({ x, y: x / 4, lo: x / 4 - 0.1, hi: x / 4 + 0.1, series }))),
        { xTitle: 'PPO iteration', yTitle: 'mean reward', seriesAreTasks: true, seriesTitle: 'task', yDomain: [0, 1] },
      ),
    );
    assert.equal((banded.match(/aria-roledescription="area mark"/g) ?? []).length, 2);
    for (const task of TASKS) assert.ok(banded.includes(taskColour(task)) && banded.includes(`>${task}<`), task);
  });
});

describe('logAxisStart', () => {
  it('starts the log axis a decade below the smallest positive count', async () => {
    const { logAxisStart } = await import('../../src/viz/specs');
    assert.equal(logAxisStart([10, 500]), 1);
    assert.equal(logAxisStart([25, 500]), 10);
    assert.equal(logAxisStart([1, 500]), 0.1);
    assert.equal(logAxisStart([0, 0]), 1);
  });
});

describe('featureUseStripChart', () => {
  it('draws one point per seed, the intervals in the given task order, on a y-axis covering [0, 1]', () => {
    const spec = featureUseStripChart(
      [{ task: 'b', value: 0.2 }, { task: 'b', value: 0.9 }, { task: 'a', value: 1.1 }],
      [{ task: 'b', mean: 0.55, lo: 0.2, hi: 0.9 }, { task: 'a', mean: 1.1, lo: 1.1, hi: 1.1 }],
    ) as unknown as { layer: { data: { values: unknown[] }; encoding: { x: { sort: string[] }; y: { scale: { domain: number[] } } } }[] };
    assert.equal(spec.layer.length, 3);
    assert.equal(spec.layer[2].data.values.length, 3);
    assert.deepEqual(spec.layer[0].encoding.x.sort, ['b', 'a']);
    assert.deepEqual(spec.layer[0].encoding.y.scale.domain, [0, 1.1]);
  });

  it('names a non-finite value', () => {
    assert.throws(() => featureUseStripChart([{ task: 'a', value: NaN }], []), /featureUseStripChart: points\[0\]\.value/);
  });
});
