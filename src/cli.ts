/**
 * Command line: argv -> experiments/*, parsing and dispatch only. Each command is one entry of
 * `COMMANDS` (its flags, their docs, and a `run` that calls `src/experiments`); add `toy-rl`,
 * `toy-mdl`, ... there. Bad input prints one line on stderr and exits with code 2.
 *
 *   npx tsx src/cli.ts toy-data --task 2 --rate 0.1 --seed 0 --train-size 1000 --test-size 100 --vocab 10 --out /tmp/toy
 */
import { generateToyDataset, resolveToyDataConfig, toyDataDir, type ToyDataParams } from './study/data/toy';
import { runToyMdlCommand } from './study/extractability/toy/grid';
import { ConfigError } from './util/assert';
import { runToyRlCommand } from './study/rl/toy/grid';
import { runToySftCommand, TOY_SFT_TASK_IDS } from './study/sft/toy/grid';
import { runLmPretrainCommand } from './study/pretraining/model';
import { runLanguageMdlCommand } from './study/extractability/language/grid';
import { runLanguageSftCommand } from './study/sft/language/grid';
import { runLanguageRlCommand } from './study/rl/language/grid';
import { checkWritablePath, type PathKind } from './io/path_checks';
import { runGridCli } from './grid/grid_cli';
import { runStoreCli } from './grid/store_command';

/** Exit codes: 0 done, 1 failed while running, 2 bad command line or configuration. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** How a flag's text is read: numbers become numbers (checked later by the command's config). */
export type FlagType = 'number' | 'string' | 'boolean';

/** One `--flag` of a command. */
export interface FlagSpec {
  /** Flag name without dashes, e.g. `train-size`. */
  readonly name: string;
  /** Key in the values passed to `run`, e.g. `trainSize`. */
  readonly key: string;
  readonly type: FlagType;
  /** One help line: meaning, default and its source. */
  readonly doc: string;
  /** A path the command writes: checked before any work (`checkWritablePath`). */
  readonly path?: PathKind;
  /** Largest accepted value of a number flag (sizes: a huge value is one line, not a RangeError). */
  readonly max?: number;
}

/** Where a command writes; tests pass their own. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** One subcommand. */
export interface Command {
  /** One help line. */
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  /** Runs with the parsed flag values (keyed by `FlagSpec.key`); returns the exit code. */
  run(values: Readonly<Record<string, unknown>>, io: CliIo): number | Promise<number>;
}

/** A bad command line; `main` prints the message and exits with `EXIT_USAGE`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Largest example count of a data-set size flag: 10M examples, 50x the paper's 200k training set. */
export const MAX_EXAMPLES = 10_000_000;

