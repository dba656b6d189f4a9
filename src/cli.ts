/**
 * Command line: argv -> src/study/*, parsing and dispatch only. Each command is one entry of
 * `COMMANDS` (its flags, their docs, and a `run` that calls `src/study`); `grid` and `store` parse
 * their own subcommands (src/grid). The single-run commands (toy-rl, language-sft, ...) take
 * `--out` optionally: the run store under `datasets/results/<preset>/` is the record.
 * Bad input prints one line on stderr and exits with code 2.
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
import type { OnlineCodeResult } from './probing/online_code';
import type { LoveringMdlResult } from './probing/lovering_mdl';
import type { FinetuneResult } from './sft/classifier_finetune';
import { PARTITIONS } from './tasks/partitions';
import type { Partition } from './tasks/types';

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

// ---- the flags and report lines the single-run commands share --------------------------------

const rateFlag = (of: string): FlagSpec => ({ name: 'rate', key: 'rate', type: 'number', doc: `s-only rate p in [0, 1] of the ${of} (required)` });
const presetFlag = (what: string): FlagSpec => ({ name: 'preset', key: 'preset', type: 'string', doc: `smoke | laptop | paper: ${what} (default laptop)` });
const overridesFlag = (params: string, example: string): FlagSpec => ({ name: 'overrides', key: 'overrides', type: 'string', doc: `JSON object of ${params} parameters, e.g. '${example}'` });
const FEATURE_FLAG: FlagSpec = { name: 'feature', key: 'feature', type: 'string', doc: 'probed feature: s (s-only vs neither) or t (both vs s-only) (required)' };
const MODELS_DIR_FLAG: FlagSpec = { name: 'models-dir', key: 'modelsDir', type: 'string', doc: 'folder with the pre-trained lm/ and tokenizer/ (default datasets/models/<preset>; trained there if missing)', path: 'dir' };

/** What differs between the single-run commands' flags: the docs, the rate or feature flag, extras. */
interface SingleRunFlagDocs {
  readonly task: string;
  /** `--rate` (a training run) or `--feature` (a probe run). */
  readonly axis: FlagSpec;
  readonly seed: string;
  /** What the preset sets. */
  readonly preset: string;
  /** Whose parameters `--overrides` takes, and an example. */
  readonly overrides: readonly [string, string];
  /** The JSON `--out` gets. */
  readonly json: string;
  /** The notebook sharing the store, and the run kind (store folder). */
  readonly store: readonly [string, string];
  /** Command-specific flags, after the result store. */
  readonly extra?: readonly FlagSpec[];
  /** What `--force` does again; default retrain. */
  readonly force?: 'retrain' | 'recompute';
}

/** The flags of a single-run command: task, rate|feature, seed, preset, overrides, optional out and result store, extras, force. */
function singleRunFlags(d: SingleRunFlagDocs): FlagSpec[] {
  return [
    { name: 'task', key: 'task', type: 'number', doc: d.task },
    d.axis,
    { name: 'seed', key: 'seed', type: 'number', doc: d.seed },
    presetFlag(d.preset),
    overridesFlag(...d.overrides),
    { name: 'out', key: 'out', type: 'string', doc: `also write the run's JSON ${d.json} to this file (default: only the result store)`, path: 'file' },
    { name: 'results-dir', key: 'resultsDir', type: 'string', doc: `result store shared with ${d.store[0]} (default datasets/results/<preset>/${d.store[1]})`, path: 'dir' },
    ...(d.extra ?? []),
    { name: 'force', key: 'force', type: 'boolean', doc: `${d.force ?? 'retrain'} even when the result store holds the run` },
  ];
}
const MDL_JSON = '{codelengthBits, uniformBits, compression, n, blocks: [{size, bits, accuracy}]}';
const SFT_JSON = '{config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch}';

