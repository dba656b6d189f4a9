import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runGridCommand, timestampName, type GridDeps, type GridRegistry } from '../../src/grid/grid_command';
import { readCellsFile } from '../../src/grid/cells';
import { ConfigError } from '../../src/util/assert';

/** A fake study: step `toy` has one cell per seed (`--overrides {"seeds": [...]}`); a cell's process writes <out>/<key>.json. */
function fakeStudy(failKeys: string[] = []) {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-cmd-'));
  const out = path.join(repo, 'store');
  fs.mkdirSync(out);
  const registry: GridRegistry = {
    toy: (preset, overrides) => {
      for (const k of Object.keys(overrides)) if (k !== 'seeds') throw new ConfigError(`overrides.${k}: unknown key; expected one of seeds`);
      const seeds = (overrides.seeds as number[] | undefined) ?? [0, 1, 2];
      return seeds.map((s) => ({ key: `toy-${preset}-seed${s}`, argv: ['toy-rl', '--seed', String(s), '--preset', preset] }));
    },
    lm: () => [{ key: 'lm', argv: ['lm-pretrain'] }],
  };
  const lines: string[] = [];
  const errs: string[] = [];
  const script = `const [out, key, code] = process.argv.slice(1);
    if (code !== '0') { console.error('bad seed ' + key); process.exit(Number(code)); }
    require('fs').writeFileSync(out + '/' + key + '.json', JSON.stringify({ env: process.env.TF_NUM_INTRAOP_THREADS }));`;
  const deps: GridDeps = {
    registry, repoRoot: repo, cores: 4,
    isDone: (key) => fs.existsSync(path.join(out, `${key}.json`)),
    io: { out: (l) => lines.push(l), err: (l) => errs.push(l) },
    // a cell "computes" by writing its key into the store; the cell's key is the last but 3 argv
    spawnSpec: (cell) => ({ command: process.execPath, args: ['-e', script, out, cell.key, failKeys.includes(cell.key) ? '4' : '0'] }),
    now: () => new Date('2024-01-31T23:59:58.123Z'),
  };
  return { repo, out, deps, lines, errs };
}

describe('grid list', () => {
  it('prints every cell with its command line and whether it is in the store', async () => {
    const s = fakeStudy();
    fs.writeFileSync(path.join(s.out, 'toy-smoke-seed1.json'), '{}');
    assert.equal(await runGridCommand(['list', 'toy', '--preset', 'smoke'], s.deps), 0);
    assert.deepEqual(s.lines, [
      'toy (preset smoke): 3 cells, 1 done, 2 missing',
      'missing  toy-smoke-seed0  toy-rl --seed 0 --preset smoke',
      'done     toy-smoke-seed1  toy-rl --seed 1 --preset smoke',
      'missing  toy-smoke-seed2  toy-rl --seed 2 --preset smoke',
    ]);
  });
});

describe('grid list options', () => {
  it('lets only `grid run` train a model the cells need; list, status and slurm ask with mayTrain false', async () => {
    const s = fakeStudy();
    const asked: Record<string, boolean | undefined> = {};
    let sub = '';
    const registry: GridRegistry = { ...s.deps.registry, toy: (preset, overrides, opts) => { asked[sub] = opts?.mayTrain; return s.deps.registry.toy(preset, overrides, opts); } };
    const deps = { ...s.deps, registry };
    for (const [name, extra] of [['list', []], ['status', []], ['slurm', []], ['run', ['--jobs', '1']]] as const) {
      sub = name;
      await runGridCommand([name, 'toy', '--preset', 'smoke', ...extra], deps);
    }
    assert.deepEqual(asked, { list: false, status: false, slurm: false, run: true });
  });
});

