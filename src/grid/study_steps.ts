/**
 * The study's grids for `grid list|run|slurm|status`: each step of `STEP_CELLS` with the result
 * store its cells land in, so "done" means "a verified result for exactly this configuration
 * (and this backend and algorithm version) is in the store" and "running" means "a live process
 * holds the run's lock". Also used by `store gc` to know which result files a preset's grids use.
 */
import * as fs from 'fs';
import { datasetsPath } from '../io/paths';
import { RunStore } from '../io/run_store';
import { STEP_CELLS, type StepCell } from '../study/cells';
import type { GridCellCommand } from './cells';
import type { GridListOptions, GridRegistry } from './grid_command';

/** Where one cell's result lives: its store folder (under `datasets/results/<preset>/`) and key there. */
export interface CellLocation {
  /** Store folder name, the run kind (`toy_rl`); undefined for a cell outside the run stores (`lm-pretrain`). */
  readonly kind?: string;
  /** Key inside that store. */
  readonly key: string;
}

/** The store of each step's cells; `toy-extension` keys are `mdl/<key>`, `rl/<key>` and `sft/<key>` of the toy stores. */
export function cellLocation(step: string, key: string): CellLocation {
  switch (step) {
    case 'toy-extension': {
      const [head, ...rest] = key.split('/');
      const kinds: Record<string, string> = { mdl: 'toy_mdl', rl: 'toy_rl', sft: 'toy_sft' };
      return { kind: kinds[head], key: rest.join('/') };
    }
    case 'lm-pretrain':
      return { key };
    default:
      return { kind: step.replace(/-/g, '_'), key };
  }
}

/** The store of run kind `kind` at `preset` (`datasets/results/<preset>/<kind>`). */
export function presetStore(preset: string, kind: string, opts: { readonly onNotice?: (line: string) => void } = {}): RunStore {
  return new RunStore(datasetsPath('results', preset, kind), { onNotice: opts.onNotice });
}

/** A step's cells with their configuration, remembered for `isDone` / `isRunning`. */
interface Listed {
  readonly step: string;
  readonly cells: ReadonlyMap<string, StepCell>;
}

/**
 * The registry, `isDone` and `isRunning` of `grid` for the study. The registry remembers the cells
 * it listed last, so the two predicates look up the configuration of a key.
 */
export function studyGridDeps(opts: { readonly onNotice?: (line: string) => void } = {}): {
  registry: GridRegistry;
  isDone: (key: string, preset: string) => boolean;
  isRunning: (key: string, preset: string) => boolean;
} {
  let listed: Listed | undefined;
  const registry: Record<string, (preset: string, overrides: Readonly<Record<string, unknown>>, opts?: GridListOptions) => Promise<readonly GridCellCommand[]>> = {};
  for (const [step, list] of Object.entries(STEP_CELLS)) {
    registry[step] = async (preset, overrides, opts) => {
      const cells = await list(preset, overrides, opts);
      listed = { step, cells: new Map(cells.map((c) => [c.key, c])) };
      return cells;
    };
  }
  const locate = (key: string, preset: string): { store: RunStore; key: string; config: unknown } | 'model' | undefined => {
    const cell = listed?.cells.get(key);
    if (!listed || !cell) return undefined;
    const where = cellLocation(listed.step, key);
    if (where.kind === undefined) return 'model';
    return { store: presetStore(preset, where.kind, opts), key: where.key, config: cell.config };
  };
  return {
    registry,
    isDone: (key, preset) => {
      const at = locate(key, preset);
      if (at === 'model') return fs.existsSync(datasetsPath('models', preset, 'lm', 'manifest.json'));
      return at !== undefined && at.store.get(at.key, at.config) !== undefined;
    },
    isRunning: (key, preset) => {
      const at = locate(key, preset);
      return at !== undefined && at !== 'model' && at.store.isRunning(at.key, at.config);
    },
  };
}
