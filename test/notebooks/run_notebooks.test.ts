import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyKatex, outputPaths, parseRunnerArgs, resolvePreset, selectNotebooks } from '../../src/notebooks/run_notebooks';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'notebooks');
const VENV_PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

describe('parseRunnerArgs', () => {
  it('reads names, preset, overrides, --no-html, --dir and --timeout', () => {
    const opts = parseRunnerArgs(['01', '02_x.ipynb', '--preset', 'smoke', '--overrides', '{"seeds":[0]}', '--no-html', '--dir', '/tmp/nb', '--timeout', '30'], {});
    assert.deepEqual(opts, { names: ['01', '02_x'], preset: 'smoke', overrides: '{"seeds":[0]}', html: false, dir: '/tmp/nb', cellTimeoutS: 30 });
  });

  it('gives cells a 600 s limit under the smoke preset (flag or STUDY_PRESET) and none otherwise', () => {
    assert.equal(parseRunnerArgs(['--preset', 'smoke'], {}).cellTimeoutS, 600);
    assert.equal(parseRunnerArgs([], { STUDY_PRESET: 'smoke' }).cellTimeoutS, 600);
    assert.equal(parseRunnerArgs(['--preset', 'laptop'], {}).cellTimeoutS, 0);
  });

  it('rejects a bad preset, bad overrides JSON, a bad timeout and unknown flags, naming the flag', () => {
    assert.throws(() => parseRunnerArgs(['--preset', 'huge'], {}), /--preset: 'huge' is not allowed; expected one of 'smoke', 'laptop', 'paper'/);
    assert.throws(() => parseRunnerArgs(['--overrides', '[1]'], {}), /--overrides: \[1\] is not allowed/);
    assert.throws(() => parseRunnerArgs(['--overrides', '{bad'], {}), /--overrides: not valid JSON/);
    assert.throws(() => parseRunnerArgs(['--timeout', 'soon'], {}), /--timeout: 'soon' is not a number/);
    assert.throws(() => parseRunnerArgs(['--timeout'], {}), /--timeout: needs a value/);
    assert.throws(() => parseRunnerArgs(['--fast'], {}), /--fast: unknown option/);
  });
});

