/**
 * The MDL lines of `npm run bench`: speed of the toy MDL probe (models/probe_encoder.ts through
 * probing/probe_training.ts, the code the online code runs) against the same probe in PyTorch on
 * the CPU (test/reference/bench_mdl_torch.py), at the laptop and paper probe shapes of notebook 02.
 * Lines: one training step (batch 64), one scoring batch, a whole small online code, and the
 * projected wall time of one online code at the preset's N and epochs from the measured step time.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { TOY_MDL_PARAMS } from '../experiments/toy_mdl_params';
import { runToyMdl } from '../experiments/toy_mdl';
import { createProbeEncoder, TOY_PROBE_CONFIG, type ProbeEncoderConfig } from '../models/probe_encoder';
import { blockEnds } from '../probing/online_code';
import { evaluateClassifier, tokenizedSet, trainClassifier, TOY_PROBE_TRAINING } from '../probing/probe_training';
import { createRng } from '../util/rng';

/** One line of the bench (plain data: the main bench prints and saves rows as they are). */
export type MdlBenchRow = {
  bench: 'mdl';
  /** Probe shape, e.g. `laptop probe d128 ff512 L2`. */
  case: string;
  /** `train_step`, `eval`, `online_code` (measured) or `online_code_projected`. */
  line: string;
  /** `tfjs <backend>` or `torch <version> cpu`. */
  impl: string;
  /** Examples per second (training or scoring; for online codes: N / wall time). */
  examplesPerSec: number | null;
  /** Milliseconds per step, batch or online code. */
  msPerCall: number | null;
  /** What was measured, with sizes. */
  note: string;
};

/** Options of {@link benchMdl}. */
export interface MdlBenchOptions {
  /** Timed repetitions per line (after one warm-up); default 20. */
  readonly repeats?: number;
  /** Python with torch for the reference lines; default env `BENCH_PYTHON`, else `python3`; null skips them. */
  readonly python?: string | null;
  /** Also run the laptop-shape online code on `onlineN` examples (default true). */
  readonly online?: boolean;
  /** N of the measured online code (default 1,000, 2 epochs per block). */
  readonly onlineN?: number;
}

interface BenchCase {
  name: string;
  config: ProbeEncoderConfig;
  /** N and epochs of the preset this shape belongs to, for the projection. */
  preset: { name: string; n: number; epochs: number };
  online: boolean;
}

const TRAIN_BATCH = TOY_PROBE_TRAINING.batchSize;
const EVAL_BATCH = TOY_PROBE_TRAINING.evalBatchSize;
const ONLINE_EPOCHS = 2;

function benchCases(): BenchCase[] {
  const shape = (preset: 'laptop' | 'paper'): ProbeEncoderConfig => ({
    ...TOY_PROBE_CONFIG,
    dModel: TOY_MDL_PARAMS.probeWidth[preset],
    nHead: TOY_MDL_PARAMS.probeHeads[preset],
    nLayer: TOY_MDL_PARAMS.probeLayers[preset],
    dFF: TOY_MDL_PARAMS.probeFF[preset],
  });
  const name = (preset: string, c: ProbeEncoderConfig) => `${preset} probe d${c.dModel} ff${c.dFF} L${c.nLayer}`;
  const laptop = shape('laptop');
  const paper = shape('paper');
  return [
    { name: name('laptop', laptop), config: laptop, preset: { name: 'laptop', n: TOY_MDL_PARAMS.mdlProbeSize.laptop, epochs: TOY_MDL_PARAMS.probeEpochs.laptop }, online: true },
    { name: name('paper', paper), config: paper, preset: { name: 'paper', n: TOY_MDL_PARAMS.mdlProbeSize.paper, epochs: TOY_MDL_PARAMS.probeEpochs.paper }, online: false },
  ];
}