describe('grid run', () => {
  it('computes only the missing cells in two workers, each on the pinned one TensorFlow thread', async () => {
    const s = fakeStudy();
    fs.writeFileSync(path.join(s.out, 'toy-laptop-seed0.json'), '{}');
    assert.equal(await runGridCommand(['run', 'toy', '--overrides', '{"seeds": [0, 1, 2, 3]}', '--jobs', '2'], s.deps), 0);
    // 4 cores and 2 workers: still 1 thread each (it was cores / jobs = 2, which rounds differently).
    assert.equal(s.lines[0], 'toy (preset laptop): 4 cells, 1 done, 3 missing; 2 workers x 1 thread');
    assert.match(s.lines[s.lines.length - 1], /^toy: 3 done, 0 failed, 0 not started in [0-9.]+ s$/);
    for (const seed of [1, 2, 3]) {
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(s.out, `toy-laptop-seed${seed}.json`), 'utf8')), { env: '1' });
    }
    assert.equal(fs.readFileSync(path.join(s.out, 'toy-laptop-seed0.json'), 'utf8'), '{}'); // not recomputed
    assert.deepEqual(s.errs, []);
  });

  it('runs another --threads-per-worker when asked, and says in one line that those runs are stored apart', async () => {
    const s = fakeStudy();
    assert.equal(await runGridCommand(['run', 'toy', '--jobs', '2', '--threads-per-worker', '2'], s.deps), 0);
    assert.equal(s.lines[0], 'toy (preset laptop): 3 cells, 0 done, 3 missing; 2 workers x 2 threads');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(s.out, 'toy-laptop-seed1.json'), 'utf8')), { env: '2' });
    assert.equal(s.errs.length, 1);
    assert.match(s.errs[0], /^threads-per-worker: 2 is not the pinned 1 \(src\/backend\.ts PINNED_NUMERICS\): .* TF_NUM_INTRAOP_THREADS=2 set$/);
  });

  it('auto runs one single-threaded worker per core, capped at the missing cells', async () => {
    const s = fakeStudy();
    assert.equal(await runGridCommand(['run', 'toy', '--jobs', 'auto'], s.deps), 0);
    assert.equal(s.lines[0], 'toy (preset laptop): 3 cells, 0 done, 3 missing; 3 workers x 1 thread');
  });

  it('reports a failed cell with its stderr, runs the rest, and exits with 1', async () => {
    const s = fakeStudy(['toy-laptop-seed1']);
    assert.equal(await runGridCommand(['run', 'toy'], s.deps), 1);
    assert.deepEqual(s.errs, [
      '[2/3] FAILED toy-laptop-seed1 (exit 4); stderr ends with:',
      '    bad seed toy-laptop-seed1',
      'toy: failed cells: toy-laptop-seed1; rerun the same command to retry them',
    ]);
    assert.ok(fs.existsSync(path.join(s.out, 'toy-laptop-seed2.json')));
  });
});

