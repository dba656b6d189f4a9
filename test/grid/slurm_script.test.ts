import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  checkSlurmOptions, isSlurmTime, parseSbatchParsable, parseScontrolJobs, parseSqueue, sbatchScript, shellQuote,
  writeSlurmJob, type SlurmOptions,
} from '../../src/grid/slurm';

const OPTS: SlurmOptions = { jobName: 'grid-toy_rl', partition: 'gpu', time: '1-00:00:00', cpusPerTask: 8, mem: '32G', throttle: 4, gres: 'gpu:a100:1' };

// Checked by hand: directives in sbatch's syntax, the array 0..11 with at most 4 at once, quoting
// of a path with a space, one TensorFlow thread (the pinned numerics) unless the submitter exported
// another count, whatever --cpus-per-task, line i+1 for task i.
const EXPECTED = `#!/bin/bash
#SBATCH --job-name=grid-toy_rl
#SBATCH --array=0-11%4
#SBATCH --partition=gpu
#SBATCH --time=1-00:00:00
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --gres=gpu:a100:1
#SBATCH --output=/scratch/logs/%A_%a.out
#
# Written by \`grid slurm\`: array task i runs the cell on line i + 1 of the cells file.
# Resubmitting is safe: results are written atomically, finished cells are skipped.
set -euo pipefail
cd '/home/me/rl repo'
CELLS='/home/me/rl repo/datasets/slurm/toy_rl-20240131-120000/cells.jsonl'
# One TensorFlow thread: the pinned numerics (src/backend.ts), unless exported by the submitter.
export TF_NUM_INTRAOP_THREADS="\${TF_NUM_INTRAOP_THREADS:-1}"
export TF_NUM_INTEROP_THREADS=1
export OMP_NUM_THREADS="$TF_NUM_INTRAOP_THREADS"
# The argv of this task's cell, NUL-separated so that any character survives.
mapfile -d '' -t ARGV < <(node -e '
  const [file, index] = process.argv.slice(1);
  const cell = JSON.parse(require("fs").readFileSync(file, "utf8").split("\\n")[Number(index)]);
  process.stderr.write(\`cell \${index}: \${cell.key} on \${require("os").hostname()}\\n\`);
  for (const arg of cell.argv) process.stdout.write(arg + "\\0");' "$CELLS" "$SLURM_ARRAY_TASK_ID")
if [[ \${#ARGV[@]} -eq 0 ]]; then echo "no cell $SLURM_ARRAY_TASK_ID in $CELLS" >&2; exit 2; fi
exec node --import tsx src/cli.ts "\${ARGV[@]}"
`;

describe('sbatchScript', () => {
  it('writes the hand-checked script for a throttled GPU array', () => {
    const text = sbatchScript({
      repoRoot: '/home/me/rl repo', cellsFile: '/home/me/rl repo/datasets/slurm/toy_rl-20240131-120000/cells.jsonl',
      logsDir: '/scratch/logs', cellCount: 12,
    }, OPTS);
    assert.equal(text, EXPECTED);
  });

  it('leaves out partition, throttle and gres lines when not given', () => {
    const text = sbatchScript({ repoRoot: '/r', cellsFile: '/r/c.jsonl', logsDir: '/r/logs', cellCount: 1 }, { jobName: 'g', time: '30', cpusPerTask: 1, mem: '4G' });
    assert.match(text, /^#SBATCH --array=0-0$/m);
    assert.doesNotMatch(text, /--partition|--gres|--account/);
  });

  it('runs the cell of SLURM_ARRAY_TASK_ID with its argv intact, from the repository root', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-script-'));
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const cells = [
      { key: 'a', argv: [out, 'a', '0'] },
      { key: "b'd", argv: [out, "b'd", '0', '0', '$HOME "quoted" \\ back'] },
    ];
    const tiny = path.join(__dirname, 'tiny_cli.js');
    const files = writeSlurmJob(path.join(dir, 'job'), cells, { jobName: 'g', time: '5', cpusPerTask: 3, mem: '1G' }, dir, ['node', tiny]);
    const { TF_NUM_INTRAOP_THREADS: _t, OMP_NUM_THREADS: _o, ...baseEnv } = process.env;
    execFileSync('bash', [files.scriptFile], { env: { ...baseEnv, SLURM_ARRAY_TASK_ID: '1', SLURM_CPUS_PER_TASK: '3' }, stdio: 'pipe' });
    const rec = JSON.parse(fs.readFileSync(path.join(out, "b'd.json"), 'utf8'));
    assert.deepEqual(rec.argv, cells[1].argv);
    // One TensorFlow thread (the pinned numerics) although the task has 3 CPUs.
    assert.deepEqual(rec.env, ['1', '1', '1']);
    // A count the submitter exported wins (its runs then carry a numerics tag).
    execFileSync('bash', [files.scriptFile], { env: { ...baseEnv, SLURM_ARRAY_TASK_ID: '1', SLURM_CPUS_PER_TASK: '3', TF_NUM_INTRAOP_THREADS: '3' }, stdio: 'pipe' });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, "b'd.json"), 'utf8')).env, ['3', '1', '3']);
    assert.equal(rec.cwd, dir);
    assert.equal(fs.existsSync(path.join(out, 'a.json')), false);
    // a task index past the last cell fails with exit code 2 and names the cells file
    assert.throws(() => execFileSync('bash', [files.scriptFile], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '2' }, stdio: 'pipe' }),
      (e: { status: number; stderr: Buffer }) => e.status === 2 && e.stderr.toString().includes(`no cell 2 in ${files.cellsFile}`));
  });
});