/** Optimizer steps of one online code: per trained block, `epochs` passes over all earlier examples in batches of `batchSize`. */
export function onlineCodeTrainingSteps(n: number, epochs: number, batchSize: number): number {
  const ends = blockEnds(n);
  const first = ends.findIndex((e) => e > 0);
  let steps = 0;
  for (let i = first + 1; i < ends.length; i++) if (ends[i] > ends[i - 1]) steps += epochs * Math.ceil(ends[i - 1] / batchSize);
  return steps;
}

function randomSet(n: number, cfg: ProbeEncoderConfig, seed: number) {
  const rng = createRng(seed);
  const rows = Array.from({ length: n }, () => Array.from({ length: cfg.maxLen }, () => rng.int(cfg.vocabSize)));
  return tokenizedSet(rows, rows.map(() => rng.int(2)));
}

async function tfjsLines(c: BenchCase, impl: string, repeats: number, opts: MdlBenchOptions): Promise<MdlBenchRow[]> {
  const rows: MdlBenchRow[] = [];
  const model = createProbeEncoder(c.config, createRng(0));
  try {
    // Training: one epoch over `repeats` batches is `repeats` steps through the production path (one host read per epoch).
    const cfg = { epochs: 1, batchSize: TRAIN_BATCH, learningRate: TOY_PROBE_TRAINING.learningRate };
    await trainClassifier(model, randomSet(TRAIN_BATCH, c.config, 1), cfg, createRng(2)); // warm-up
    const trainSet = randomSet(TRAIN_BATCH * repeats, c.config, 3);
    let t0 = performance.now();
    await trainClassifier(model, trainSet, cfg, createRng(4));
    const stepMs = (performance.now() - t0) / repeats;
    rows.push({ bench: 'mdl', case: c.name, line: 'train_step', impl, examplesPerSec: (TRAIN_BATCH * 1000) / stepMs, msPerCall: stepMs, note: `forward + backward + Adam, batch ${TRAIN_BATCH}, seq ${c.config.maxLen}` });

    await evaluateClassifier(model, randomSet(EVAL_BATCH, c.config, 5), EVAL_BATCH); // warm-up
    const evalSet = randomSet(EVAL_BATCH * repeats, c.config, 6);
    t0 = performance.now();
    await evaluateClassifier(model, evalSet, EVAL_BATCH);
    const evalMs = (performance.now() - t0) / repeats;
    rows.push({ bench: 'mdl', case: c.name, line: 'eval', impl, examplesPerSec: (EVAL_BATCH * 1000) / evalMs, msPerCall: evalMs, note: `no-grad forward, batch ${EVAL_BATCH}` });
    rows.push(projection(c, impl, stepMs, evalMs));
  } finally {
    model.dispose();
  }
  if (c.online && opts.online !== false) {
    const n = opts.onlineN ?? 1000;
    const data = randomSet(n, c.config, 7);
    const examples = Array.from({ length: n }, (_, i) => ({ text: Array.from(data.ids.subarray(i * data.seqLen, (i + 1) * data.seqLen)).join(' '), label: data.labels[i] }));
    const t0 = performance.now();
    await runToyMdl({ examples, probe: c.config, epochs: ONLINE_EPOCHS, seed: 0 });
    const ms = performance.now() - t0;
    rows.push({ bench: 'mdl', case: c.name, line: 'online_code', impl, examplesPerSec: (n * 1000) / ms, msPerCall: ms, note: `whole online code, N ${n}, ${ONLINE_EPOCHS} epochs per block (${onlineCodeTrainingSteps(n, ONLINE_EPOCHS, TRAIN_BATCH)} steps)` });
  }
  return rows;
}

function projection(c: BenchCase, impl: string, stepMs: number, evalMs: number): MdlBenchRow {
  const { n, epochs, name } = c.preset;
  const steps = onlineCodeTrainingSteps(n, epochs, TRAIN_BATCH);
  const ms = steps * stepMs + Math.ceil(n / EVAL_BATCH) * evalMs;
  return { bench: 'mdl', case: c.name, line: 'online_code_projected', impl, examplesPerSec: (n * 1000) / ms, msPerCall: ms, note: `${name} preset: N ${n}, ${epochs} epochs per block = ${steps} steps x train_step + scoring` };
}