describe('grid slurm', () => {
  it('writes script, cells file and logs folder for the missing cells only', async () => {
    const s = fakeStudy();
    fs.writeFileSync(path.join(s.out, 'toy-paper-seed0.json'), '{}');
    assert.equal(await runGridCommand(['slurm', 'toy', '--preset', 'paper', '--partition', 'gpu', '--gres', 'gpu:1', '--throttle', '2'], s.deps), 0);
    const dir = path.join(s.repo, 'datasets/slurm/toy-20240131-235958');
    assert.deepEqual(s.lines, [
      'toy (preset paper): 3 cells, 1 done, 2 missing',
      'wrote datasets/slurm/toy-20240131-235958/job.sbatch (2 array tasks; cells in datasets/slurm/toy-20240131-235958/cells.jsonl, logs in datasets/slurm/toy-20240131-235958/logs/)',
      'submit with: sbatch datasets/slurm/toy-20240131-235958/job.sbatch',
    ]);
    assert.deepEqual(readCellsFile(path.join(dir, 'cells.jsonl')).map((c) => c.key), ['toy-paper-seed1', 'toy-paper-seed2']);
    const script = fs.readFileSync(path.join(dir, 'job.sbatch'), 'utf8');
    for (const line of ['#SBATCH --array=0-1%2', '#SBATCH --partition=gpu', '#SBATCH --gres=gpu:1', '#SBATCH --job-name=grid-toy', '#SBATCH --cpus-per-task=1', '#SBATCH --mem=8G', '#SBATCH --time=04:00:00']) {
      assert.ok(script.includes(`${line}\n`), line);
    }
    assert.ok(fs.statSync(path.join(dir, 'logs')).isDirectory());
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'grid.json'), 'utf8')),
      { step: 'toy', preset: 'paper', overrides: {}, createdAt: '2024-01-31T23:59:58.123Z', cellCount: 2 });
  });

  it('writes nothing when every cell is done', async () => {
    const s = fakeStudy();
    assert.equal(await runGridCommand(['slurm', 'lm'], s.deps), 0);
    fs.writeFileSync(path.join(s.out, 'lm.json'), '{}');
    s.lines.length = 0;
    assert.equal(await runGridCommand(['slurm', 'lm'], s.deps), 0);
    assert.deepEqual(s.lines, ['lm (preset laptop): 1 cells, 1 done, 0 missing', 'lm: nothing to submit']);
  });

  it('names folders by UTC time', () => {
    assert.equal(timestampName(new Date('2024-01-31T23:59:58.123Z')), '20240131-235958');
  });
});

describe('grid status', () => {
  it('counts done, running (lock held) and missing cells', async () => {
    const s = fakeStudy();
    fs.writeFileSync(path.join(s.out, 'toy-laptop-seed2.json'), '{}');
    const deps = { ...s.deps, isRunning: (key: string) => key === 'toy-laptop-seed0' };
    assert.equal(await runGridCommand(['status', 'toy'], deps), 0);
    assert.deepEqual(s.lines, [
      'toy (preset laptop): 3 cells, 1 done, 1 running, 1 missing',
      'running  toy-laptop-seed0  (lock held)',
      'missing  toy-laptop-seed1',
      'done     toy-laptop-seed2',
    ]);
  });
});

describe('grid command line errors', () => {
  const cases: [string[], string][] = [
    [['lsit', 'toy'], 'grid: "lsit" is not allowed; expected one of list, run, slurm, status'],
    [['list', 'toys'], 'step: "toys" is not allowed; expected one of toy, lm'],
    [['list', 'toy', '--preset', 'huge'], "preset: 'huge' is not allowed; expected one of smoke, laptop, paper"],
    [['list', 'toy', '--overrides', '{seeds: 1}'], 'overrides: not valid JSON (Expected property name or \'}\' in JSON at position 1); expected an object such as {"toyRl": {"seeds": [0, 1]}}'],
    [['list', 'toy', '--overrides', '{"rates": [0]}'], 'overrides.rates: unknown key; expected one of seeds'],
    [['list', 'toy', '--jobs', '2'], 'grid list: "--jobs" is not allowed; expected --preset, --overrides'],
    [['run', 'toy', '--jobs', '0'], `jobs: "0" is not allowed; expected an integer in [1, 4096] or 'auto'`],
    [['run', 'toy', '--jobs'], 'jobs: missing value after --jobs'],
    [['slurm', 'toy', '--time', '2h'], 'time: "2h" is not allowed; expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS'],
    [['slurm', 'toy', '--throttle', '0'], 'throttle: 0 is not allowed; expected an integer >= 1'],
    [['slurm', 'toy', '--submit=yes'], 'submit: takes no value; got "yes"'],
  ];
  for (const [args, message] of cases) {
    it(`rejects ${args.join(' ')} with one line and exit code 2`, async () => {
      const s = fakeStudy();
      assert.equal(await runGridCommand(args, s.deps), 2);
      assert.deepEqual(s.errs, [message]);
      assert.equal(fs.existsSync(path.join(s.repo, 'datasets')), false);
    });
  }
});
