import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMANDS, EXIT_USAGE, parseFlags } from '../src/cli';
import { inProcess } from './cli_in_process';

const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli', () => {
  it('toy-data end to end: writes the files, then skips the up-to-date folder', () => {
    const out = path.join(tmp, 'toy');
    const args = ['toy-data', '--task', '3', '--rate', '0.05', '--seed', '1', '--train-size', '200', '--test-size', '20', '--vocab', '10', '--out', out];
    const first = cli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), [
      'manifest.json', 'probe_s.jsonl', 'probe_t.jsonl', 'test_both.jsonl', 'test_neither.jsonl', 'test_s_only.jsonl', 'test_t_only.jsonl', 'train.jsonl',
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.files['train.jsonl'].partitions, { both: 95, neither: 95, s_only: 10, t_only: 0 });
    assert.equal(manifest.config.probeSize, 200);
    assert.match(first.stdout, /^wrote .* sha256 [0-9a-f]{64}\)$/m);
    const second = cli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^up to date /m);
  });

  it('accepts a generic pair with --target/--spurious and --flag=value', () => {
    const out = path.join(tmp, 'pair');
    const r = cli(['toy-data', '--target=contains-1', '--spurious=prefix-duplicate', '--rate=0.5', '--train-size=10', '--test-size=5', '--probe-size=4', '--length=6', `--out=${out}`]);
    assert.equal(r.code, 0, r.stderr);
    const first = fs.readFileSync(path.join(out, 'test_both.jsonl'), 'utf8').split('\n')[0];
    assert.match(first, /^\{"text":"\d( \d){5}","label":1,"partition":"both"\}$/);
  });

  it('exits with code 2 and one stderr line on a bad flag or value', () => {
    const bad = cli(['toy-data', '--task', '1', '--rate', '0.1', '--bogus', '3']);
    assert.equal(bad.code, EXIT_USAGE);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /^error: toy-data: unknown flag --bogus; expected one of --task, /);
    const rate = cli(['toy-data', '--task', '1', '--rate', '1.5']);
    assert.equal(rate.code, EXIT_USAGE);
    assert.equal(rate.stderr.trim(), 'error: rate: 1.5 is outside [0, 1]');
  });

  it('reports bad values in process with the config message', async () => {
    const cases: [string[], string][] = [
      [['toy-data', '--task', 'foo', '--rate', '0'], "error: task: 'foo' is not allowed; expected one of 1, 2, 3, 4, 5"],
      [['toy-data', '--task', '1', '--rate', '-0.1'], 'error: rate: -0.1 is outside [0, 1]'],
      [['toy-data', '--task', '1', '--rate', 'abc'], "error: rate: 'abc' is not a number; expected a number in [0, 1]"],
      [['toy-data', '--task', '1', '--rate', '0', '--vocab', '3'], "error: vocab: 3 is too small for target 'contains-1' with spurious 'contains-2'; expected at least 4 (reserved symbols 1, 2 must lie in 0..vocab-1 and leave at least 2 free symbols)"],
      [['toy-data', '--task', '1', '--rate'], 'error: toy-data: --rate needs a value (s-only rate p in [0, 1] of the training set (required))'],
      [['toy-data', '--task', '1', '--task', '2'], 'error: toy-data: --task given twice; expected it once'],
      [['toy-data', 'extra'], "error: toy-data: unexpected argument 'extra'; expected flags --task, --target, --spurious, --rate, --seed, --train-size, --test-size, --probe-size, --vocab, --length, --out, --force"],
      [['frobnicate'], "error: unknown command 'frobnicate'; expected one of " + [...Object.keys(COMMANDS), 'grid', 'store'].join(', ')],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(args);
      assert.equal(r.code, EXIT_USAGE, args.join(' '));
      assert.deepEqual(r.err, [message]);
    }
  });

  it('--help lists the commands and a command help lists its flags', async () => {
    const top = await inProcess(['--help']);
    assert.equal(top.code, 0);
    for (const name of Object.keys(COMMANDS)) assert.match(top.out.join('\n'), new RegExp(`^  ${name} `, 'm'));
    const sub = await inProcess(['toy-data', '--help']);
    assert.equal(sub.code, 0);
    for (const f of COMMANDS['toy-data'].flags) assert.match(sub.out.join('\n'), new RegExp(`--${f.name}\\b`));
    const none = await inProcess([]);
    assert.equal(none.code, EXIT_USAGE);
  });

  it('parseFlags turns numeric text into numbers and keeps other text for the config check', () => {
    const flags = COMMANDS['toy-data'].flags;
    assert.deepEqual(parseFlags('toy-data', flags, ['--task', '2', '--rate', '1e-3', '--target', 'first-last', '--force', '--seed=7']), {
      task: 2, rate: 0.001, target: 'first-last', force: true, seed: 7,
    });
    assert.deepEqual(parseFlags('toy-data', flags, ['--rate', '-0.1', '--task', 'x1']), { rate: -0.1, task: 'x1' });
  });
});
