import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { figuresPath } from '../../src/io/paths';
import {
  ProgressDisplay,
  figurePath,
  formatDuration,
  md,
  progressLine,
  showChart,
  showMarkdown,
  showTable,
  tableHtml,
  toTableData,
} from '../../src/viz/notebook_display';
import { lineChart } from '../../src/viz/specs';

// tslab's public display writes through this hook, which only a running kernel sets.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const jupyter: { lastWriteDisplayData: unknown } = require('tslab/dist/jupyter');

interface DisplayMessage {
  data: Record<string, string>;
  transient: { display_id?: string };
  update: boolean;
}

/** Pretends to be a tslab kernel for the duration of `fn`; returns the display messages it sent. */
async function inKernel(fn: () => Promise<void> | void): Promise<DisplayMessage[]> {
  const sent: DisplayMessage[] = [];
  jupyter.lastWriteDisplayData = (msg: Omit<DisplayMessage, 'update'>, update: boolean) => sent.push({ ...msg, update });
  try {
    await fn();
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
  return sent;
}

const spec = lineChart([{ x: 1, y: 0.5 }, { x: 2, y: 0.25 }], { xTitle: 'epoch', yTitle: 'loss (nats)', title: 'Probe loss' });

let printed: string[];
beforeEach(() => {
  printed = [];
  mock.method(console, 'log', (...args: unknown[]) => printed.push(args.join(' ')));
});
afterEach(() => mock.restoreAll());

describe('showChart', () => {
  it('outside a kernel prints a one-line note instead of throwing', async () => {
    assert.equal(await showChart(spec), undefined);
    assert.deepEqual(printed, ['[chart] Probe loss']);
  });

  it('with saveAs writes the SVG and PNG and names them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-'));
    try {
      await showChart(spec, { saveAs: path.join(dir, 'loss') });
      assert.ok(fs.readFileSync(path.join(dir, 'loss.svg'), 'utf8').includes('>Probe loss<'));
      assert.ok(fs.existsSync(path.join(dir, 'loss.png')));
      assert.equal(printed[0], `[chart] Probe loss -> ${path.join(dir, 'loss.svg')}, ${path.join(dir, 'loss.png')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in a kernel shows the SVG as image/svg+xml and prints nothing', async () => {
    const sent = await inKernel(async () => {
      await showChart(spec);
    });
    assert.equal(sent.length, 1);
    assert.ok(sent[0].data['image/svg+xml'].includes('>Probe loss<'));
    assert.deepEqual(printed, []);
  });
});

describe('figurePath', () => {
  it('keeps an absolute path without its extension and refuses a bare name (viz is told where figures live)', () => {
    assert.equal(figurePath(`${figuresPath('rl_partitions')}.svg`), figuresPath('rl_partitions'));
    assert.equal(figurePath('/tmp/x'), '/tmp/x');
    assert.throws(() => figurePath('rl_partitions'), { message: "saveAs: 'rl_partitions' is not an absolute path; expected e.g. figuresPath('rl_partitions') from src/io/paths" });
  });
});

describe('showTable', () => {
  const rows = [
    { task: '<i>first-last</i>', mean: 0.81234 },
    { task: 'contains-1', mean: 1 },
  ];

  it('outside a kernel prints an aligned text table (and returns nothing for tslab to echo)', () => {
    assert.equal(showTable(rows, { title: 'Means' }), undefined);
    assert.equal(printed.length, 1);
    assert.equal(printed[0], ['Means', 'task                mean', '-----------------  -----', '<i>first-last</i>  0.812', 'contains-1         1.000'].join('\n'));
  });

  it('gives escaped HTML with formatted numbers', () => {
    const html = tableHtml(rows);
    assert.ok(html.includes('&lt;i&gt;first-last&lt;/i&gt;') && html.includes('>0.812<') && !html.includes('<i>'));
  });

  it('in a kernel shows the HTML table', async () => {
    const sent = await inKernel(() => {
      showTable(rows, { digits: 1 });
    });
    assert.equal(sent.length, 1);
    assert.ok(sent[0].data['text/html'].startsWith('<table') && sent[0].data['text/html'].includes('>0.8<'));
  });

  it('reads plain rows directly and DataFrame-shaped input through its columns', () => {
    assert.equal(toTableData(rows).via, 'rows');
    const df = toTableData({ columns: ['a'], values: [[1], [2]] });
    assert.equal(df.via, 'dataframe');
    assert.deepEqual(df.table.rows, [[1], [2]]);
  });
});

describe('showMarkdown and md', () => {
  it('formats numbers like tables do', () => {
    assert.equal(md`rho = ${0.81234}, n = ${20000}, task ${'first-last'}`, 'rho = 0.812, n = 20,000, task first-last');
  });

  it('prints Markdown outside a kernel and sends text/markdown in one', async () => {
    showMarkdown('**H1** holds');
    assert.deepEqual(printed, ['**H1** holds']);
    const sent = await inKernel(() => showMarkdown('**H2**'));
    assert.deepEqual(sent[0].data, { 'text/markdown': '**H2**' });
  });
});

describe('ProgressDisplay', () => {
  it('prints at most one line per interval, plus label changes and the final count', async () => {
    let t = 0;
    const lines: string[] = [];
    const progress = new ProgressDisplay({ intervalMs: 1000, now: () => t, print: (l) => lines.push(l), emit: () => undefined });
    for (let done = 0; done <= 10; done++) {
      t = done * 300;
      progress.update({ done, total: 10, label: done < 5 ? 'task 1' : 'task 2' });
    }
    await progress.flush();
    assert.deepEqual(lines, [
      'task 1: 0/10 (0%), 0s elapsed',
      'task 1: 4/10 (40%), 1s elapsed, ETA 2s',
      'task 2: 5/10 (50%), 2s elapsed, ETA 2s',
      'task 2: 9/10 (90%), 3s elapsed, ETA 0s',
      'task 2: 10/10 (100%), 3s elapsed',
    ]);
  });

  it('shows the last update on flush even when it was throttled', async () => {
    const lines: string[] = [];
    const progress = new ProgressDisplay({ intervalMs: 1e9, now: () => 0, print: (l) => lines.push(l), emit: () => undefined });
    progress.update({ done: 1, total: 10, label: 'x' });
    progress.update({ done: 2, total: 10, label: 'x' });
    await progress.flush();
    assert.deepEqual(lines, ['x: 1/10 (10%), 0s elapsed, ETA 0s', 'x: 2/10 (20%), 0s elapsed, ETA 0s']);
  });

  it('in a kernel updates one display in place, adding the chart once it is rendered', async () => {
    const sent = await inKernel(async () => {
      const progress = new ProgressDisplay({ intervalMs: 0 });
      progress.update({ done: 1, total: 3, label: 'PPO <run>' });
      progress.update({ done: 2, total: 3, label: 'PPO <run>', chartSpec: spec });
      progress.update({ done: 3, total: 3, label: 'PPO <run>', chartSpec: spec });
      await progress.flush();
    });
    const ids = new Set(sent.map((m) => m.transient.display_id));
    assert.equal(ids.size, 1);
    assert.ok([...ids][0] !== undefined);
    assert.deepEqual(sent.map((m) => m.update === true), [false, ...sent.slice(1).map(() => true)]);
    const last = sent[sent.length - 1].data['text/html'];
    assert.ok(last.includes('<progress value="3" max="3"') && last.includes('<b>PPO &lt;run&gt;</b>: 3/3 (100%)'));
    assert.ok(last.includes('>Probe loss<'), 'chart in the final display');
    assert.deepEqual(printed, []);
  });

  it('rethrows a chart rendering error from flush', async () => {
    await inKernel(async () => {
      const progress = new ProgressDisplay({ intervalMs: 0 });
      progress.update({ done: 1, total: 2, label: 'x', chartSpec: { data: { values: [] } } as never });
      await assert.rejects(progress.flush(), /Invalid specification/);
    });
  });
});

describe('ProgressDisplay on a busy kernel socket', () => {
  const busy = () => Object.assign(new Error('Socket is busy writing; only one send operation may be in progress at any time'), { code: 'EBUSY' });

  it('never throws on EBUSY, retries, coalesces waiting updates and delivers the last one', async () => {
    let refusals = 3;
    const sent: DisplayMessage[] = [];
    jupyter.lastWriteDisplayData = (msg: Omit<DisplayMessage, 'update'>, update: boolean) => {
      if (update && refusals > 0) {
        refusals--;
        throw busy();
      }
      sent.push({ ...msg, update });
    };
    try {
      const progress = new ProgressDisplay({ intervalMs: 0, emit: () => undefined });
      for (let done = 1; done <= 5; done++) progress.update({ done, total: 5, label: 'grid' }); // synchronous burst while busy
      await progress.flush();
      showMarkdown('after'); // the socket is free again: no EBUSY reaches the cell
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
    const updates = sent.filter((m) => m.update);
    assert.equal(updates.length, 1, 'the four waiting states collapse into the newest one');
    assert.ok(updates[0].data['text/html'].includes('<b>grid</b>: 5/5 (100%)'));
    assert.deepEqual(sent[sent.length - 1].data, { 'text/markdown': 'after' });
  });

  it('queues a table refused with EBUSY behind the waiting progress update, in order', async () => {
    let refusals = 1;
    const sent: string[] = [];
    jupyter.lastWriteDisplayData = (msg: Omit<DisplayMessage, 'update'>) => {
      if (refusals > 0) {
        refusals--;
        throw busy();
      }
      sent.push(Object.keys(msg.data)[0]);
    };
    try {
      showMarkdown('first');
      showTable([{ a: 1 }]);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
    assert.deepEqual(sent, ['text/markdown', 'text/html']);
  });
});

describe('ProgressDisplay over a resumed grid', () => {
  it('counts reused runs, takes the ETA from computed runs only and says once how many were stored', async () => {
    let t = 0;
    const lines: string[] = [];
    const emitted: string[] = [];
    const progress = new ProgressDisplay({ intervalMs: 0, now: () => t, print: (l) => lines.push(l), emit: (l) => emitted.push(l) });
    progress.update({ done: 1, total: 4, reused: 1, label: 'a' });
    progress.update({ done: 2, total: 4, reused: 2, label: 'b' });
    t = 10_000;
    progress.update({ done: 3, total: 4, label: 'c' }); // computed: reused stays 2
    t = 12_000;
    progress.update({ done: 4, total: 4, reused: 2, label: 'd' });
    await progress.flush();
    assert.deepEqual(lines, [
      'a: 1/4 (25%), 1 reused, 0s elapsed',
      'b: 2/4 (50%), 2 reused, 0s elapsed',
      'resumed: 2 of 4 runs already in the store',
      'c: 3/4 (75%), 2 reused, 10s elapsed, ETA 10s',
      'd: 4/4 (100%), 2 reused, 12s elapsed',
    ]);
    assert.deepEqual(emitted, lines, 'the headless runner gets the same lines');
  });

  it('counts runs of stepped grids in the resumed line', async () => {
    const lines: string[] = [];
    const progress = new ProgressDisplay({ intervalMs: 0, print: (l) => lines.push(l), emit: () => undefined });
    progress.update({ done: 11, total: 33, reused: 11, unitsPerRun: 11, label: 'r1: reused' });
    progress.update({ done: 12, total: 33, reused: 11, unitsPerRun: 11, label: 'r2: block 1/11' });
    await progress.flush();
    assert.ok(lines.includes('resumed: 1 of 3 runs already in the store'));
  });
});

describe('progress text', () => {
  it('writes durations as s, m and h', () => {
    assert.deepEqual([formatDuration(4400), formatDuration(185000), formatDuration(3725000)], ['4s', '3m05s', '1h02m']);
  });

  it('gives counts, percent, elapsed time and ETA', () => {
    assert.equal(progressLine({ done: 25, total: 100, label: 'grid' }, 10000), 'grid: 25/100 (25%), 10s elapsed, ETA 30s');
  });
});
