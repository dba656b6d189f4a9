import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeHtml,
  formatColumn,
  formatNumber,
  htmlTable,
  isDataFrameLike,
  tableFromDataFrame,
  tableFromRows,
  textTable,
} from '../../src/viz/table';

describe('floating-point noise', () => {
  it('prints numbers below 1e-12 in magnitude as 0, alone and in a column', () => {
    assert.equal(formatNumber(-1.3877787807814457e-17), '0');
    assert.equal(formatNumber(9.9e-13), '0');
    assert.equal(formatNumber(-0), '0');
    assert.deepEqual(formatColumn([0.5, -1.39e-17, 0.25]), ['0.50', '0.00', '0.25']);
    assert.deepEqual(formatColumn([3, 2.2e-16]), ['3', '0']);
  });

  it('keeps numbers from 1e-12 on', () => {
    assert.equal(formatNumber(1e-12), '1.00e-12');
    assert.equal(formatNumber(-2.5e-11), '-2.50e-11');
  });
});

describe('empty tables', () => {
  const empty = tableFromRows([]);

  it('say "no rows: no results" under the title by default, in HTML and text', () => {
    const html = htmlTable(empty, { title: 'H1 per task' });
    assert.ok(html.includes('H1 per task') && html.includes('no rows: no results'), html);
    assert.ok(!html.includes('<caption') && !html.includes('<thead'), 'no squashed caption over an empty header');
    assert.equal(textTable(empty, { title: 'H1 per task' }), 'H1 per task\nno rows: no results');
    assert.equal(textTable(empty), 'no rows: no results');
  });

  it('give the reason the caller passes, escaped in HTML', () => {
    assert.equal(textTable({ columns: ['task', 'rho'], rows: [] }, { emptyReason: 'every run was filtered out' }), 'no rows: every run was filtered out');
    assert.ok(htmlTable(empty, { emptyReason: 'rate < 0.1' }).includes('no rows: rate &lt; 0.1'));
  });
});

describe('formatNumber', () => {
  it('writes non-integers to `digits` significant digits, without trailing zeros', () => {
    assert.equal(formatNumber(0.81234), '0.812');
    assert.equal(formatNumber(0.81234, 2), '0.81');
    assert.equal(formatNumber(-12.5), '-12.5');
    assert.equal(formatNumber(0.00012), '0.00012');
    assert.equal(formatNumber(99.99), '100');
  });

  it('writes integers in full, grouping thousands from 10,000 on', () => {
    assert.equal(formatNumber(7), '7');
    assert.equal(formatNumber(2024), '2024');
    assert.equal(formatNumber(200000), '200,000');
    assert.equal(formatNumber(-1234567), '-1,234,567');
    assert.equal(formatNumber(0), '0');
  });

  it('switches to exponent notation from 1e6 on and where more than 6 decimals would be needed', () => {
    assert.equal(formatNumber(1234567.5), '1.23e+6');
    assert.equal(formatNumber(1e-9), '1.00e-9');
  });

  it('names non-finite values', () => {
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '-∞');
  });
});

describe('formatColumn', () => {
  it('gives every number of a column the decimals that its most demanding number needs', () => {
    assert.deepEqual(formatColumn([0, 0.001, 0.05, 0.5]), ['0.000', '0.001', '0.050', '0.500']);
    assert.deepEqual(formatColumn([1, 0.5, 2]), ['1.0', '0.5', '2.0']);
  });

  it('never rounds a number to a different first digit, even with digits < 1', () => {
    assert.deepEqual(formatColumn([0.001, 0.5], 0), ['0.001', '0.500']);
  });

  it('keeps integer columns integer, and shows empty, boolean and object cells', () => {
    assert.deepEqual(formatColumn([1, 20000, null]), ['1', '20,000', '']);
    assert.deepEqual(formatColumn([true, undefined, { a: 1 }, 'x']), ['true', '', '{"a":1}', 'x']);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('htmlTable', () => {
  const table = tableFromRows([
    { task: '<script>alert(1)</script>', mean: 0.81234, n: 200000 },
    { task: 'first-last', mean: 1, n: 7 },
  ]);

  it('escapes cell text, headers and the caption', () => {
    const html = htmlTable(tableFromRows([{ '<h>': '<b>x</b>' }]), { title: 'a < b' });
    assert.ok(!html.includes('<b>x</b>') && html.includes('&lt;b&gt;x&lt;/b&gt;'));
    assert.ok(html.includes('<th style="text-align:left">&lt;h&gt;</th>'));
    assert.ok(html.includes('a &lt; b</caption>'));
    assert.ok(!htmlTable(table).includes('<script>'));
  });

  it('formats numbers and right-aligns numeric columns', () => {
    const html = htmlTable(table);
    assert.ok(html.includes('<td style="text-align:right">0.812</td>'));
    assert.ok(html.includes('<td style="text-align:right">1.000</td>'), 'same decimals down a column');
    assert.ok(html.includes('<td style="text-align:right">200,000</td>'));
    assert.ok(html.includes('<td style="text-align:left">first-last</td>'));
  });

  it('shows at most maxRows rows and says how many are left out', () => {
    const many = tableFromRows(Array.from({ length: 12 }, (_, i) => ({ i })));
    const html = htmlTable(many, { maxRows: 5 });
    assert.equal(html.match(/<tr>/g)?.length, 1 + 5 + 1);
    assert.ok(html.includes('7 more rows (12 in all)'));
  });
});

describe('textTable', () => {
  it('pads columns, right-aligns numbers and puts the title first', () => {
    const text = textTable(tableFromRows([{ task: 'a', mean: 0.5 }, { task: 'bcd', mean: 12.25 }]), { title: 'T' });
    assert.equal(text, ['T', 'task  mean', '----  ----', 'a      0.5', 'bcd   12.3'].join('\n'));
  });
});

describe('table inputs', () => {
  it('takes the union of row keys in first-seen order, leaving missing cells empty', () => {
    assert.deepEqual(tableFromRows([{ a: 1 }, { b: 2, a: 3 }]), { columns: ['a', 'b'], rows: [[1, undefined], [3, 2]] });
  });

  it('reads DataFrame-shaped objects, including one-column frames with flat values', () => {
    const df = { columns: ['a', 'b'], values: [[1, 'x'], [2, 'y']] };
    assert.ok(isDataFrameLike(df));
    assert.ok(!isDataFrameLike([{ a: 1 }]));
    assert.deepEqual(tableFromDataFrame(df).rows, [[1, 'x'], [2, 'y']]);
    assert.deepEqual(tableFromDataFrame({ columns: ['a'], values: [1, 2] }).rows, [[1], [2]]);
  });
});