/** The commands, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  'toy-data': {
    summary: 'generate the synthetic task files (train, test per partition, probes, manifest) for one task, rate and seed',
    flags: [
      { name: 'task', key: 'task', type: 'number', doc: 'study task 1..5: contains-1, first-last, prefix-duplicate, contains-first, adjacent-duplicate (spurious: contains-2)' },
      { name: 'target', key: 'target', type: 'string', doc: "target rule instead of --task: contains-<k>, first-last, prefix-duplicate, contains-first, adjacent-duplicate" },
      { name: 'spurious', key: 'spurious', type: 'string', doc: "spurious rule with --target (default contains-2, the study's)" },
      { name: 'rate', key: 'rate', type: 'number', doc: 's-only rate p in [0, 1] of the training set (required)' },
      { name: 'seed', key: 'seed', type: 'number', doc: 'generator seed (default 0)' },
      { name: 'train-size', key: 'trainSize', type: 'number', doc: "training examples (default 200000, the paper's)", max: MAX_EXAMPLES },
      { name: 'test-size', key: 'testSize', type: 'number', doc: "held-out examples per partition (default 1000, the paper's s-only/t-only size)", max: MAX_EXAMPLES },
      { name: 'probe-size', key: 'probeSize', type: 'number', doc: 'examples per probing set, half per class (default = train size)', max: MAX_EXAMPLES },
      { name: 'vocab', key: 'vocab', type: 'number', doc: "vocabulary size V, symbols 0..V-1 (default 10, the RL study's)", max: 10_000 },
      { name: 'length', key: 'length', type: 'number', doc: 'sequence length L (default 10)', max: 4096 },
      { name: 'out', key: 'out', type: 'string', doc: 'output folder (default datasets/toy/custom/task<k>_<t>_vs_<s>/seed<n>/rate<p>)', path: 'dir' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'regenerate even when the manifest matches' },
    ],
    run(values, io) {
      const { out, force, ...rest } = values;
      const params = rest as unknown as ToyDataParams;
      const outDir = typeof out === 'string' ? out : toyDataDir(resolveToyDataConfig(params));
      const result = generateToyDataset(params, outDir, { force: force === true, onProgress: io.out });
      const c = result.config;
      io.out(`${result.skipped ? 'up to date' : 'wrote'} ${outDir} (target ${c.target}, spurious ${c.spurious}, rate ${c.rate}, seed ${c.seed}; sha256 ${result.manifest.sha256})`);
      return EXIT_OK;
    },
  },
  'toy-mdl': {
    summary: 'MDL online codelength (bits) of one toy probe: task, feature s|t and probe seed, sizes and epochs from the preset (notebook 02)',
    flags: [
      { name: 'task', key: 'task', type: 'number', doc: 'study task 1..5: contains-1, first-last, prefix-duplicate, contains-first, adjacent-duplicate (required)' },
      { name: 'feature', key: 'feature', type: 'string', doc: 'probed feature: s (s-only vs neither) or t (both vs s-only) (required)' },
      { name: 'seed', key: 'seed', type: 'number', doc: 'probe seed: orders the probing set, initialises and shuffles every block probe (required)' },
      { name: 'preset', key: 'preset', type: 'string', doc: 'smoke | laptop | paper: probing-set size, probe shape, epochs (default laptop)' },
      { name: 'probe', key: 'probe', type: 'string', doc: "probe model: encoder (Cruz et al.'s toy encoder) or policy (GPT trunk + classifier); default the preset's" },
      { name: 'overrides', key: 'overrides', type: 'string', doc: 'JSON object of notebook-02 parameters, e.g. \'{"mdlProbeSize": 1000}\'' },
      { name: 'out', key: 'out', type: 'string', doc: 'file for the JSON {codelengthBits, uniformBits, compression, n, blocks: [{size, bits, accuracy}]} (required)', path: 'file' },
      { name: 'results-dir', key: 'resultsDir', type: 'string', doc: "result store shared with notebook 02 (default datasets/results/<preset>/toy_mdl)", path: 'dir' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'recompute even when the result store holds the run' },
    ],
    async run(values, io) {
      const r = await runToyMdlCommand(values);
      io.out(`${r.reused ? 'reused' : 'computed'} ${r.key}: ${r.json.codelengthBits.toFixed(1)} bits, compression ${r.json.compression.toFixed(3)}, N ${r.json.n} -> ${r.out}`);
      return EXIT_OK;
    },
  },
  'toy-rl': {
    summary: 'train and evaluate one PPO policy on a toy task at one rate and seed, sizes from the preset (notebook 03)',
    flags: [
      { name: 'task', key: 'task', type: 'number', doc: 'study task 1..5 (required)' },
      { name: 'rate', key: 'rate', type: 'number', doc: 's-only rate p in [0, 1] of the training prompts (required)' },
      { name: 'seed', key: 'seed', type: 'number', doc: 'run seed: initialisation, sampling, shuffling (required)' },
      { name: 'preset', key: 'preset', type: 'string', doc: 'smoke | laptop | paper: model size, iterations, batch (default laptop)' },
      { name: 'overrides', key: 'overrides', type: 'string', doc: 'JSON object of notebook-03 parameters, e.g. \'{"rlIterations": 50}\'' },
      { name: 'out', key: 'out', type: 'string', doc: 'file for the JSON {config, seed, steps, eval: {both, neither, s_only, t_only}, warnings} (required)', path: 'file' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'retrain even when the result store holds the run' },
    ],
    async run(values, io) {
      const r = await runToyRlCommand(values);
      const e = r.result.eval;
      io.out(`${r.reused ? 'reused' : 'trained'} ${r.key}: reward both ${e.both.toFixed(3)}, neither ${e.neither.toFixed(3)}, s_only ${e.s_only.toFixed(3)}, t_only ${e.t_only.toFixed(3)} -> ${r.out}`);
      return EXIT_OK;
    },
  },
  'toy-sft': {
    summary: 'fine-tune and score one supervised (Lovering) classifier on a toy task at one rate and seed, sizes from the preset (notebook 04)',
    flags: [
      { name: 'task', key: 'task', type: 'number', doc: `study task 1..5, or an extension rule pair of notebook 04 (${TOY_SFT_TASK_IDS.filter((t) => t > 5).join(', ')}) (required)` },
      { name: 'rate', key: 'rate', type: 'number', doc: 's-only rate p in [0, 1] of the training set (required)' },
      { name: 'seed', key: 'seed', type: 'number', doc: 'run seed: initialisation, dropout, shuffling (required)' },
      { name: 'preset', key: 'preset', type: 'string', doc: 'smoke | laptop | paper: model size, training examples, epochs (default laptop)' },
      { name: 'overrides', key: 'overrides', type: 'string', doc: 'JSON object of notebook-04 parameters, e.g. \'{"sftEpochs": 5}\'' },
      { name: 'out', key: 'out', type: 'string', doc: 'file for the JSON {config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch} (required)', path: 'file' },
      { name: 'results-dir', key: 'resultsDir', type: 'string', doc: 'result store shared with notebook 04 (default datasets/results/<preset>/toy_sft)', path: 'dir' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'retrain even when the result store holds the run' },
    ],
    async run(values, io) {
      const r = await runToySftCommand(values);
      const e = r.result.errors;
      io.out(`${r.reused ? 'reused' : 'trained'} ${r.key}: accuracy ${r.result.accuracy.toFixed(3)}, error both ${e.both.toFixed(3)}, neither ${e.neither.toFixed(3)}, s_only ${e.s_only.toFixed(3)}, t_only ${e.t_only.toFixed(3)} -> ${r.out}`);
      return EXIT_OK;
    },
  },
  'lm-pretrain': {
    summary: 'pre-train (or reuse) the language model of the natural-language experiments: corpus, BPE tokenizer, GPT, cached under datasets/models/<preset>/lm (notebook 05)',
    flags: [
      { name: 'preset', key: 'preset', type: 'string', doc: 'smoke | laptop | paper: tokenizer, model shape, steps (default laptop)' },
      { name: 'overrides', key: 'overrides', type: 'string', doc: 'JSON object of notebook-05 model parameters, e.g. \'{"lmSteps": 500}\'' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'retrain even when the cached model matches' },
    ],
    async run(values, io) {
      const { lm, summary } = await runLmPretrainCommand(values, io.out);
      for (const row of summary) io.out(`${row.quantity}: ${typeof row.value === 'number' ? Number(row.value.toPrecision(6)) : row.value}`);
      lm.model.dispose();
      return EXIT_OK;
    },
  },
  'language-mdl': {
    summary: 'MDL online codelength (bits) of one language probe: the pre-trained LM as a classifier, task, feature s|t and probe seed, sizes from the preset (notebook 06)',
    flags: [
      { name: 'task', key: 'task', type: 'number', doc: 'prefix task id (figures: 1, 2, 5, 22, 23; also 0, 6, 8, 9, 12) (required)' },
      { name: 'feature', key: 'feature', type: 'string', doc: 'probed feature: s (s-only vs neither) or t (both vs s-only) (required)' },
      { name: 'seed', key: 'seed', type: 'number', doc: 'probe seed: orders the probing set, initialises the head and shuffles every block probe (required)' },
      { name: 'preset', key: 'preset', type: 'string', doc: 'smoke | laptop | paper: pre-trained model, probing-set size, epochs (default laptop)' },
      { name: 'overrides', key: 'overrides', type: 'string', doc: 'JSON object of notebook-06 parameters, e.g. \'{"langMdlProbeSize": 400}\'' },
      { name: 'out', key: 'out', type: 'string', doc: 'file for the JSON {codelengthBits, uniformBits, compression, n, blocks: [{size, bits, accuracy}]} (required)', path: 'file' },
      { name: 'results-dir', key: 'resultsDir', type: 'string', doc: 'result store shared with notebook 06 (default datasets/results/<preset>/language_mdl)', path: 'dir' },
      { name: 'models-dir', key: 'modelsDir', type: 'string', doc: 'folder with the pre-trained lm/ and tokenizer/ (default datasets/models/<preset>; trained there if missing)', path: 'dir' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'recompute even when the result store holds the run' },
    ],
    async run(values, io) {
      const r = await runLanguageMdlCommand(values);
      io.out(`${r.reused ? 'reused' : 'computed'} ${r.key}: ${r.json.codelengthBits.toFixed(1)} bits, compression ${r.json.compression.toFixed(3)}, N ${r.json.n} -> ${r.out}`);
      return EXIT_OK;
    },
  },
  'language-sft': {
    summary: 'fine-tune and score one supervised (Lovering) classifier on a language task: the pre-trained LM + head on the rate-p prompts, error per held-out partition',
    flags: [
      { name: 'task', key: 'task', type: 'number', doc: 'prefix task id (figures: 1, 2, 5, 22, 23) (required)' },
      { name: 'rate', key: 'rate', type: 'number', doc: 's-only rate p in [0, 1] of the training prompts (required)' },
      { name: 'seed', key: 'seed', type: 'number', doc: 'run seed: head initialisation, dropout, shuffling (required)' },
      { name: 'preset', key: 'preset', type: 'string', doc: 'smoke | laptop | paper: pre-trained model, training prompts, epochs (default laptop)' },
      { name: 'overrides', key: 'overrides', type: 'string', doc: 'JSON object of LANGUAGE_SFT_PARAMS, e.g. \'{"langSftEpochs": 5}\'' },
      { name: 'out', key: 'out', type: 'string', doc: 'file for the JSON {config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch} (required)', path: 'file' },
      { name: 'results-dir', key: 'resultsDir', type: 'string', doc: 'result store shared with the notebooks (default datasets/results/<preset>/language_sft)', path: 'dir' },
      { name: 'models-dir', key: 'modelsDir', type: 'string', doc: 'folder with the pre-trained lm/ and tokenizer/ (default datasets/models/<preset>; trained there if missing)', path: 'dir' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'retrain even when the result store holds the run' },
    ],
    async run(values, io) {
      const r = await runLanguageSftCommand(values);
      const e = r.result.errors;
      io.out(`${r.reused ? 'reused' : 'trained'} ${r.key}: accuracy ${r.result.accuracy.toFixed(3)}, error both ${e.both.toFixed(3)}, neither ${e.neither.toFixed(3)}, s_only ${e.s_only.toFixed(3)}, t_only ${e.t_only.toFixed(3)} -> ${r.out}`);
      return EXIT_OK;
    },
  },
  'language-rl': {
    summary: 'train and evaluate one PPO policy (trl settings, sentiment reward) on a language task at one rate and seed, from the pre-trained model of the preset (notebook 07)',
    flags: [
      { name: 'task', key: 'task', type: 'number', doc: 'language task 0, 1, 2, 5, 6, 8, 9, 12, 22, 23 (required)' },
      { name: 'rate', key: 'rate', type: 'number', doc: 's-only rate p in [0, 1] of the training prompts (required)' },
      { name: 'seed', key: 'seed', type: 'number', doc: 'run seed: value head, sampling, minibatch order (required)' },
      { name: 'preset', key: 'preset', type: 'string', doc: 'smoke | laptop | paper: model, steps, batch (default laptop)' },
      { name: 'overrides', key: 'overrides', type: 'string', doc: 'JSON object of notebook-07 parameters, e.g. \'{"langRlSteps": 50}\'' },
      { name: 'out', key: 'out', type: 'string', doc: 'file for the JSON {config, steps, eval (normalised scores per partition), rewards, samples, before, warnings} (required)', path: 'file' },
      { name: 'results-dir', key: 'resultsDir', type: 'string', doc: 'result store shared with notebook 07 (default datasets/results/<preset>/language_rl)', path: 'dir' },
      { name: 'models-dir', key: 'modelsDir', type: 'string', doc: 'folder with lm/ and tokenizer/ of the pre-trained model (default datasets/models/<preset>)', path: 'dir' },
      { name: 'force', key: 'force', type: 'boolean', doc: 'retrain even when the result store holds the run' },
    ],
    async run(values, io) {
      const r = await runLanguageRlCommand(values);
      const e = r.result.eval;
      io.out(`${r.reused ? 'reused' : 'trained'} ${r.key}: normalised score both ${e.both.toFixed(3)}, neither ${e.neither.toFixed(3)}, s_only ${e.s_only.toFixed(3)}, t_only ${e.t_only.toFixed(3)} -> ${r.out}`);
      return EXIT_OK;
    },
  },
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Parses `--flag value`, `--flag=value` and bare boolean flags against `flags`; throws UsageError. */
export function parseFlags(command: string, flags: readonly FlagSpec[], args: readonly string[]): Record<string, unknown> {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const expected = flags.map((f) => `--${f.name}`).join(', ');
  const values: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unexpected argument '${arg}'; expected flags ${expected}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`${command}: unknown flag --${name}; expected one of ${expected}`);
    if (spec.key in values) throw new UsageError(`${command}: --${name} given twice; expected it once`);
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`${command}: --${name} takes no value`);
      values[spec.key] = true;
      continue;
    }
    let text: string;
    if (eq !== -1) text = arg.slice(eq + 1);
    else {
      if (i + 1 >= args.length || args[i + 1].startsWith('--')) throw new UsageError(`${command}: --${name} needs a value (${spec.doc})`);
      text = args[++i];
    }
    values[spec.key] = spec.type === 'number' && NUMBER.test(text) ? Number(text) : text;
  }
  return values;
}