function torchLines(cases: readonly BenchCase[], python: string, repeats: number, opts: MdlBenchOptions, threads: number): MdlBenchRow[] {
  const script = path.join(__dirname, '..', '..', 'test', 'reference', 'bench_mdl_torch.py');
  const job = {
    repeats,
    threads,
    cases: cases.map((c) => ({
      name: c.name,
      config: c.config,
      train: { batch: TRAIN_BATCH },
      eval: { batch: EVAL_BATCH },
      online: c.online && opts.online !== false ? { n: opts.onlineN ?? 1000, epochs: ONLINE_EPOCHS, batch: TRAIN_BATCH } : null,
    })),
  };
  const res = spawnSync(python, [script, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.error || res.status !== 0) {
    const why = res.error ? res.error.message : (res.stderr || '').trim().split('\n').pop();
    return [{ bench: 'mdl', case: '-', line: 'torch reference', impl: 'torch', examplesPerSec: null, msPerCall: null, note: `skipped: ${python} ${script} failed (${why})` }];
  }
  const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const header = lines[0] as { torch: string; threads: number };
  const impl = `torch ${header.torch} (${header.threads} threads)`;
  const rows: MdlBenchRow[] = [];
  for (const l of lines.slice(1) as { case: string; line: string; examplesPerSec: number; msPerCall: number }[]) {
    const c = cases.find((x) => x.name === l.case) as BenchCase;
    const note = l.line === 'train_step' ? `forward + backward + Adam, batch ${TRAIN_BATCH}` : l.line === 'eval' ? `no-grad forward, batch ${EVAL_BATCH}` : `whole online code, N ${opts.onlineN ?? 1000}, ${ONLINE_EPOCHS} epochs per block`;
    rows.push({ bench: 'mdl', case: l.case, line: l.line, impl, examplesPerSec: l.examplesPerSec, msPerCall: l.msPerCall, note });
    if (l.line === 'eval') {
      const step = lines.find((x: { case: string; line: string }) => x.case === l.case && x.line === 'train_step') as { msPerCall: number };
      rows.push(projection(c, impl, step.msPerCall, l.msPerCall));
    }
  }
  return rows;
}

/**
 * Runs the MDL bench and returns its rows: tfjs on the backend `initBackend()` picks, then the
 * PyTorch reference with 1 thread and with one thread per core (skipped, with one note row, when
 * `python` cannot run it). Timings are only comparable on an otherwise idle machine.
 */
export async function benchMdl(opts: MdlBenchOptions = {}): Promise<MdlBenchRow[]> {
  const repeats = opts.repeats ?? 20;
  const backend = await initBackend();
  const impl = `tfjs ${backend.backend} (${backend.threads || 'GPU'} threads)`;
  const cases = benchCases();
  const rows: MdlBenchRow[] = [];
  const before = tf.memory().numTensors;
  for (const c of cases) rows.push(...(await tfjsLines(c, impl, repeats, opts)));
  if (tf.memory().numTensors !== before) throw new Error(`benchMdl: leaked ${tf.memory().numTensors - before} tensors`);
  const python = opts.python === undefined ? process.env.BENCH_PYTHON ?? 'python3' : opts.python;
  if (python !== null) {
    // PyTorch's OpenMP threads spin at barriers: with any other load on the cores, as many threads as
    // cores can run tens of times slower than one thread, so both are reported.
    const threadCounts = [...new Set([1, os.cpus().length])];
    for (const threads of threadCounts) rows.push(...torchLines(cases, python, repeats, opts, threads));
  }
  return rows;
}

if (require.main === module) {
  benchMdl({ repeats: Number(process.env.BENCH_REPEATS ?? 20) }).then(
    (rows) => console.table(rows),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