describe('output paths', () => {
  it('puts executed copies and reports under the preset, which defaults to STUDY_PRESET, then laptop', () => {
    assert.deepEqual(outputPaths('/nb', 'smoke', '01_a'), {
      executed: path.join('/nb', 'executed', 'smoke', '01_a.ipynb'),
      report: path.join('/nb', 'reports', 'smoke', '01_a.html'),
      reportsDir: path.join('/nb', 'reports', 'smoke'),
    });
    assert.equal(resolvePreset({ preset: 'paper' }, { STUDY_PRESET: 'smoke' }), 'paper');
    assert.equal(resolvePreset({}, { STUDY_PRESET: 'smoke' }), 'smoke');
    assert.equal(resolvePreset({}, {}), 'laptop');
    assert.throws(() => resolvePreset({}, { STUDY_PRESET: 'huge' }), /STUDY_PRESET: 'huge' is not allowed; expected one of 'smoke', 'laptop', 'paper'/);
  });

  it('copies KaTeX (scripts, stylesheet and every woff2 font its stylesheet names) beside the reports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'katex-copy-'));
    try {
      const katex = copyKatex(dir);
      assert.equal(katex, path.join(dir, 'katex'));
      for (const f of ['katex.min.js', 'katex.min.css', 'contrib/auto-render.min.js']) assert.ok(fs.existsSync(path.join(katex, f)), f);
      const css = fs.readFileSync(path.join(katex, 'katex.min.css'), 'utf8');
      const fonts = [...css.matchAll(/url\((fonts\/[^)]+\.woff2)\)/g)].map((m) => m[1]);
      assert.ok(fonts.length >= 10, 'the stylesheet names woff2 fonts');
      for (const f of fonts) assert.ok(fs.existsSync(path.join(katex, f)), f);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('selectNotebooks', () => {
  const files = ['02_b.ipynb', '01_a.ipynb', 'README.md', 'scratch.ipynb', '10_c.ipynb', 'executed'];

  it('takes every NN_*.ipynb in order when no names are given', () => {
    assert.deepEqual(selectNotebooks(files, []), ['01_a.ipynb', '02_b.ipynb', '10_c.ipynb']);
  });

  it('matches names as file-name prefixes and keeps file order', () => {
    assert.deepEqual(selectNotebooks(files, ['10', '01_a']), ['01_a.ipynb', '10_c.ipynb']);
  });

  it('rejects a name that matches no notebook, listing the notebooks', () => {
    assert.throws(() => selectNotebooks(files, ['03']), /notebook '03': no match; expected a prefix of 01_a.ipynb, 02_b.ipynb, 10_c.ipynb/);
  });
});

// Runs the real runner (tsx -> .venv python -> nbclient -> tslab kernel) on the two fixture
// notebooks: 01 imports from ./src and displays an SVG and a PNG; 02's second cell throws.
// They run from a folder under .cache/ that has a `src` link, as notebooks/ does.
describe('run_notebooks (end to end, ~10 s)', { skip: !fs.existsSync(VENV_PYTHON) && !process.env.CI ? 'no .venv: run npm run setup' : false }, () => {
  let dir = '';
  let run: { status: number | null; output: string };

  before(() => {
    fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
    dir = fs.mkdtempSync(path.join(ROOT, '.cache', 'test-notebooks-'));
    for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    fs.symlinkSync(path.join(ROOT, 'src'), path.join(dir, 'src'));
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'notebooks', 'run_notebooks.ts'), '--dir', dir, '01', '02', '--preset', 'smoke'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    run = { status: res.status, output: `${res.stdout}\n${res.stderr}` };
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const executed = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'executed', 'smoke', `${name}.ipynb`), 'utf8'));
  const outputsOf = (cell: { outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown> }[] }) => cell.outputs ?? [];
  const textOf = (v: unknown) => (Array.isArray(v) ? v.join('') : String(v ?? ''));

  it('runs the passing notebook: its src import works and its SVG and PNG are in the notebook and the HTML', () => {
    assert.match(run.output, /✓ 01_display_svg /, run.output);
    const cells = executed('01_display_svg').cells;
    const stdout = cells.flatMap(outputsOf).map((o: { text?: unknown }) => textOf(o.text)).join('');
    assert.match(stdout, /^backend (tensorflow|wasm|cpu) /m);
    if (process.env.CI && !process.env.STUDY_BACKEND) assert.match(stdout, /^backend tensorflow /m, 'CI must run notebooks on the native backend');
    assert.match(stdout, /^uniform 0\.\d{6}$/m);
    const data = cells.flatMap(outputsOf).map((o: { data?: Record<string, unknown> }) => o.data ?? {});
    assert.ok(data.some((d: Record<string, unknown>) => textOf(d['image/svg+xml']).includes('fixture-square-4711')), 'SVG output missing');
    assert.ok(data.some((d: Record<string, unknown>) => textOf(d['image/png']).startsWith('iVBORw0KGgo')), 'PNG output missing');
    // nbconvert embeds SVG as a base64 <img> (each figure isolated, so ids inside SVGs never clash).
    const html = fs.readFileSync(path.join(dir, 'reports', 'smoke', '01_display_svg.html'), 'utf8');
    const svgImages = [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
    assert.ok(svgImages.some((svg) => svg.includes('<svg') && svg.includes('fixture-square-4711')), 'SVG not rendered in the HTML report');
    assert.match(html, /src="data:image\/png;base64,iVBORw0KGgo/);
  });

  it('writes a report that loads nothing from the network and typesets formulas with the local KaTeX copy', () => {
    const html = fs.readFileSync(path.join(dir, 'reports', 'smoke', '01_display_svg.html'), 'utf8');
    const loaded = [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]);
    assert.deepEqual(loaded.filter((u) => /^(https?:)?\/\//i.test(u)), [], 'no http(s) script, stylesheet or image');
    assert.ok(!/mathjax|require\.min\.js|mermaid\.esm/i.test(html), 'no MathJax, require.js or mermaid from a CDN');
    assert.ok(loaded.includes('katex/katex.min.js') && loaded.includes('katex/katex.min.css') && loaded.includes('katex/contrib/auto-render.min.js'), loaded.join(' '));
    assert.match(html, /\$\$E = mc\^2\$\$/, 'the formula stays in the markdown for KaTeX to typeset');
    assert.match(html, /renderMathInElement\(document\.body/);
    assert.ok(fs.existsSync(path.join(dir, 'reports', 'smoke', 'katex', 'katex.min.js')));
  });

  it('stops at the failing cell, exits non-zero and prints the cell index, its source and the real error', () => {
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /FAILED at cell index 1 \(code cell 2 of 3/);
    assert.match(run.output, /^Error: deliberate failure 4711$/m);
    assert.match(run.output, /throw new Error\('deliberate failure 4711'\);/);
    assert.match(run.output, /✗ 02_deliberate_failure failed/);
  });

  it('still saves the partly executed notebook, with nothing run after the failing cell', () => {
    const cells = executed('02_deliberate_failure').cells;
    assert.equal(textOf(outputsOf(cells[0])[0]?.text), 'first cell ran\n');
    assert.ok(outputsOf(cells[1]).some((o) => o.output_type === 'stream' && textOf(o.text).includes('deliberate failure 4711')));
    assert.deepEqual(outputsOf(cells[2]), []);
  });
});
