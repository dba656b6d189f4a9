/**
 * `npm run bench`: throughput of the project's hot paths on every available tfjs backend, beside the
 * same work in PyTorch CPU, as a markdown table. Not a test: numbers depend on the machine and its load
 * (each line reports the best and the median of N calls).
 * Flags: --quick (small workloads), --backends=tensorflow,wasm,cpu (default: tensorflow,wasm; cpu is slow and
 * runs only the small cases), --no-torch,
 * --rounds=R (repeat the whole sequence R times and keep each line's best round: on a shared machine the
 * load drifts over minutes, and rounds give tfjs and PyTorch the same chances).
 * Env: BENCH_PYTHON (the Python with torch for the reference).
 */
import * as os from 'os';
import * as path from 'path';
import { BACKEND_NAMES, describeBackend, initBackend, type BackendName } from '../backend';
import { ConfigError, checkInt, oneOf } from '../util/assert';
import { gptBench } from './gpt_bench';
import { ppoBench } from './ppo_bench';
import { benchMdl, type MdlBenchRow } from './mdl_bench';
import { findPython, markdownTable, runTorchReference, type BenchModule, type BenchRow } from './harness';

/** Registered modules, in table order; PPO and MDL lines add theirs here. */
const MODULES: BenchModule[] = [gptBench, ppoBench];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const a of argv) {
    if (!/^--(quick|no-torch|no-mdl|backends=.+|rounds=\d+)$/.test(a)) throw new ConfigError(`bench: unknown argument '${a}'; expected --quick, --no-torch, --no-mdl, --backends=a,b or --rounds=N`);
  }
  const quick = argv.includes('--quick');
  const withTorch = !argv.includes('--no-torch');
  const backendsArg = argv.find((a) => a.startsWith('--backends='))?.slice('--backends='.length);
  const requested = (backendsArg ? backendsArg.split(',') : ['tensorflow', 'wasm']).map((b) => oneOf('--backends', b, BACKEND_NAMES));
  const root = path.resolve(__dirname, '..', '..');
  const opts = { quick };
  const rounds = checkInt('--rounds', Number(argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 1), 1, 20);
  const best = new Map<string, BenchRow>(); // best round per line
  const keep = (r: BenchRow) => {
    const key = `${r.module}|${r.case}|${r.line}|${r.backend}`;
    const old = best.get(key);
    if (!old || r.tokensPerSec > old.tokensPerSec) best.set(key, r);
  };
  const notes = new Set<string>();
  console.log(`# bench${quick ? ' (quick)' : ''}: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0].toFixed(2)}, node ${process.version}, ${rounds} round(s)`);
  for (let round = 0; round < rounds; round++) {
    for (const backend of requested as BackendName[]) {
      let report;
      try {
        report = await initBackend(backend);
      } catch (e) {
        notes.add(`${backend}: not available (${String(e instanceof Error ? e.message : e).split('\n')[0]})`);
        continue;
      }
      console.log(`- round ${round + 1}: ${describeBackend(report)}`);
      for (const m of MODULES) {
        if (m.skip?.[backend]) {
          notes.add(`${m.name} on ${backend}: skipped, ${m.skip[backend]}`);
          continue;
        }
        for (const r of await m.run(backend, opts)) {
          console.log(`  ${r.module} | ${r.case} | ${r.line}: ${Math.round(r.tokensPerSec)} tokens/s`);
          keep(r);
        }
      }
    }
    if (withTorch) {
      for (const m of MODULES) {
        const t = runTorchReference(m, opts, root);
        if (t.info) console.log(`- round ${round + 1}: PyTorch reference, ${t.info}`);
        if (t.note) notes.add(t.note);
        t.rows.forEach(keep);
      }
    }
  }
  console.log(`# load average at the end ${os.loadavg()[0].toFixed(2)}`);
  const rows = [...best.values()];
  console.log('\n' + markdownTable(rows));
  if (notes.size) console.log('\n' + [...notes].map((n) => `- ${n}`).join('\n'));
  console.log(`\nTokens/s from the best of N timed calls after 2 warm-up calls${rounds > 1 ? `, best of ${rounds} rounds` : ''}; tfjs / PyTorch above 1 means tfjs is faster.`);
  if (!argv.includes('--no-mdl')) {
    // MDL probe lines: one probe training step, scoring and a whole online code, on the first backend asked for.
    await initBackend(requested[0]);
    const mdlRows = await benchMdl({ repeats: quick ? 3 : 20, python: withTorch ? findPython(root) : null, online: !quick });
    console.log('\n## MDL probe (toy encoder)\n\n' + mdlMarkdown(mdlRows));
  }
}

function mdlMarkdown(rows: readonly MdlBenchRow[]): string {
  const fmt = (x: number | null, digits: number) => (x === null ? '' : x.toFixed(digits));
  return [
    '| case | line | implementation | examples/s | ms per call | note |',
    '|---|---|---|---:|---:|---|',
    ...rows.map((r) => `| ${r.case} | ${r.line} | ${r.impl} | ${fmt(r.examplesPerSec, 0)} | ${fmt(r.msPerCall, 1)} | ${r.note} |`),
  ].join('\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
