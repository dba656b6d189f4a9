import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG_SIGNATURE, compileToVega, renderSvg, saveFigure, svgToPixels, svgToPng, uniquifySvgIds } from '../../src/viz/render';
import { lineChart } from '../../src/viz/specs';
import { FIGURE_FONT } from '../../src/viz/theme';

const spec = lineChart(
  [
    { x: 1, y: 0.2 },
    { x: 2, y: 0.6 },
    { x: 3, y: 0.7 },
  ],
  { xTitle: 'PPO iteration', yTitle: 'mean reward' },
);

/** Pixels darker than mid-grey, in an RGBA buffer. */
function darkPixels(rgba: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] + rgba[i + 1] + rgba[i + 2] < 3 * 128) n++;
  return n;
}

const textSvg = (text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="28" font-family="${FIGURE_FONT}" font-size="20px">${text}</text></svg>`;

describe('renderSvg', () => {
  it('renders a spec to standalone SVG carrying its text in the figure font', async () => {
    const svg = await renderSvg(spec);
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.includes('>PPO iteration<') && svg.includes(`font-family="${FIGURE_FONT}"`));
  });

  it('throws on a spec without a mark or composition', () => {
    assert.throws(() => compileToVega({ data: { values: [] } } as never), /Invalid specification/);
  });
});

describe('svgToPng', () => {
  it('writes a PNG of the SVG size times the scale', async () => {
    const svg = await renderSvg(spec);
    const png = svgToPng(svg, { scale: 2 });
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
    const width = Buffer.from(png).readUInt32BE(16); // IHDR width
    const svgWidth = Number(/<svg[^>]*width="([\d.]+)"/.exec(svg)?.[1]);
    assert.equal(width, Math.ceil(svgWidth * 2));
    assert.ok(png.length > 10000, `only ${png.length} bytes`);
  });

  it('draws text with the system fonts (text pixels appear where only text was added)', () => {
    const empty = svgToPixels(textSvg(''), { scale: 1 });
    const hello = svgToPixels(textSvg('Hello, MDL(s)'), { scale: 1 });
    assert.equal(darkPixels(empty.rgba), 0);
    assert.ok(darkPixels(hello.rgba) > 100, `${darkPixels(hello.rgba)} dark pixels`);
  });

  it('paints the background colour', () => {
    const { rgba } = svgToPixels(textSvg(''), { scale: 1, background: '#ff0000' });
    assert.deepEqual([...rgba.subarray(0, 4)], [255, 0, 0, 255]);
  });
});

describe('saveFigure', () => {
  it('writes <path>.svg and <path>.png, creating folders and leaving no temporary files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-'));
    try {
      const base = path.join(dir, 'sub', 'reward');
      const saved = await saveFigure(spec, base);
      assert.equal(saved.svgPath, `${base}.svg`);
      assert.equal(fs.readFileSync(saved.svgPath, 'utf8'), saved.svg);
      assert.deepEqual([...fs.readFileSync(saved.pngPath).subarray(0, 8)], PNG_SIGNATURE);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'sub')).sort(), ['reward.png', 'reward.svg']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('uniquifySvgIds', () => {
  it('prefixes ids and every reference to them, and leaves other attributes alone', () => {
    const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)" data-id="x"><use href="#clip1"/></g></svg>';
    assert.equal(
      uniquifySvgIds(svg, 'f2'),
      '<svg><clipPath id="f2-clip1"><rect/></clipPath><g clip-path="url(#f2-clip1)" data-id="x"><use href="#f2-clip1"/></g></svg>',
    );
  });
});
