/**
 * GPT lines of the bench: training throughput (forward + backward + Adam on a token cross-entropy, unshifted)
 * and sampling throughput with and without the KV cache, for the toy policy of the study and a small
 * dispatch-bound model (the "tiny GPT" of NATIVE-TF.md). PyTorch counterpart:
 * test/reference/bench_gpt_torch.py (HF GPT2LMHeadModel, same shapes, same work).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../backend';
import { GPT, GPT_CONFIGS, type GPTConfig } from '../models/gpt';
import { generate } from '../models/sampling';
import { createRng } from '../util/rng';
import { timeCalls, type BenchModule, type BenchOptions, type BenchRow } from './harness';

/** One workload: a model and the shapes of its training and sampling calls. */
interface GPTBenchCase {
  readonly name: string;
  readonly config: GPTConfig;
  readonly train: { readonly batch: number; readonly seq: number };
  readonly sample: { readonly batch: number; readonly prompt: number; readonly newTokens: number };
  /** Timed calls per line (after 2 warm-up calls). */
  readonly repeats: number;
  /** Also run on the pure-JS cpu backend (only when asked for with --backends). */
  readonly onCpu: boolean;
}

function cases(opts: BenchOptions): GPTBenchCase[] {
  const toy: GPTBenchCase = {
    name: 'toy policy (4x256, vocab 12)',
    config: { ...GPT_CONFIGS.toyPolicy, dropout: 0 },
    train: { batch: 256, seq: 15 }, // a PPO minibatch of 256 episodes: 10 prompt + 5 response tokens
    sample: { batch: 256, prompt: 10, newTokens: 5 },
    repeats: 5,
    onCpu: false,
  };
  const small: GPTBenchCase = {
    name: 'small (2x128, vocab 16)',
    config: { vocabSize: 16, nPositions: 16, dModel: 128, nLayer: 2, nHead: 4, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 },
    train: { batch: 32, seq: 16 },
    sample: { batch: 32, prompt: 8, newTokens: 8 },
    repeats: 20,
    onCpu: true,
  };
  if (opts.quick) return [{ ...small, repeats: 3 }, { ...toy, train: { batch: 32, seq: 15 }, sample: { batch: 32, prompt: 10, newTokens: 5 }, repeats: 2 }];
  return [small, toy];
}

const LINES = { train: 'train (fwd+bwd+Adam)', cache: 'sample, KV cache', nocache: 'sample, no cache' } as const;

async function runCase(c: GPTBenchCase, backend: BackendName): Promise<BenchRow[]> {
  const rng = createRng(`bench/${c.name}`);
  const model = GPT.init(c.config, rng.child('init'));
  const vocab = c.config.vocabSize;
  const ids = tf.tensor2d(Array.from({ length: c.train.batch * c.train.seq }, () => rng.int(vocab)), [c.train.batch, c.train.seq], 'int32');
  const targets = tf.oneHot(ids, vocab);
  const optimizer = tf.train.adam(1e-4);
  const rows: BenchRow[] = [];
  const row = (line: string, tokens: number, t: { bestMs: number; medianMs: number }): BenchRow => ({
    module: 'gpt', case: c.name, line, backend, tokensPerSec: (tokens / t.bestMs) * 1e3, bestMs: t.bestMs, medianMs: t.medianMs,
  });

  const trainStep = async () => {
    tf.tidy('bench/trainStep', () => {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(targets, model.forward(ids).logits!) as tf.Scalar, false, model.trainableVariables);
    });
    await model.trainableVariables[0].data(); // sync: wait for the step to finish
  };
  rows.push(row(LINES.train, c.train.batch * c.train.seq, await timeCalls(trainStep, 2, c.repeats)));

  const prompts = tf.tensor2d(Array.from({ length: c.sample.batch * c.sample.prompt }, () => rng.int(vocab)), [c.sample.batch, c.sample.prompt], 'int32');
  for (const useCache of [true, false]) {
    const sampleRng = rng.child(`sample/${useCache}`);
    const sample = async () => {
      const out = await generate(model, prompts, undefined, { maxNewTokens: c.sample.newTokens, useCache }, sampleRng);
      await out.tokens.data(); // sync
      tf.dispose([out.tokens, out.logprobs, out.mask]);
    };
    rows.push(row(useCache ? LINES.cache : LINES.nocache, c.sample.batch * c.sample.newTokens, await timeCalls(sample, 2, c.repeats)));
  }
  tf.dispose([ids, targets, prompts]);
  optimizer.dispose();
  model.dispose();
  return rows;
}

/** The GPT bench module. */
export const gptBench: BenchModule = {
  name: 'gpt',
  async run(backend: BackendName, opts: BenchOptions): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const c of cases(opts)) {
      // The pure-JS cpu backend (~0.6 GFLOP/s) would take minutes per toy training step: small case only.
      if (backend === 'cpu' && !c.onCpu) continue;
      const run = backend === 'cpu' ? { ...c, repeats: Math.min(c.repeats, 3) } : c;
      rows.push(...(await runCase(run, backend)));
    }
    return rows;
  },
  torchJob(opts: BenchOptions) {
    return {
      script: 'test/reference/bench_gpt_torch.py',
      job: { cases: cases(opts).map((c) => ({ name: c.name, config: c.config, train: c.train, sample: c.sample, repeats: c.repeats })), lines: LINES },
    };
  },
};
