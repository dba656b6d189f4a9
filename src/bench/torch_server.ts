/**
 * Client of the persistent PyTorch side of the paired bench (test/reference/bench_torch_server.py):
 * one Python process per bench run, one JSON request and one JSON answer per line over its
 * stdin/stdout, so Python and torch start-up happen once and are never timed.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** torch and thread facts the server reports at start. */
export interface TorchInfo {
  readonly torch: string;
  readonly transformers: string;
  /** torch.get_num_threads() after `set_num_threads`. */
  readonly threads: number;
  /** torch.get_num_interop_threads(). */
  readonly interop: number;
}

/** The Python used for the PyTorch side: $BENCH_PYTHON, else `<root>/.venv-bench/bin/python`, else python3. */
export function findPython(root: string): string {
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  const local = path.join(root, '.venv-bench', 'bin', 'python');
  if (fs.existsSync(local)) return local;
  return 'python3';
}

/** A running server; `request` sends one JSON line and resolves with the answer line. */
export class TorchServer {
  private buffer = '';
  private waiting: ((line: string) => void)[] = [];
  private stderr = '';

  private constructor(private readonly proc: ChildProcessWithoutNullStreams, readonly info: TorchInfo) {}

  /**
   * Starts the server with `threads` intra- and inter-op threads, or returns a one-line reason why
   * not (no Python with torch and transformers): the bench then runs its tfjs lines alone.
   */
  static async start(root: string, threads: number): Promise<TorchServer | string> {
    const python = findPython(root);
    const probe = spawnSync(python, ['-c', 'import torch, transformers'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      return `no PyTorch: '${python}' cannot import torch and transformers (set BENCH_PYTHON, or create .venv-bench: see README, Performance)`;
    }
    const script = path.join(root, 'test', 'reference', 'bench_torch_server.py');
    const proc = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) } });
    const server = new TorchServer(proc, { torch: '', transformers: '', threads: 0, interop: 0 });
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => server.onData(chunk));
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => (server.stderr = (server.stderr + chunk).slice(-2000)));
    proc.on('exit', () => server.waiting.splice(0).forEach((w) => w(JSON.stringify({ error: `PyTorch server exited: ${server.stderr.trim().split('\n').pop() ?? ''}` }))));
    const hello = (await server.request({ op: 'hello', threads })) as unknown as TorchInfo & { error?: string };
    if (hello.error) return `no PyTorch: ${hello.error}`;
    (server as { info: TorchInfo }).info = hello;
    return server;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.waiting.shift()?.(line);
    }
  }

  /** Sends one request; resolves with the parsed answer (`{ error }` when the server failed). */
  request(req: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line)));
      this.proc.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  /** Builds workload `id` of `kind`; throws the server's error line. */
  async setup(id: string, kind: string, params: unknown): Promise<void> {
    const ans = await this.request({ op: 'setup', id, kind, params });
    if (ans.error) throw new Error(`PyTorch ${kind}: ${String(ans.error)}`);
  }

  /** Runs `calls` calls of workload `id`; returns milliseconds per call. */
  async run(id: string, calls: number): Promise<number[]> {
    const ans = await this.request({ op: 'run', id, calls });
    if (ans.error) throw new Error(`PyTorch ${id}: ${String(ans.error)}`);
    return ans.ms as number[];
  }

  /** Frees workload `id`. */
  async drop(id: string): Promise<void> {
    await this.request({ op: 'drop', id });
  }

  /** Stops the server. */
  close(): void {
    this.proc.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
  }
}