/**
 * Checks the parsed values that the flag specs constrain, before any work: path flags can be
 * written (`checkWritablePath`), number flags stay under their `max`. Throws one-line ConfigErrors.
 */
export function checkFlagValues(flags: readonly FlagSpec[], values: Readonly<Record<string, unknown>>): void {
  for (const f of flags) {
    const v = values[f.key];
    if (v === undefined) continue;
    if (f.path) checkWritablePath(f.name, v, f.path);
    if (f.max !== undefined && typeof v === 'number' && !(v <= f.max)) throw new ConfigError(`${f.name}: ${v} is above the largest allowed value ${f.max}; expected a number <= ${f.max}`);
  }
}

/** Commands with subcommands of their own (`grid list ...`, `store gc ...`), parsed by their module. */
const NESTED: Readonly<Record<string, { summary: string; run: (args: readonly string[], io: CliIo) => Promise<number> }>> = {
  grid: { summary: 'list|run|slurm|status <step>: a study grid as CLI cells, run on N local workers or as a Slurm job array', run: runGridCli },
  store: { summary: 'gc|ls: result files no preset grid uses (gc lists; --delete removes), or runs with their configuration hash', run: runStoreCli },
};

/** The top-level help: every command with its summary. */
export function helpText(): string {
  const all = [...Object.entries(COMMANDS), ...Object.entries(NESTED)];
  const width = Math.max(...all.map(([n]) => n.length));
  return [
    'usage: npx tsx src/cli.ts <command> [--flag value ...]',
    '',
    'commands:',
    ...all.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "'<command> --help' lists the command's flags.",
  ].join('\n');
}

/** The help of one command: its flags and their docs. */
export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  const width = Math.max(...c.flags.map((f) => f.name.length + (f.type === 'boolean' ? 2 : 10)));
  return [
    `usage: npx tsx src/cli.ts ${name} [flags]`,
    c.summary,
    '',
    ...c.flags.map((f) => `  ${`--${f.name}${f.type === 'boolean' ? '' : ' <value>'}`.padEnd(width)}  ${f.doc}`),
  ].join('\n');
}

/** Runs the command line `argv` (without `node` and the script); returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(helpText());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (Object.prototype.hasOwnProperty.call(NESTED, name)) return NESTED[name].run(args, io);
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`error: unknown command '${name}'; expected one of ${[...Object.keys(COMMANDS), ...Object.keys(NESTED)].join(', ')}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(commandHelp(name));
    return EXIT_OK;
  }
  try {
    const values = parseFlags(name, command.flags, args);
    checkFlagValues(command.flags, values);
    return await command.run(values, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.err(`error: ${e.message}`);
      return EXIT_USAGE;
    }
    io.err(`error: ${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
