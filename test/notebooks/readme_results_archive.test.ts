import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LANGUAGE_RESULTS_END, LANGUAGE_RESULTS_START } from '../../src/hypotheses/language_results_report';
import { RESULTS_END, RESULTS_START } from '../../src/hypotheses/results_report';

/** The text between two markers of `text` (the markers must be there). */
function between(text: string, start: string, end: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  assert.ok(i >= 0 && j > i, `markers ${start} … ${end}`);
  return text.slice(i + start.length, j);
}

describe("the README's results paragraphs are the committed archive's", () => {
  it('a clean store that imports results/laptop regenerates both paragraphs of the README byte for byte', () => {
    // Numbers in prose come from the result store: a README regenerated from a local store that the
    // archive does not hold (or edited by hand) fails here, on a clean clone, as CI runs it.
    const repo = path.resolve(__dirname, '..', '..');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-results-'));
    try {
      const env = { ...process.env, STUDY_DATASETS_DIR: path.join(root, 'datasets') };
      const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: repo, env, encoding: 'utf8' });
      const imported = run([path.join('src', 'cli.ts'), 'store', 'import', '--preset', 'laptop']);
      assert.equal(imported.status, 0, imported.stderr);
      const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
      const copy = path.join(root, 'README.md');
      // Blank paragraphs, so a regenerated one cannot pass by leaving the old text in place.
      fs.writeFileSync(copy, readme.replace(between(readme, RESULTS_START, RESULTS_END), '\n\n').replace(between(readme, LANGUAGE_RESULTS_START, LANGUAGE_RESULTS_END), '\n\n'));
      const results = run([path.join('src', 'notebooks', 'results.ts'), '--preset', 'laptop', '--readme', copy]);
      assert.equal(results.status, 0, results.stderr);
      const regenerated = fs.readFileSync(copy, 'utf8');
      assert.equal(between(regenerated, RESULTS_START, RESULTS_END), between(readme, RESULTS_START, RESULTS_END), 'synthetic paragraph: run `store import --preset laptop` then `npm run results`, or export the runs it was generated from');
      assert.equal(between(regenerated, LANGUAGE_RESULTS_START, LANGUAGE_RESULTS_END), between(readme, LANGUAGE_RESULTS_START, LANGUAGE_RESULTS_END), 'language paragraph: as above');
      assert.equal(regenerated, readme);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
