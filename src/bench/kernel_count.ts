/**
 * `npx tsx src/bench/kernel_count.ts [--quick] [--only=id,id] [--time] [--all]`: kernels per call of each
 * bench line, a load-independent measure of the per-op cost at the study's sizes (README
 * "Performance"). One warm-up call, then one call under `tf.profile`; prints the kernel count, the
 * TensorFlow ops those kernels ran (counted at the native binding's `executeOp`, so a kernel that
 * runs without TensorFlow, such as Identity or an elided no-op Reshape or Cast, counts 0) and the
 * most frequent names of both. Not a test: the counts move with the code, not the machine.
 *
 * `--time` adds where the time goes (1 thread): over 3 more calls, the wall time per call, the part
 * spent inside TensorFlow's calls (the op's kernel plus the binding's dispatch, timed around
 * tfjs-node's two execute methods), the rest (tfjs's engine, autodiff and the line's own JS), the
 * mean µs per TensorFlow op, and the ops that take the most TensorFlow time with their µs per call.
 * These are times: they move with the machine's load, which is printed.
 *
 * `--all` lists, under each line's row, every TensorFlow op the line runs: calls per line call and,
 * with `--time`, its TensorFlow ms per line call and µs per op (the README's op-by-op split of one
 * laptop PPO update comes from `--time --all --only=ppo-laptop-update`).
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, setNativeThreads } from '../backend';
import { ConfigError, runMain } from '../util/assert';
import { benchLines } from './lines';

/** TensorFlow ops run by the native backend, by op name: how many, and milliseconds inside the call. */
interface NativeOps {
  readonly byName: Map<string, number>;
  readonly msByName: Map<string, number>;
  stop(): void;
}

/** Counts (and times) the TensorFlow ops the native backend runs (tfjs-node's `executeSingleOutput` / `executeMultipleOutputs`). */
function countNativeOps(): NativeOps | null {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const backend = tf.backend() as any;
  if (typeof backend.executeSingleOutput !== 'function' || typeof backend.executeMultipleOutputs !== 'function') return null;
  const byName = new Map<string, number>();
  const msByName = new Map<string, number>();
  const wrapped = ['executeSingleOutput', 'executeMultipleOutputs'].map((method) => {
    const original = backend[method];
    backend[method] = function (this: unknown, name: string, ...rest: unknown[]) {
      byName.set(name, (byName.get(name) ?? 0) + 1);
      const t0 = performance.now();
      try {
        return original.call(this, name, ...rest);
      } finally {
        msByName.set(name, (msByName.get(name) ?? 0) + performance.now() - t0);
      }
    };
    return () => void (backend[method] = original);
  });
  return { byName, msByName, stop: () => wrapped.forEach((restore) => restore()) };
}

const top = (byName: Map<string, number>) => [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, c]) => `${n} ${c}`).join(', ');

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Calls timed per line under `--time`. */
const TIMED_CALLS = 3;

/** Every op of a line, most TensorFlow time (or most calls) first: calls and ms per line call, µs per op. */
function allOps(byName: Map<string, number>, msByName: Map<string, number> | undefined, calls: number): string {
  return [...byName.entries()]
    .sort((a, b) => (msByName ? (msByName.get(b[0]) ?? 0) - (msByName.get(a[0]) ?? 0) : b[1] - a[1]))
    .map(([n, c]) => {
      const ms = msByName?.get(n);
      return `  - ${n}: ${c / calls} calls${ms === undefined ? '' : `, ${(ms / calls).toFixed(1)} ms, ${((1000 * ms) / c).toFixed(1)} µs per op`}`;
    })
    .join('\n');
}

/** The `--time` row of one line: wall, TensorFlow and other ms per call, µs per op, the ops with the most TensorFlow time; and every op for `--all`. */
async function timeLine(call: () => Promise<unknown>): Promise<{ row: string; all?: string }> {
  const native = countNativeOps();
  if (!native) return { row: 'n/a (not the native backend)' };
  const t0 = performance.now();
  for (let i = 0; i < TIMED_CALLS; i++) await call();
  const wallMs = (performance.now() - t0) / TIMED_CALLS;
  native.stop();
  const tfMs = sum(native.msByName) / TIMED_CALLS;
  const ops = sum(native.byName) / TIMED_CALLS;
  const heavy = [...native.msByName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([n, ms]) => `${n} ${Math.round((100 * ms) / TIMED_CALLS / wallMs)} % (${((1000 * ms) / native.byName.get(n)!).toFixed(0)} µs)`)
    .join(', ');
  const row = `| ${wallMs.toFixed(0)} | ${tfMs.toFixed(0)} (${Math.round((100 * tfMs) / wallMs)} %) | ${(wallMs - tfMs).toFixed(0)} (${Math.round((100 * (wallMs - tfMs)) / wallMs)} %) | ${((1000 * tfMs) / ops).toFixed(1)} | ${heavy} |`;
  return { row, all: allOps(native.byName, native.msByName, TIMED_CALLS) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const a of argv) if (!/^--(quick|time|all|only=[\w,-]+)$/.test(a)) throw new ConfigError(`kernel_count: unknown argument '${a}'; expected --quick, --time, --all or --only=id,id`);
  const timed = argv.includes('--time');
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  let lines = benchLines(argv.includes('--quick'));
  if (only) lines = lines.filter((l) => only.includes(l.id));
  setNativeThreads(1, 1);
  const backend = await initBackend();
  console.log(`# kernels per call (${describeBackend(backend)}${timed ? `; load average ${os.loadavg()[0].toFixed(1)} (1 min) at the start` : ''})`);
  console.log(
    timed
      ? '| line | one call | kernels | TensorFlow ops | ms per call | in TensorFlow calls, ms | rest (tfjs engine, autodiff, JS), ms | µs per TensorFlow op | most TensorFlow time (µs per op) |\n|---|---|---:|---:|---:|---:|---:|---:|---|'
      : '| line | one call | kernels | TensorFlow ops | top kernels | top TensorFlow ops |\n|---|---|---:|---:|---|---|',
  );
  for (const line of lines) {
    const inst = await line.setup();
    await inst.call(); // warm-up: optimizer slots, caches
    const native = countNativeOps();
    const info = await tf.profile(async () => {
      await inst.call();
      return [];
    });
    native?.stop();
    const timing = timed ? await timeLine(() => inst.call()) : undefined;
    inst.dispose();
    const byName = new Map<string, number>();
    for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
    const ops = native ? [...native.byName.values()].reduce((a, b) => a + b, 0) : 'n/a (not the native backend)';
    if (timing !== undefined) console.log(`| ${line.id} | ${line.work} | ${info.kernels.length} | ${ops} ${timing.row}`);
    else console.log(`| ${line.id} | ${line.work} | ${info.kernels.length} | ${ops} | ${top(byName)} | ${native ? top(native.byName) : ''} |`);
    if (argv.includes('--all') && native) console.log(timing?.all ?? allOps(native.byName, undefined, 1));
  }
}

runMain(main);
