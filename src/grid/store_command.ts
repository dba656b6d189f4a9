/**
 * `cli.ts store export|import --preset P [--dir D] [--kinds K[,K]]`: the preset's verified runs as one
 * JSON-lines file per run kind in `D` (default `results/<P>/`, committed), and back into the store
 * (`src/io/run_archive.ts`), so finished runs survive a new machine and ship with the code. `--kinds`
 * moves only those run kinds (say, the language ones, leaving a store's toy ablations out of the archive).
 * `import --replace`: a store result that conflicts with the archive (same configuration, another
 * result) is moved to `datasets/replaced/<P>/<time>/` and the archive's imported in its place.
 *
 * `cli.ts store gc|ls --preset P`: the result files of `datasets/results/<P>/` against the cells
 * of every study grid at that preset with no overrides (`STEP_CELLS`). `gc` lists the files no
 * grid uses (another configuration, an older algorithm version, an older file layout, unreadable)
 * and older than `--keep-days` (default 7); it deletes them only with `--delete`. `ls` lists every
 * run with the configuration values where it differs from the preset's cell of the same key.
 */
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../backend';
import { canonicalJson } from '../io/manifest';
import { datasetsPath, repoRoot } from '../io/paths';
import { copyModelFolder } from '../io/model_archive';
import { archiveSummary, exportRunArchive, importRunArchive } from '../io/run_archive';
import { RunStore } from '../io/run_store';
import { algorithmVersion, RUN_KINDS, type RunKind } from '../io/run_versions';
import { STEP_CELLS } from '../study/cells';
import { languageModelDir, languageTokenizerDir } from '../study/pretraining/model';
import { PRESET_NAMES } from '../study/params/presets';
import { ConfigError } from '../util/assert';
import { cellLocation } from './study_steps';

const DAY_MS = 24 * 3600 * 1000;

const STORE_SUBCOMMANDS = ['gc', 'ls', 'export', 'import'] as const;

interface StoreArgs {
  readonly sub: (typeof STORE_SUBCOMMANDS)[number];
  readonly preset: string;
  readonly keepDays: number;
  readonly remove: boolean;
  /** export/import: the archive folder (default `results/<preset>/`). */
  readonly dir?: string;
  /** export/import: only these run kinds (default all). */
  readonly kinds?: readonly RunKind[];
  /** import: move the store's results that conflict with the archive aside and import the archive's. */
  readonly replace?: boolean;
}

/** Parses `store` arguments; throws one-line ConfigErrors. */
export function parseStoreArgs(args: readonly string[]): StoreArgs {
  const [sub, ...rest] = args;
  if (!(STORE_SUBCOMMANDS as readonly string[]).includes(sub)) throw new ConfigError(`store: ${JSON.stringify(sub ?? null)} is not allowed; expected ${STORE_SUBCOMMANDS.join(', ')}`);
  const archive = sub === 'export' || sub === 'import';
  let preset: string | undefined;
  let keepDays = 7;
  let remove = false;
  let dir: string | undefined;
  let kinds: RunKind[] | undefined;
  let replace = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--delete' && sub === 'gc') remove = true;
    else if (a === '--replace' && sub === 'import') replace = true;
    else if (a === '--preset' || (a === '--keep-days' && sub === 'gc') || ((a === '--dir' || a === '--kinds') && archive)) {
      const v = rest[++i];
      if (v === undefined) throw new ConfigError(`${a.slice(2)}: missing value after ${a}`);
      if (a === '--preset') preset = v;
      else if (a === '--dir') dir = v;
      else if (a === '--kinds') kinds = parseKinds(v);
      else if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || Number(v) > 36500) throw new ConfigError(`keep-days: ${JSON.stringify(v)} is not allowed; expected a number of days in [0, 36500]`);
      else keepDays = Number(v);
    } else throw new ConfigError(`store ${sub}: ${JSON.stringify(a)} is not allowed; expected --preset P${sub === 'gc' ? ', --keep-days N, --delete' : sub === 'import' ? ', --dir D, --kinds K[,K], --replace' : archive ? ', --dir D, --kinds K[,K]' : ''}`);
  }
  if (preset === undefined) throw new ConfigError(`preset: missing; expected --preset ${PRESET_NAMES.join(' | ')}`);
  if (!(PRESET_NAMES as readonly string[]).includes(preset)) throw new ConfigError(`preset: '${preset}' is not allowed; expected one of ${PRESET_NAMES.join(', ')}`);
  return { sub: sub as StoreArgs['sub'], preset, keepDays, remove, dir, ...(kinds ? { kinds } : {}), ...(replace ? { replace } : {}) };
}

