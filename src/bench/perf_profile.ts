/**
 * `npx tsx src/bench/perf_profile.ts [--only=id,id] [--quick] [--seconds=S] [--no-torch] [--floor]`: where each
 * bench line's wall time goes, from Linux `perf` sampling the whole process (README "Performance").
 * Per line a child process builds the line (src/bench/lines.ts), warms it up, and only then has
 * `perf record` (cpu-clock, 999 Hz, call graphs, started disabled and switched on through a control FIFO) sample
 * about S seconds of calls (default 10) on 1 TensorFlow thread; the samples are sorted into kinds of
 * work by src/bench/time_split.ts, from the kernels' own arithmetic to the fixed cost of dispatching
 * each op. `node --perf-basic-prof` names V8's code, so JavaScript is told apart from oneDNN's
 * generated GEMM (its code-event log, which that flag also writes, goes to the temporary folder).
 * V8's own profilers (`--cpu-prof`, `--prof`) abort under tfjs-node; perf does not.
 *
 * With PyTorch (as for `npm run bench`; `--no-torch` skips it), each line's PyTorch ms per call is
 * timed after its profile, and the table gives the ceiling PyTorch ms / the kernels' ms: the ratio the
 * line would reach if every op's dispatch cost nothing.
 *
 * `--floor` adds the fixed cost of one op, layer by layer: a 64-float AddV2 through TensorFlow's
 * eager C API alone (src/bench/eager_floor.cc, compiled here against the library tfjs-node uses),
 * through tfjs-node's binding (`executeOp` + `deleteTensor`), and through `tf.add` (+ dispose).
 *
 * Needs `perf` (Debian: `apt-get install linux-perf`) and g++ for `--floor`. Not a test: times move
 * with the machine; the load is printed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, setNativeThreads } from '../backend';
import { ConfigError, checkInt, runMain } from '../util/assert';
import { benchLines } from './lines';
import { median } from '../stats/describe';
import type { BenchLine } from './paired';
import { TorchServer } from './torch_server';
import { TIME_CATEGORIES, kernelPercent, parsePerfScript, splitSamples, type TimeCategory } from './time_split';

const FLAG = /^--(quick|floor|no-torch|seconds=\d+|only=[\w,-]+|child=[\w-]+|ctl=.+|ack=.+)$/;

/**
 * The map file in which `node --perf-basic-prof` names its JIT code for perf. The place is perf's
 * convention, not a choice: V8 writes and perf reads `/tmp/perf-<pid>.map` whatever TMPDIR says.
 */
const perfMapOf = (pid: number) => path.join('/tmp', `perf-${pid}.map`);

