/**
 * `npx tsx src/bench/kernel_count.ts [--quick] [--only=id,id]`: kernels per call of each bench line,
 * a load-independent measure of the per-op dispatch cost that dominates at the study's sizes
 * (README "Performance"). One warm-up call, then one call under `tf.profile`; prints the kernel
 * count, the TensorFlow ops those kernels ran (counted at the native binding's `executeOp`, so a
 * kernel that runs without TensorFlow, such as Identity or an elided no-op Reshape or Cast, counts
 * 0) and the most frequent names of both. Not a test: the counts move with the code, not the machine.
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, setNativeThreads } from '../backend';
import { ConfigError, runMain } from '../util/assert';
import { benchLines } from './lines';

/** Counts the TensorFlow ops the native backend runs, by op name (tfjs-node's `executeSingleOutput` / `executeMultipleOutputs`). */
function countNativeOps(): { byName: Map<string, number>; stop: () => void } | null {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const backend = tf.backend() as any;
  if (typeof backend.executeSingleOutput !== 'function' || typeof backend.executeMultipleOutputs !== 'function') return null;
  const byName = new Map<string, number>();
  const wrapped = ['executeSingleOutput', 'executeMultipleOutputs'].map((method) => {
    const original = backend[method];
    backend[method] = function (this: unknown, name: string, ...rest: unknown[]) {
      byName.set(name, (byName.get(name) ?? 0) + 1);
      return original.call(this, name, ...rest);
    };
    return () => void (backend[method] = original);
  });
  return { byName, stop: () => wrapped.forEach((restore) => restore()) };
}

const top = (byName: Map<string, number>) => [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, c]) => `${n} ${c}`).join(', ');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const a of argv) if (!/^--(quick|only=[\w,-]+)$/.test(a)) throw new ConfigError(`kernel_count: unknown argument '${a}'; expected --quick or --only=id,id`);
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  let lines = benchLines(argv.includes('--quick'));
  if (only) lines = lines.filter((l) => only.includes(l.id));
  setNativeThreads(1, 1);
  const backend = await initBackend();
  console.log(`# kernels per call (${describeBackend(backend)})`);
  console.log('| line | one call | kernels | TensorFlow ops | top kernels | top TensorFlow ops |\n|---|---|---:|---:|---|---|');
  for (const line of lines) {
    const inst = await line.setup();
    await inst.call(); // warm-up: optimizer slots, caches
    const native = countNativeOps();
    const info = await tf.profile(async () => {
      await inst.call();
      return [];
    });
    native?.stop();
    inst.dispose();
    const byName = new Map<string, number>();
    for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
    const ops = native ? [...native.byName.values()].reduce((a, b) => a + b, 0) : 'n/a (not the native backend)';
    console.log(`| ${line.id} | ${line.work} | ${info.kernels.length} | ${ops} | ${top(byName)} | ${native ? top(native.byName) : ''} |`);
  }
}

runMain(main);