/** `--kinds a,b`: run kinds, each one of RUN_KINDS, none twice. */
function parseKinds(v: string): RunKind[] {
  const kinds = v.split(',');
  for (const k of kinds) if (!(RUN_KINDS as readonly string[]).includes(k)) throw new ConfigError(`kinds: ${JSON.stringify(k)} is not allowed; expected a comma-separated list of ${RUN_KINDS.join(', ')}`);
  if (new Set(kinds).size !== kinds.length) throw new ConfigError(`kinds: ${JSON.stringify(v)} names a kind twice; expected each of ${RUN_KINDS.join(', ')} at most once`);
  return kinds as RunKind[];
}

/** `store export|import`: the archive folder against the preset's results root; returns the exit code. */
function runArchiveCli(a: StoreArgs, io: { readonly out: (l: string) => void; readonly err: (l: string) => void }): number {
  const root = datasetsPath('results', a.preset);
  const dir = path.resolve(a.dir ?? path.join(repoRoot(), 'results', a.preset));
  if (a.sub === 'import' && !fs.existsSync(dir)) {
    io.err(`error: dir: ${dir} does not exist; expected a folder written by store export`);
    return 2;
  }
  // --replace: the store's conflicting results go to datasets/replaced/<preset>/<time>/, never deleted.
  const replaceConflictsInto = a.replace ? datasetsPath('replaced', a.preset, new Date().toISOString().replace(/[:.]/g, '-')) : undefined;
  const reports = a.sub === 'export' ? exportRunArchive(root, dir, a.kinds) : importRunArchive(dir, root, a.kinds, { replaceConflictsInto });
  for (const r of reports) for (const line of r.rejected) io.err(`left out: ${line}`);
  for (const r of reports) for (const line of r.replaced ?? []) io.out(`replaced: ${line}`);
  for (const line of archiveSummary(reports, a.sub === 'export' ? 'exported' : 'imported')) io.out(line);
  io.out(a.sub === 'export' ? `${root} -> ${dir}` : `${dir} -> ${root}`);
  // The pre-trained model and tokenizer the language runs name travel with them (io/model_archive.ts).
  const withModel = a.kinds === undefined || a.kinds.some((k) => k.startsWith('language_'));
  for (const [name, cached] of withModel ? ([['lm', languageModelDir(a.preset)], ['tokenizer', languageTokenizerDir(a.preset)]] as const) : []) {
    const archived = path.join(dir, 'models', name);
    const [from, to] = a.sub === 'export' ? [cached, archived] : [archived, cached];
    const status = copyModelFolder(from, to);
    if (status === 'conflict') {
      io.err(`models/${name}: ${to} already holds another ${name === 'lm' ? 'pre-trained model' : 'tokenizer'}; kept it, ${from} not copied (language runs of the other one are not this one's: results/README.md)`);
    } else if (status !== 'absent') io.out(`models/${name}: ${status === 'copied' ? `copied ${from} -> ${to}` : 'already there'}`);
  }
  return reports.some((r) => r.rejected.length > 0) ? 1 : 0;
}

/** Configurations the preset's grids use, per store kind and key; kinds whose cells could not be listed are in `unknown`. */
async function usedConfigs(preset: string, io: { readonly err: (l: string) => void }): Promise<{ used: Map<string, Map<string, string[]>>; unknown: Set<string> }> {
  const used = new Map<string, Map<string, string[]>>();
  const unknown = new Set<string>();
  for (const [step, list] of Object.entries(STEP_CELLS)) {
    if (step === 'lm-pretrain') continue;
    const kinds = step === 'toy-extension' ? ['toy_mdl', 'toy_rl'] : [cellLocation(step, '').kind as string];
    if (step.startsWith('language-') && !fs.existsSync(datasetsPath('models', preset, 'lm', 'manifest.json'))) {
      kinds.forEach((k) => unknown.add(k));
      io.err(`${step}: no pre-trained model for preset '${preset}', so its cells are unknown; keeping every ${kinds.join(', ')} file`);
      continue;
    }
    let cells;
    try {
      cells = await list(preset, {});
    } catch (e) {
      kinds.forEach((k) => unknown.add(k));
      io.err(`${step}: cells could not be listed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); keeping every ${kinds.join(', ')} file`);
      continue;
    }
    for (const c of cells) {
      const at = cellLocation(step, c.key);
      if (!at.kind) continue;
      const byKey = used.get(at.kind) ?? new Map<string, string[]>();
      byKey.set(at.key, [...(byKey.get(at.key) ?? []), canonicalJson(c.config)]);
      used.set(at.kind, byKey);
    }
  }
  return { used, unknown };
}

