import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT_USAGE } from '../src/cli';
import { inProcess } from './cli_in_process';

const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-toy-mdl-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A tiny probe on 40 examples, so a run takes well under a second. */
const TINY = JSON.stringify({ toyMdl: { data: { probeSize: 40 }, model: { config: { dModel: 8, nHead: 2, nLayer: 1, dFF: 16 } }, training: { epochs: 1 } } });

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli toy-mdl', () => {
  it('writes the documented JSON, and a rerun reuses the stored run', () => {
    const out = path.join(tmp, 'run', 'task2_t_seed0.json');
    const args = ['toy-mdl', '--task', '2', '--feature', 't', '--seed', '0', '--preset', 'smoke', '--overrides', TINY, '--out', out, '--results-dir', path.join(tmp, 'store')];
    const first = cli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^computed task2\/t\/encoder\/seed0: \d+\.\d bits, compression \d\.\d{3}, N 40 -> /m);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(json), ['codelengthBits', 'uniformBits', 'compression', 'n', 'blocks']);
    assert.equal(json.n, 40);
    assert.equal(json.uniformBits, 40);
    assert.equal(json.blocks.length, 11);
    for (const b of json.blocks) assert.deepEqual(Object.keys(b), ['size', 'bits', 'accuracy']);
    assert.equal(json.blocks.reduce((s: number, b: { size: number }) => s + b.size, 0), 40);
    // the first non-empty block is sent with the uniform code: 1 bit per label
    const firstBlock = json.blocks.find((b: { size: number }) => b.size > 0);
    assert.deepEqual(firstBlock, { size: firstBlock.size, bits: firstBlock.size, accuracy: null });
    assert.ok(Math.abs(json.blocks.reduce((s: number, b: { bits: number }) => s + b.bits, 0) - json.codelengthBits) < 1e-9);
    assert.ok(Math.abs(json.compression - json.uniformBits / json.codelengthBits) < 1e-12);

    fs.rmSync(out);
    const second = cli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^reused task2\/t\/encoder\/seed0: /m);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), json);
  });

  it('without --out, stores the run only (what grid cells do), and a later run with --out reuses it', () => {
    const store = path.join(tmp, 'store-only');
    const args = ['toy-mdl', '--task', '1', '--feature', 's', '--seed', '1', '--preset', 'smoke', '--overrides', TINY, '--results-dir', store];
    const first = cli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^computed task1\/s\/encoder\/seed1: \d+\.\d bits, compression \d\.\d{3}, N 40$/m);
    const files = fs.readdirSync(store, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0], /^task1\/s\/encoder\/seed1--[0-9a-f]{12}\.json$/);
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.endsWith('.json')), []);
    const out = path.join(tmp, 'later.json');
    const second = cli([...args, '--out', out]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^reused task1\/s\/encoder\/seed1: .* -> /m);
    assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(out, 'utf8'))), ['codelengthBits', 'uniformBits', 'compression', 'n', 'blocks']);
  });

  it('exits with code 2 and one stderr line on a bad feature or flag', () => {
    const bad = cli(['toy-mdl', '--task', '1', '--feature', 'x', '--seed', '0', '--out', path.join(tmp, 'x.json')]);
    assert.equal(bad.code, EXIT_USAGE);
    assert.equal(bad.stderr.trim(), "error: feature: 'x' is not allowed; expected one of 's', 't'");
    const flag = cli(['toy-mdl', '--task', '1', '--feature', 's', '--bogus', '1']);
    assert.equal(flag.code, EXIT_USAGE);
    assert.equal(flag.stderr.trim().split('\n').length, 1);
    assert.match(flag.stderr, /^error: toy-mdl: unknown flag --bogus; expected one of --task, --feature, --seed, /);
  });

  it('names the bad value in one line', async () => {
    const out = ['--out', path.join(tmp, 'never.json')];
    const cases: [string[], string][] = [
      [['toy-mdl', '--task', '1', '--feature', 's', '--seed', '0', '--out='], 'error: out: missing; expected a file path'],
      [['toy-mdl', '--feature', 's', '--seed', '0', ...out], 'error: task: missing; expected --task 1..5 (or an extension pair id)'],
      [['toy-mdl', '--task', '77', '--feature', 's', '--seed', '0', ...out], 'error: task: 77 is not allowed; expected one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12'],
      [['toy-mdl', '--task', '1', '--feature', 's', '--seed', '-1', ...out], 'error: seed: -1 is outside [0, 9007199254740991]'],
      [['toy-mdl', '--task', '1', '--feature', 's', '--seed', '0', '--preset', 'huge', ...out], "error: preset: 'huge' is not allowed; expected one of 'smoke', 'laptop', 'paper'"],
      [['toy-mdl', '--task', '1', '--feature', 's', '--seed', '0', '--probe', 'lstm', ...out], "error: probe: 'lstm' is not allowed; expected one of 'encoder', 'policy'"],
      [['toy-mdl', '--task', '1', '--feature', 's', '--seed', '0', '--overrides', '{"epochs": 3}', ...out], 'error: epochs: unknown parameter; expected one of toyData, toyMdl, jobs'],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(args);
      assert.equal(r.code, EXIT_USAGE, args.join(' '));
      assert.deepEqual(r.err, [message]);
    }
    assert.equal(fs.existsSync(path.join(tmp, 'never.json')), false);
  });
});