describe('checkSlurmOptions', () => {
  it('accepts every --time format Slurm documents', () => {
    for (const t of ['30', '30:00', '04:00:00', '2-12', '2-12:30', '2-12:30:00']) assert.ok(isSlurmTime(t), t);
    for (const t of ['1h', '4:00:00:00', '10:60', '', '-1', '1-']) assert.ok(!isSlurmTime(t), t);
  });
  it('rejects bad options with one line naming the field and what is allowed', () => {
    const cases: [Partial<SlurmOptions>, string][] = [
      [{ time: '1h' }, `time: "1h" is not allowed; expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS`],
      [{ throttle: 0 }, 'throttle: 0 is not allowed; expected an integer >= 1'],
      [{ cpusPerTask: 0 }, 'cpus-per-task: 0 is not allowed; expected an integer in [1, 1024]'],
      [{ mem: '8GB' }, 'mem: "8GB" is not allowed; expected a size such as 4096, 4096M or 8G'],
      [{ gres: 'gpu 1' }, 'gres: "gpu 1" is not allowed; expected name[:type][:count], e.g. gpu:1 or gpu:a100:1'],
      [{ partition: 'a b' }, 'partition: "a b" is not allowed; expected a partition name (letters, digits, ._-) or a comma-separated list'],
      [{ jobName: 'x y' }, 'job-name: "x y" is not allowed; expected letters, digits and ._+- (at most 64)'],
    ];
    for (const [patch, message] of cases) assert.throws(() => checkSlurmOptions({ ...OPTS, ...patch }), { message });
  });
  it('quotes for bash only where needed', () => {
    assert.equal(shellQuote('--task'), '--task');
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote('{"a": 1}'), `'{"a": 1}'`);
  });
});

describe('Slurm output parsers', () => {
  it('reads the job id of sbatch --parsable, with or without a cluster', () => {
    assert.equal(parseSbatchParsable('1234\n'), '1234');
    assert.equal(parseSbatchParsable('1234;cluster\n'), '1234');
    assert.throws(() => parseSbatchParsable('error'), /expected a job id/);
  });
  it('reads squeue -r lines, one per array task', () => {
    assert.deepEqual(parseSqueue('12_0 RUNNING\n12_1 PENDING\n\n'), [{ taskId: 0, state: 'RUNNING' }, { taskId: 1, state: 'PENDING' }]);
  });
  it('reads per-task state and exit code from scontrol show job -o', () => {
    const text = [
      'JobId=13 ArrayJobId=12 ArrayTaskId=1 ArrayTaskThrottle=1 JobName=g JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0',
      'JobId=12 ArrayJobId=12 ArrayTaskId=0 ArrayTaskThrottle=1 JobName=g JobState=COMPLETED Reason=None ExitCode=0:0',
      'JobId=12 ArrayJobId=12 ArrayTaskId=2-5%1 JobState=PENDING ExitCode=0:0',
    ].join('\n');
    assert.deepEqual(parseScontrolJobs(text), [
      { taskId: 0, state: 'COMPLETED', exitCode: 0, exitSignal: 0 },
      { taskId: 1, state: 'FAILED', exitCode: 3, exitSignal: 0 },
    ]);
  });
});