/** Leaf paths where `a` and `b` differ, as `path: a -> b` (at most `limit`). */
export function configDifferences(a: unknown, b: unknown, limit = 6, prefix = ''): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => configDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], limit, prefix ? `${prefix}.${k}` : k)).slice(0, limit);
  }
  return [`${prefix || '(value)'}: ${JSON.stringify(b) ?? 'absent'} -> ${JSON.stringify(a) ?? 'absent'}`];
}

/** Runs `store <args>`; returns the exit code (2 on bad input). */
export async function runStoreCli(args: readonly string[], io: { readonly out: (l: string) => void; readonly err: (l: string) => void }): Promise<number> {
  let a: StoreArgs;
  try {
    a = parseStoreArgs(args);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (a.sub === 'export' || a.sub === 'import') return runArchiveCli(a, io);
  await initBackend();
  const root = datasetsPath('results', a.preset);
  const { used, unknown } = await usedConfigs(a.preset, io);
  const kinds = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()).sort() : [];
  const now = Date.now();
  let unusedCount = 0;
  let removed = 0;
  let total = 0;
  for (const kind of kinds) {
    const store = new RunStore(path.join(root, kind), { onNotice: () => undefined });
    const byKey = used.get(kind);
    for (const e of store.entries()) {
      total++;
      let json: { run?: { algorithmVersion?: number; backend?: string }; config?: unknown } | undefined;
      try {
        json = JSON.parse(fs.readFileSync(e.file, 'utf8'));
      } catch {
        json = undefined;
      }
      const rel = path.relative(process.cwd(), e.file).startsWith('..') ? e.file : path.relative(process.cwd(), e.file);
      if (a.sub === 'ls') {
        const base = byKey?.get(e.key)?.[0];
        const diff = json?.config === undefined ? ['unreadable'] : base === undefined ? ['key not in the preset grid'] : configDifferences(json.config, JSON.parse(base));
        io.out(`${kind}/${e.key}  ${e.hash ?? '(no hash)'}  ${json?.run?.backend ?? '?'}  ${diff.length === 0 ? 'preset' : diff.join('; ')}`);
        continue;
      }
      if (unknown.has(kind)) continue;
      let why: string | undefined;
      if (e.hash === undefined) why = 'older file layout (no configuration hash)';
      else if (!json || json.config === undefined) why = 'unreadable';
      else if (json.run?.algorithmVersion !== algorithmVersion(kind)) why = `algorithm version ${json.run?.algorithmVersion}, now ${algorithmVersion(kind)}`;
      else if (!(byKey?.get(e.key) ?? []).includes(canonicalJson(json.config))) why = byKey?.has(e.key) ? 'configuration differs from the preset grid' : 'key not in the preset grid';
      if (why === undefined) continue;
      const ageDays = (now - fs.statSync(e.file).mtimeMs) / DAY_MS;
      if (ageDays < a.keepDays) continue;
      unusedCount++;
      io.out(`unused  ${ageDays.toFixed(1)} d  ${rel}  (${why})`);
      if (a.remove) {
        for (const f of [e.file, e.file.replace(/\.json$/, '.steps.jsonl')]) fs.rmSync(f, { force: true });
        removed++;
      }
    }
  }
  if (a.sub === 'gc') {
    io.out(`${root}: ${total} result files, ${unusedCount} unused and older than ${a.keepDays} d${a.remove ? `, ${removed} deleted` : unusedCount > 0 ? '; add --delete to remove them' : ''}`);
  }
  return 0;
}
