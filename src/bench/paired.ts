/**
 * The paired measurement of one bench line: tfjs and PyTorch rounds alternate (A B A B ...), each
 * round times the same work, and the line's result is the median of the per-pair throughput ratios
 * with their min and max. A change of machine load hits both halves of a pair alike, so the ratio
 * stays meaningful on a shared machine where absolute numbers drift.
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import type { TorchServer } from './torch_server';
import { median } from '../stats/describe';

/** One workload, built on both sides with the same shapes and the same work per call. */
export interface BenchLine {
  /** Short id, also the PyTorch workload id, e.g. `ppo-laptop-update`. */
  readonly id: string;
  /** Workload, e.g. `PPO laptop (2x64, 128 episodes)`. */
  readonly case: string;
  /** What one call does, e.g. `update (4 epochs x 4 minibatches)`. */
  readonly work: string;
  /** Tokens one call processes (the unit of tokens/s). */
  readonly tokensPerCall: number;
  /** Calls per round on each side. */
  readonly callsPerRound: number;
  /** Untimed calls on each side before the first pair. */
  readonly warmupCalls: number;
  /** Builds the tfjs workload: `call` runs one call and resolves when its results are on the host. */
  setup(): Promise<{ call(): Promise<void>; dispose(): void }>;
  /** The PyTorch workload (`kind` of bench_torch_server.py) and its parameters. */
  readonly torch: { readonly kind: string; readonly params: unknown };
}

/** Result of one paired line. */
export interface PairedResult {
  readonly line: BenchLine;
  /** tfjs tokens/s, median over rounds. */
  readonly tfjsTokensPerSec: number;
  /** PyTorch tokens/s, median over rounds; null without PyTorch. */
  readonly torchTokensPerSec: number | null;
  /** tfjs / PyTorch throughput per pair (above 1: tfjs faster); empty without PyTorch. */
  readonly ratios: number[];
  /** 1-minute load average before and after the line. */
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** tf.memory().numTensors after minus before the line (0 = no leak). */
  readonly leakedTensors: number;
}


/**
 * Throughput ratio of each pair, tfjs / PyTorch = PyTorch ms / tfjs ms (the same tokens on both
 * sides), with the median, min and max; null fields when there are no pairs.
 */
export function pairedRatios(tfjsMs: readonly number[], torchMs: readonly number[]): { ratios: number[]; median: number | null; min: number | null; max: number | null } {
  if (tfjsMs.length !== torchMs.length) throw new Error(`pairedRatios: ${tfjsMs.length} tfjs rounds but ${torchMs.length} PyTorch rounds; expected pairs`);
  const ratios = tfjsMs.map((ms, i) => torchMs[i] / ms);
  if (ratios.length === 0) return { ratios, median: null, min: null, max: null };
  return { ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

async function tfjsRound(call: () => Promise<void>, calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await call();
  return (performance.now() - t0) / calls; // ms per call
}

/** Runs `pairs` tfjs/PyTorch round pairs of `line` (tfjs rounds only when `torch` is null). */
export async function runPairedLine(line: BenchLine, torch: TorchServer | null, pairs: number): Promise<PairedResult> {
  const loadBefore = os.loadavg()[0];
  const tensorsBefore = tf.memory().numTensors;
  const work = await line.setup();
  const tfjsMs: number[] = [];
  const torchMs: number[] = [];
  try {
    if (torch) await torch.setup(line.id, line.torch.kind, line.torch.params);
    for (let i = 0; i < line.warmupCalls; i++) await work.call();
    if (torch && line.warmupCalls > 0) await torch.run(line.id, line.warmupCalls);
    for (let p = 0; p < pairs; p++) {
      tfjsMs.push(await tfjsRound(work.call, line.callsPerRound));
      if (torch) {
        const ms = await torch.run(line.id, line.callsPerRound);
        torchMs.push(ms.reduce((a, b) => a + b, 0) / ms.length);
      }
    }
  } finally {
    work.dispose();
    if (torch) await torch.drop(line.id);
  }
  const perSec = (ms: number) => (line.tokensPerCall / ms) * 1e3;
  return {
    line,
    tfjsTokensPerSec: perSec(median(tfjsMs)),
    torchTokensPerSec: torch ? perSec(median(torchMs)) : null,
    ratios: torch ? pairedRatios(tfjsMs, torchMs).ratios : [],
    loadBefore,
    loadAfter: os.loadavg()[0],
    leakedTensors: tf.memory().numTensors - tensorsBefore,
  };
}

function fmt(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3);
}

/** The markdown table of paired results: one row per line. */
export function pairedTable(results: readonly PairedResult[]): string {
  const rows = results.map((r) => {
    const has = r.ratios.length > 0;
    const ratio = has ? `**${median(r.ratios).toFixed(2)}**` : '-';
    const range = has ? `${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)}` : '-';
    return `| ${r.line.case} | ${r.line.work} | ${fmt(r.tfjsTokensPerSec)} | ${r.torchTokensPerSec === null ? '-' : fmt(r.torchTokensPerSec)} | ${ratio} | ${range} | ${r.loadBefore.toFixed(1)} → ${r.loadAfter.toFixed(1)} |`;
  });
  return ['| workload | one call | tfjs tokens/s | PyTorch tokens/s | tfjs / PyTorch (median of pairs) | min–max | load |', '|---|---|---:|---:|---:|---:|---:|', ...rows].join('\n');
}