/** `reused|trained <key>` and, with `--out`, ` -> <file>` around a run's numbers. */
const runLine = (r: { reused: boolean; key: string; out: string | undefined }, verb: string, numbers: string): string => `${r.reused ? 'reused' : verb} ${r.key}: ${numbers}${r.out === undefined ? '' : ` -> ${r.out}`}`;
const partitions = (e: Readonly<Record<Partition, number>>): string => PARTITIONS.map((p) => `${p} ${e[p].toFixed(3)}`).join(', ');
const mdlLine = (r: { reused: boolean; key: string; out: string | undefined; json: OnlineCodeResult | LoveringMdlResult }): string =>
  runLine(r, 'computed', 'codelengthBits' in r.json ? `${r.json.codelengthBits.toFixed(1)} bits, compression ${r.json.compression.toFixed(3)}, N ${r.json.n}` : `original total_mdl ${r.json.totalMdlMixedUnits.toFixed(1)} (mixed units), N ${r.json.nUsed}`);
const rlLine = (r: { reused: boolean; key: string; out: string | undefined; result: { eval: Readonly<Record<Partition, number>> } }, score: string): string => runLine(r, 'trained', `${score} ${partitions(r.result.eval)}`);
const sftLine = (r: { reused: boolean; key: string; out: string | undefined; result: FinetuneResult }): string => runLine(r, 'trained', `accuracy ${r.result.accuracy.toFixed(3)}, error ${partitions(r.result.errors)}`);

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
    flags: singleRunFlags({
      task: 'study task 1..5: contains-1, first-last, prefix-duplicate, contains-first, adjacent-duplicate (required)',
      axis: FEATURE_FLAG,
      seed: 'probe seed: orders the probing set, initialises and shuffles every block probe (required)',
      preset: 'probing-set size, probe shape, epochs',
      overrides: ['notebook-02', '{"toyMdl": {"data": {"probeSize": 1000}}}'],
      json: MDL_JSON,
      store: ['notebook 02', 'toy_mdl'],
      extra: [
        { name: 'probe', key: 'probe', type: 'string', doc: "probe model: encoder (Cruz et al.'s toy encoder) or policy (GPT trunk + classifier); default the preset's" },
        { name: 'method', key: 'method', type: 'string', doc: "online (default): the online codelength; lovering: the original code's total_mdl (mixed units, JSON {totalMdlMixedUnits, nUsed, ...})" },
      ],
      force: 'recompute',
    }),
    async run(values, io) {
      io.out(mdlLine(await runToyMdlCommand(values)));
      return EXIT_OK;
    },
  },
  'toy-rl': {
    summary: 'train and evaluate one PPO policy on a toy task at one rate and seed, sizes from the preset (notebook 03)',
    flags: singleRunFlags({
      task: 'study task 1..5, or an extension rule pair of notebook 04 (required)',
      axis: rateFlag('training prompts'),
      seed: 'run seed: initialisation, sampling, shuffling (required)',
      preset: 'model size, iterations, batch',
      overrides: ['notebook-03', '{"toyRl": {"ppo": {"nIterations": 50}}}'],
      json: '{config, seed, steps, eval: {both, neither, s_only, t_only}, warnings}',
      store: ['notebook 03', 'toy_rl'],
      extra: [{ name: 'label-balance', key: 'labelBalance', type: 'string', doc: "study (default): the study's training set; balanced: label-1 share 50 % at every rate (the H2 ablation of notebook 04, key task<k>/rate<p>-balanced/seed<n>)" }],
    }),
    async run(values, io) {
      io.out(rlLine(await runToyRlCommand(values), 'reward'));
      return EXIT_OK;
    },
  },
  'toy-sft': {
    summary: 'fine-tune and score one supervised (Lovering) classifier on a toy task at one rate and seed, sizes from the preset (notebook 04)',
    flags: singleRunFlags({
      task: `study task 1..5, or an extension rule pair of notebook 04 (${TOY_SFT_TASK_IDS.filter((t) => t > 5).join(', ')}) (required)`,
      axis: rateFlag('training set'),
      seed: 'run seed: initialisation, dropout, shuffling (required)',
      preset: 'model size, training examples, epochs',
      overrides: ['notebook-04', '{"toySft": {"finetune": {"epochs": 5}}}'],
      json: SFT_JSON,
      store: ['notebook 04', 'toy_sft'],
    }),
    async run(values, io) {
      io.out(sftLine(await runToySftCommand(values)));
      return EXIT_OK;
    },
  },
  'lm-pretrain': {
    summary: 'pre-train (or reuse) the language model of the natural-language experiments: corpus, BPE tokenizer, GPT, cached under datasets/models/<preset>/lm (notebook 05)',
    flags: [
      presetFlag('tokenizer, model shape, steps'),
      overridesFlag('notebook-05 model', '{"lm": {"training": {"totalSteps": 500}}}'),
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
    flags: singleRunFlags({
      task: 'prefix task id (figures: 1, 2, 5, 22, 23; also 0, 6, 8, 9, 12) (required)',
      axis: FEATURE_FLAG,
      seed: 'probe seed: orders the probing set, initialises the head and shuffles every block probe (required)',
      preset: 'pre-trained model, probing-set size, epochs',
      overrides: ['notebook-06', '{"languageMdl": {"data": {"probeSize": 400}}}'],
      json: MDL_JSON,
      store: ['notebook 06', 'language_mdl'],
      extra: [MODELS_DIR_FLAG, { name: 'model', key: 'model', type: 'string', doc: "pretrained (default): the pre-trained LM; random: notebook 06's control, an untrained model of the same shape (GPT-2 init, seed languageMdl.randomInitSeed)" }],
      force: 'recompute',
    }),
    async run(values, io) {
      io.out(mdlLine(await runLanguageMdlCommand(values)));
      return EXIT_OK;
    },
  },
  'language-sft': {
    summary: 'fine-tune and score one supervised (Lovering) classifier on a language task: the pre-trained LM + head on the rate-p prompts, error per held-out partition (notebook 08)',
    flags: singleRunFlags({
      task: 'prefix task id (figures: 1, 2, 5, 22, 23) (required)',
      axis: rateFlag('training prompts'),
      seed: 'run seed: head initialisation, dropout, shuffling (required)',
      preset: 'pre-trained model, training prompts, epochs',
      overrides: ['LANGUAGE_SFT_PARAMS', '{"languageSft": {"finetune": {"epochs": 5}}}'],
      json: SFT_JSON,
      store: ['notebook 08', 'language_sft'],
      extra: [MODELS_DIR_FLAG],
    }),
    async run(values, io) {
      io.out(sftLine(await runLanguageSftCommand(values)));
      return EXIT_OK;
    },
  },
  'language-rl': {
    summary: 'train and evaluate one PPO policy (trl settings, sentiment reward) on a language task at one rate and seed, from the pre-trained model of the preset (notebook 07)',
    flags: singleRunFlags({
      task: 'language task 0, 1, 2, 5, 6, 8, 9, 12, 22, 23 (required)',
      axis: rateFlag('training prompts'),
      seed: 'run seed: value head, sampling, minibatch order (required)',
      preset: 'model, steps, batch',
      overrides: ['notebook-07', '{"languageRl": {"ppo": {"nIterations": 50}}}'],
      json: '{config, steps, eval (normalised scores per partition), rewards, samples, before, warnings}',
      store: ['notebook 07', 'language_rl'],
      extra: [MODELS_DIR_FLAG],
    }),
    async run(values, io) {
      io.out(rlLine(await runLanguageRlCommand(values), 'normalised score'));
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
  store: { summary: 'gc|ls|export|import: result files no preset grid uses (gc lists; --delete removes), runs with their configuration hash (ls), or the verified runs to and from results/<preset>/ (export|import)', run: runStoreCli },
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
