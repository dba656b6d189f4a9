/**
 * Shared pieces of `npm run bench`: the row type every bench module returns, best-of-N timing, the
 * PyTorch reference runner and the markdown table. A bench module (GPT here; PPO, MDL later) is one
 * file in src/bench/ exporting a `BenchModule`, registered in bench.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName } from '../backend';

/** One measured line of the table. */
export interface BenchRow {
  /** Module that produced it, e.g. 'gpt'. */
  readonly module: string;
  /** Workload, e.g. 'toy policy (4x256, batch 256)'. */
  readonly case: string;
  /** What was timed, e.g. 'train (fwd+bwd+Adam)'. */
  readonly line: string;
  /** tfjs backend, or 'pytorch' for the reference. */
  readonly backend: BackendName | 'pytorch';
  /** Tokens processed per second (best of N calls). */
  readonly tokensPerSec: number;
  /** Milliseconds per call, best of N. */
  readonly bestMs: number;
  /** Milliseconds per call, median of N. */
  readonly medianMs: number;
}

/** Options shared by all modules. */
export interface BenchOptions {
  /** Fewer repeats and smaller workloads (a smoke run of the bench itself). */
  readonly quick: boolean;
}

/** A group of bench lines, run once per tfjs backend, with an optional PyTorch counterpart. */
export interface BenchModule {
  /** Short name used in the table, e.g. 'gpt'. */
  readonly name: string;
  /** Measures every line on the currently active tfjs backend. */
  run(backend: BackendName, opts: BenchOptions): Promise<BenchRow[]>;
  /** Backends this module skips, with the reason (e.g. cpu: minutes per step). */
  readonly skip?: Partial<Record<BackendName, string>>;
  /** The PyTorch script (repo-relative) and its JSON job; the script prints rows as JSON lines. */
  torchJob?(opts: BenchOptions): { script: string; job: unknown };
}

/** Times `fn` `repeats` times after `warmup` calls; returns best and median milliseconds. */
export async function timeCalls(fn: () => Promise<void> | void, warmup: number, repeats: number): Promise<{ bestMs: number; medianMs: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { bestMs: ms[0], medianMs: ms[Math.floor(ms.length / 2)] };
}

/** The Python used for PyTorch references: $BENCH_PYTHON, else .venv-bench/bin/python, else python3. */
export function findPython(root: string): string {
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  const local = path.join(root, '.venv-bench', 'bin', 'python');
  if (fs.existsSync(local)) return local;
  return 'python3';
}

/** Result of a PyTorch reference run: rows, or a one-line reason why there are none. */
export interface TorchResult {
  readonly rows: BenchRow[];
  /** torch version and thread count, e.g. 'torch 2.13.0+cpu, 2 threads'. */
  readonly info?: string;
  readonly note?: string;
}

/** Runs a module's PyTorch script with its job; skips with a note when torch cannot be imported. */
export function runTorchReference(module: BenchModule, opts: BenchOptions, root: string): TorchResult {
  if (!module.torchJob) return { rows: [], note: `${module.name}: no PyTorch reference` };
  const python = findPython(root);
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { rows: [], note: `PyTorch reference skipped: '${python}' cannot import torch (set BENCH_PYTHON to a Python with torch and transformers)` };
  const { script, job } = module.torchJob(opts);
  const res = spawnSync(python, [path.join(root, script), JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (res.status !== 0) return { rows: [], note: `PyTorch reference failed (${python} ${script}): ${(res.stderr || '').trim().split('\n').pop()}` };
  const rows: BenchRow[] = [];
  let info: string | undefined;
  for (const line of res.stdout.split('\n').filter((l) => l.trim().startsWith('{'))) {
    const o = JSON.parse(line);
    if (o.torch) info = `torch ${o.torch}, transformers ${o.transformers}, ${o.threads} threads`;
    else rows.push({ module: module.name, case: o.case, line: o.line, backend: 'pytorch', tokensPerSec: o.tokensPerSec, bestMs: o.bestMs, medianMs: o.medianMs });
  }
  return { rows, info };
}

function fmt(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

/**
 * Markdown table: one row per tfjs measurement, with the PyTorch row of the same case and line
 * and the throughput ratio tfjs / PyTorch (above 1 = tfjs faster).
 */
export function markdownTable(rows: readonly BenchRow[]): string {
  const torch = new Map(rows.filter((r) => r.backend === 'pytorch').map((r) => [`${r.module}|${r.case}|${r.line}`, r]));
  const out = [
    '| module | case | line | backend | tokens/s | best ms | median ms | PyTorch tokens/s | tfjs / PyTorch |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows.filter((x) => x.backend !== 'pytorch')) {
    const t = torch.get(`${r.module}|${r.case}|${r.line}`);
    out.push(`| ${r.module} | ${r.case} | ${r.line} | ${r.backend} | ${fmt(r.tokensPerSec)} | ${fmt(r.bestMs)} | ${fmt(r.medianMs)} | ${t ? fmt(t.tokensPerSec) : '-'} | ${t ? (r.tokensPerSec / t.tokensPerSec).toFixed(2) : '-'} |`);
  }
  return out.join('\n');
}
