/**
 * `cli.ts grid ...` for the study: `runGridCommand` with the study's steps (`STEP_CELLS`), "done"
 * from the run store and "running" from its lock files. The backend is started first, because it
 * is part of every run's content-addressed key (workers pick the same one).
 */
import { initBackend } from '../backend';
import { repoRoot } from '../io/paths';
import { runGridCommand } from './grid_command';
import { studyGridDeps } from './study_steps';

/** Runs `grid <args>` with the study's grids; returns the exit code. */
export async function runGridCli(args: readonly string[], io: { readonly out: (l: string) => void; readonly err: (l: string) => void }): Promise<number> {
  const needsStore = args.length > 0 && !['--help', '-h', 'help'].includes(args[0]);
  if (needsStore) await initBackend();
  return runGridCommand(args, { ...studyGridDeps({ onNotice: io.err }), io, repoRoot: repoRoot() });
}