const flagValue = (argv: readonly string[], name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** Child: build one line, warm it up, then run calls for about `seconds` with perf switched on; prints {msPerCall, calls, pid}. */
async function child(argv: readonly string[]): Promise<void> {
  setNativeThreads(1, 1);
  await initBackend();
  const id = flagValue(argv, 'child')!;
  const line = benchLines(argv.includes('--quick')).find((l) => l.id === id);
  if (!line) throw new ConfigError(`perf_profile: unknown line '${id}'`);
  const inst = await line.setup();
  const t0 = performance.now();
  for (let i = 0; i < Math.max(2, line.warmupCalls); i++) await inst.call();
  const warmMs = (performance.now() - t0) / Math.max(2, line.warmupCalls);
  const calls = Math.min(2000, Math.max(3, Math.ceil((1000 * Number(flagValue(argv, 'seconds'))) / warmMs)));
  const ctl = fs.openSync(flagValue(argv, 'ctl')!, 'w');
  const ack = fs.openSync(flagValue(argv, 'ack')!, 'r');
  const command = (word: string) => {
    fs.writeSync(ctl, `${word}\n`);
    fs.readSync(ack, Buffer.alloc(16), 0, 16, null);
  };
  command('enable');
  const t1 = performance.now();
  for (let i = 0; i < calls; i++) await inst.call();
  const msPerCall = (performance.now() - t1) / calls;
  command('disable');
  inst.dispose();
  console.log(JSON.stringify({ msPerCall, calls, pid: process.pid }));
}

/** One line's profile: wall ms per call under perf, the calls sampled, percent of samples per kind of work. */
interface LineProfile {
  readonly msPerCall: number;
  readonly calls: number;
  readonly split: Map<TimeCategory, number>;
}

/** Profiles one line in a child under perf; its profile, or one line saying why it failed. */
function profileLine(id: string, seconds: number, quick: boolean): LineProfile | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perf-profile-'));
  const [ctl, ack, data] = ['ctl', 'ack', 'perf.data'].map((f) => path.join(dir, f));
  try {
    for (const fifo of [ctl, ack]) if (spawnSync('mkfifo', [fifo]).status !== 0) return `mkfifo ${fifo} failed`;
    const args = ['record', '-q', '-g', '-e', 'cpu-clock', '-F', '999', '-D', '-1', '--control', `fifo:${ctl},${ack}`, '-o', data, '--',
      process.execPath, '--perf-basic-prof', `--logfile=${path.join(dir, 'v8.log')}`, '--no-logfile-per-isolate', '--import', 'tsx', __filename, `--child=${id}`, `--seconds=${seconds}`, `--ctl=${ctl}`, `--ack=${ack}`, ...(quick ? ['--quick'] : [])];
    const rec = spawnSync('perf', args, { encoding: 'utf8', env: process.env, maxBuffer: 1 << 26 });
    const last = (rec.stdout || '').trim().split('\n').pop() ?? '';
    if (rec.status !== 0 || !last.startsWith('{')) {
      return (rec.stderr || rec.error?.message || '').split('\n').filter((l) => l.trim() && !/^(WARNING|I0000)/.test(l)).pop()?.trim() ?? `exit code ${rec.status}`;
    }
    const { msPerCall, calls, pid } = JSON.parse(last) as { msPerCall: number; calls: number; pid: number };
    const script = spawnSync('perf', ['script', '-i', data, '-F', 'ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    fs.rmSync(perfMapOf(pid), { force: true });
    const samples = parsePerfScript(script.stdout || '');
    if (samples.length === 0) return `no samples (${(script.stderr || '').split('\n')[0]})`;
    return { msPerCall, calls, split: splitSamples(samples) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** PyTorch's ms per call of a line: median of 5 rounds after the warm-up (the paired bench's rounds, unpaired here). */
async function torchMsPerCall(torch: TorchServer, line: BenchLine): Promise<number> {
  await torch.setup(line.id, line.torch.kind, line.torch.params);
  try {
    if (line.warmupCalls > 0) await torch.run(line.id, line.warmupCalls);
    const rounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      const ms = await torch.run(line.id, line.callsPerRound);
      rounds.push(ms.reduce((a, b) => a + b, 0) / ms.length);
    }
    return median(rounds);
  } finally {
    await torch.drop(line.id);
  }
}

/** The table row of one line. */
function profileRow(line: BenchLine, p: LineProfile | string, torchMs: number | undefined): string {
  if (typeof p === 'string') return `| ${line.id} | ${line.work} | failed: ${p} |`;
  const kernels = kernelPercent(p.split);
  const kernelsMs = (kernels / 100) * p.msPerCall;
  const torch = torchMs === undefined ? ' | |' : ` | ${torchMs.toFixed(1)} | ${(torchMs / kernelsMs).toFixed(2)}`;
  return `| ${line.id} | ${line.work} | ${p.msPerCall.toFixed(1)} (${p.calls}) | **${kernels.toFixed(0)} %** (${kernelsMs.toFixed(1)} ms)${torch} | ${TIME_CATEGORIES.map((c) => (p.split.get(c) ?? 0).toFixed(1)).join(' | ')} |`;
}

/** Best µs per call of `f` over 5 rounds of `n` calls (after one untimed round). */
function bestMicros(f: () => void, n: number): number {
  let best = Infinity;
  for (let round = 0; round < 6; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    if (round > 0) best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

/** The fixed cost of one 64-float Add through each layer: TensorFlow's C API, tfjs-node's binding, tf.add. */
async function perOpFloor(root: string): Promise<void> {
  console.log('\n| one AddV2 of 64 floats, through | µs per op (best of 5 rounds) |\n|---|---:|');
  const deps = path.join(path.dirname(require.resolve('@tensorflow/tfjs-node/package.json', { paths: [root] })), 'deps');
  const bin = path.join(root, '.cache', 'bench', 'eager_floor');
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const cc = spawnSync('g++', ['-O2', '-std=c++17', `-I${path.join(deps, 'include')}`, path.join(root, 'src', 'bench', 'eager_floor.cc'),
    `-L${path.join(deps, 'lib')}`, '-ltensorflow', '-ltensorflow_framework', `-Wl,-rpath,${path.join(deps, 'lib')}`, '-o', bin], { encoding: 'utf8' });
  if (cc.status !== 0) console.log(`| TensorFlow's eager C API alone (eager_floor.cc) | not built: ${(cc.stderr || cc.error?.message || '').split('\n')[0]} |`);
  else {
    // The environment initBackend set for this process (threads, numerics, allocator), so the three layers run alike.
    const run = spawnSync(bin, [], { encoding: 'utf8', env: process.env });
    const out = (run.stdout || '').trim().split('\n').pop() ?? '';
    console.log(`| TensorFlow's eager C API alone (eager_floor.cc: new op, inputs, attribute, execute, shape, delete) | ${out.startsWith('{') ? (JSON.parse(out) as { usPerOp: number }).usPerOp.toFixed(1) : `failed: exit code ${run.status}`} |`);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const backend = tf.backend() as any;
  const a = tf.randomNormal([64]);
  const b = tf.randomNormal([64]);
  if (typeof backend.binding?.executeOp === 'function') {
    const attr = [{ name: 'T', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT }];
    const ids = [backend.getInputTensorIds([a, b])].flat();
    const viaBinding = bestMicros(() => {
      const out = backend.binding.executeOp('AddV2', attr, ids, 1);
      backend.binding.deleteTensor(out[0].id);
    }, 50000);
    console.log(`| tfjs-node's binding (\`binding.executeOp\` + \`deleteTensor\`) | ${viaBinding.toFixed(1)} |`);
  }
  console.log(`| tfjs (\`tf.add\` + \`dispose\`: engine, kernel registry, tensor bookkeeping) | ${bestMicros(() => tf.add(a, b).dispose(), 50000).toFixed(1)} |`);
  tf.dispose([a, b]);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const a of argv) if (!FLAG.test(a)) throw new ConfigError(`perf_profile: unknown argument '${a}'; expected --only=id,id, --quick, --seconds=S, --no-torch or --floor`);
  if (flagValue(argv, 'child')) return child(argv);
  const quick = argv.includes('--quick');
  const seconds = checkInt('--seconds', Number(flagValue(argv, 'seconds') ?? 10), 1, 600);
  if (spawnSync('perf', ['--version']).status !== 0) throw new ConfigError("perf_profile: 'perf' not found; install it (Debian: apt-get install linux-perf)");
  const root = path.resolve(__dirname, '..', '..');
  let lines = benchLines(quick);
  const only = flagValue(argv, 'only')?.split(',');
  if (only) {
    const unknown = only.filter((id) => !lines.some((l) => l.id === id));
    if (unknown.length) throw new ConfigError(`--only: unknown line '${unknown[0]}'; expected ids among ${lines.map((l) => l.id).join(', ')}`);
    lines = lines.filter((l) => only.includes(l.id));
  }
  setNativeThreads(1, 1);
  const backend = await initBackend();
  console.log(`# where the time goes, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${describeBackend(backend)}; perf cpu-clock at 999 Hz over about ${seconds} s of calls per line after warm-up; load average ${os.loadavg()[0].toFixed(2)} (1 min) at the start`);
  const torch = argv.includes('--no-torch') ? '--no-torch given' : await TorchServer.start(root, 1);
  console.log(typeof torch === 'string' ? `- PyTorch: none (${torch})` : `- PyTorch: torch ${torch.info.torch} CPU, ${torch.info.threads} thread, timed after each line's profile (median of 5 rounds, not paired)`);
  console.log(`\nShares of the samples in percent. "kernels' arithmetic" = ${TIME_CATEGORIES.slice(0, 4).join(' + ')}; the rest is the fixed cost of dispatching ops. "ceiling" = PyTorch ms / kernels' ms: the tfjs / PyTorch ratio the line would reach if dispatching cost nothing.\n`);
  console.log(`| line | one call | ms per call (calls) | kernels' arithmetic | PyTorch ms per call | ceiling | ${TIME_CATEGORIES.join(' | ')} |\n|---|---|---:|---:|---:|---:|${TIME_CATEGORIES.map(() => '---:').join('|')}|`);
  try {
    for (const line of lines) {
      const p = profileLine(line.id, seconds, quick);
      console.log(profileRow(line, p, typeof torch === 'string' || typeof p === 'string' ? undefined : await torchMsPerCall(torch, line)));
    }
  } finally {
    if (typeof torch !== 'string') torch.close();
  }
  console.log(`\n- load average at the end: ${os.loadavg()[0].toFixed(2)} (1 min)`);
  if (argv.includes('--floor')) await perOpFloor(root);
}

runMain(main);
