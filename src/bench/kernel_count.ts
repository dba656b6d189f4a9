/**
 * `npx tsx src/bench/kernel_count.ts [--quick] [--only=id,id]`: kernels per call of each bench line,
 * a load-independent measure of the per-op dispatch cost that dominates at the study's sizes
 * (README "Performance"). One warm-up call, then one call under `tf.profile`; prints the kernel
 * count and the most frequent kernel names. Not a test: the counts move with the code, not the machine.
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, setNativeThreads } from '../backend';
import { ConfigError, runMain } from '../util/assert';
import { benchLines } from './lines';

/** Kernel names that tfjs-node runs without a TensorFlow call (they only move a reference). */
const FREE_KERNELS = new Set(['Identity', 'Reshape']);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const a of argv) if (!/^--(quick|only=[\w,-]+)$/.test(a)) throw new ConfigError(`kernel_count: unknown argument '${a}'; expected --quick or --only=id,id`);
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  let lines = benchLines(argv.includes('--quick'));
  if (only) lines = lines.filter((l) => only.includes(l.id));
  setNativeThreads(1, 1);
  const backend = await initBackend();
  console.log(`# kernels per call (${describeBackend(backend)})`);
  console.log('| line | one call | kernels | of which TensorFlow calls | top kernels |\n|---|---|---:|---:|---|');
  for (const line of lines) {
    const inst = await line.setup();
    await inst.call(); // warm-up: optimizer slots, caches
    const info = await tf.profile(async () => {
      await inst.call();
      return [];
    });
    inst.dispose();
    const byName = new Map<string, number>();
    for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
    const paid = info.kernels.filter((k) => !FREE_KERNELS.has(k.name)).length;
    const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, c]) => `${n} ${c}`).join(', ');
    console.log(`| ${line.id} | ${line.work} | ${info.kernels.length} | ${paid} | ${top} |`);
  }
}

runMain(main);
