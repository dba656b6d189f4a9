/**
 * `npm run bench`: the study's hot paths on tfjs beside the same work in PyTorch CPU, measured in
 * pairs (see paired.ts): per line, tfjs and PyTorch rounds alternate, PyTorch in one persistent
 * process (bench_torch_server.py), and the table gives the median and the range of the per-pair
 * tokens/s ratios, the machine's load, and the thread counts of both sides (set equal). Then the
 * peak RSS of one laptop PPO run and one laptop probe run, each in a child process.
 * Flags: --quick (small batches, 3 pairs), --pairs=N (default 5), --threads=N (both sides; default:
 * 1, the thread count of the pinned numerics every study process runs, backend.ts), --only=id,id (lines by id), --no-torch, --no-rss. No PyTorch found: tfjs lines only,
 * with one line saying so. Not a test: the numbers depend on the machine.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PINNED_NUMERICS, describeBackend, initBackend, setNativeThreads } from '../backend';
import { ConfigError, checkInt, runMain } from '../util/assert';
import { benchLines, opFloorLines } from './lines';
import { pairedTable, runPairedLine, type PairedResult } from './paired';
import { TorchServer } from './torch_server';
import { benchGridJobs, benchStartup, gridBenchLines } from './grid_bench';
import { STEP_CELLS } from '../study/cells';

const FLAG = /^--(quick|no-torch|no-rss|no-grid|pairs=\d+|threads=\d+|only=[\w,-]+)$/;

function flagValue(argv: readonly string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Peak RSS of one CLI run in a child process (same thread settings) as a table row, and its wall time (undefined when it failed). */
function peakRss(root: string, label: string, args: string[]): { row: string; ms?: number } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'bench', 'peak_rss.ts'), ...args], { cwd: root, encoding: 'utf8', env: process.env, maxBuffer: 1 << 24 });
  const last = (res.stdout || '').trim().split('\n').pop() ?? '';
  if (res.status !== 0 || !last.startsWith('{')) {
    const err = (res.stderr || res.error?.message || '').split('\n').find((l) => /error/i.test(l)) ?? `exit code ${res.status}`;
    return { row: `| ${label} | failed: ${err.trim()} | |` };
  }
  const r = JSON.parse(last) as { ms: number; maxRssMiB: number };
  return { row: `| ${label} | ${Math.round(r.maxRssMiB)} MiB | ${(r.ms / 1000).toFixed(1)} s |`, ms: r.ms };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const a of argv) if (!FLAG.test(a)) throw new ConfigError(`bench: unknown argument '${a}'; expected --quick, --pairs=N, --threads=N, --only=id,id, --no-torch, --no-rss or --no-grid`);
  const quick = argv.includes('--quick');
  const pairs = checkInt('--pairs', Number(flagValue(argv, 'pairs') ?? (quick ? 3 : 5)), 1, 100);
  const threads = checkInt('--threads', Number(flagValue(argv, 'threads') ?? PINNED_NUMERICS.intraOpThreads), 1, 256);
  const root = path.resolve(__dirname, '..', '..');
  let lines = benchLines(quick);
  const only = flagValue(argv, 'only')?.split(',');
  if (only) {
    const unknown = only.filter((id) => !lines.some((l) => l.id === id));
    if (unknown.length) throw new ConfigError(`--only: '${unknown[0]}' unknown; expected ids among ${lines.map((l) => l.id).join(', ')}`);
    lines = lines.filter((l) => only.includes(l.id));
  }

  setNativeThreads(threads, threads); // before tfjs-node loads: TF reads them once
  const backend = await initBackend();
  const torch = argv.includes('--no-torch') ? '--no-torch given' : await TorchServer.start(root, threads);
  const server = typeof torch === 'string' ? null : torch;
  const loadStart = os.loadavg();
  console.log(`# bench ${new Date().toISOString().slice(0, 10)}${quick ? ' (quick)' : ''}: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${pairs} pairs per line`);
  console.log(`- tfjs: ${describeBackend(backend)}, TF_NUM_INTRAOP_THREADS=${process.env.TF_NUM_INTRAOP_THREADS}, TF_NUM_INTEROP_THREADS=${process.env.TF_NUM_INTEROP_THREADS}`);
  console.log(server ? `- PyTorch: torch ${server.info.torch} CPU, transformers ${server.info.transformers}, ${server.info.threads} threads (interop ${server.info.interop}), one persistent process` : `- PyTorch: none, tfjs lines only (${torch})`);
  console.log(`- load average before: ${loadStart.map((x) => x.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`);
  const results: PairedResult[] = [];
  try {
    for (const line of lines) {
      const r = await runPairedLine(line, server, pairs);
      const ratio = r.ratios.length ? `, ratio ${r.ratios.map((x) => x.toFixed(2)).join(' ')}` : '';
      console.log(`  ${line.id}: tfjs ${Math.round(r.tfjsTokensPerSec)} tokens/s${r.torchTokensPerSec === null ? '' : `, PyTorch ${Math.round(r.torchTokensPerSec)}`}${ratio}${r.leakedTensors ? `, LEAKED ${r.leakedTensors} tensors` : ''}`);
      results.push(r);
    }
  } finally {
    server?.close();
  }
  const loadEnd = os.loadavg();
  console.log(`- load average after: ${loadEnd.map((x) => x.toFixed(2)).join(' / ')}`);
  console.log('\n' + pairedTable(results));
  console.log(`\nRatio = tfjs tokens/s / PyTorch tokens/s of one tfjs round and the PyTorch round after it (above 1: tfjs faster), median over ${pairs} pairs; tokens/s columns are medians over rounds.`);
  const floorIds = new Set(opFloorLines().map((l) => l.id));
  const floors = results.filter((r) => floorIds.has(r.line.id));
  if (floors.length) {
    console.log('\nPer-op floor (µs per op = 1e6 / ops/s, medians over rounds):');
    for (const r of floors) console.log(`- ${r.line.id}: tfjs ${(1e6 / r.tfjsTokensPerSec).toFixed(1)} µs${r.torchTokensPerSec === null ? '' : `, PyTorch ${(1e6 / r.torchTokensPerSec).toFixed(1)} µs`}`);
  }

  let toyRunMs: number | undefined;
  if (!argv.includes('--no-rss') && !quick) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rss-'));
    console.log('\n| run (laptop preset, child process) | peak RSS | wall time |\n|---|---:|---:|');
    const rl = peakRss(root, 'toy PPO run (task 1, rate 0, seed 0)', ['toy-rl', '--task', '1', '--rate', '0', '--seed', '0', '--preset', 'laptop', '--force', '--out', path.join(tmp, 'rl.json')]);
    toyRunMs = rl.ms;
    console.log(rl.row);
    console.log(peakRss(root, 'toy MDL probe run (task 1, feature t, seed 0)', ['toy-mdl', '--task', '1', '--feature', 't', '--seed', '0', '--preset', 'laptop', '--force', '--results-dir', tmp, '--out', path.join(tmp, 'mdl.json')]).row);
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  if (!argv.includes('--no-grid') && !quick) {
    // Issue 14: the smoke toy-RL grid with one worker and with two, and one cell process's start-up,
    // compared with the laptop toy PPO run above. Results go to a temporary datasets folder.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-grid-'));
    const cells = await STEP_CELLS['toy-rl']('smoke');
    console.log(`\n- grid: the ${cells.length}-cell smoke toy-RL grid (\`grid run toy-rl --preset smoke\`) into a temporary datasets folder`);
    const jobs = await benchGridJobs(cells, { cwd: root, env: { STUDY_DATASETS_DIR: tmp }, reset: () => fs.rmSync(path.join(tmp, 'results'), { recursive: true, force: true }) });
    for (const line of gridBenchLines(jobs, await benchStartup(root), toyRunMs)) console.log(`- ${line}`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runMain(main);
