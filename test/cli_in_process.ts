/** Runs the CLI's `main` in this process and collects what it prints (shared by the CLI tests). */
import { main } from '../src/cli';

/** Exit code and printed lines of `cli.ts <args>`. */
export async function inProcess(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
