/** `npm run results`, language part: without a cached pre-trained model it says so between the language markers and touches nothing else. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { LANGUAGE_RESULTS_END, LANGUAGE_RESULTS_START } from '../../src/hypotheses/language_results_report';
import { RESULTS_END, RESULTS_START } from '../../src/hypotheses/results_report';
import { repoRoot } from '../../src/io/paths';
import { writeLanguageResultsParagraph } from '../../src/notebooks/results';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'results-language-'));
const saved = process.env.STUDY_DATASETS_DIR;
after(() => {
  if (saved === undefined) delete process.env.STUDY_DATASETS_DIR;
  else process.env.STUDY_DATASETS_DIR = saved;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm run results (language)', () => {
  it('writes "Not generated yet" between the language markers when the preset has no cached model', async () => {
    process.env.STUDY_DATASETS_DIR = tmp;
    const readme = path.join(tmp, 'README.md');
    fs.writeFileSync(readme, `# t\n\n${LANGUAGE_RESULTS_START}\ntyped by hand\n${LANGUAGE_RESULTS_END}\nafter\n`);
    const paragraph = await writeLanguageResultsParagraph('smoke', readme);
    assert.match(paragraph, /^Not generated yet: no pre-trained language model is cached for the `smoke` preset/);
    assert.equal(fs.readFileSync(readme, 'utf8'), `# t\n\n${LANGUAGE_RESULTS_START}\n${paragraph}\n${LANGUAGE_RESULTS_END}\nafter\n`);
    assert.ok(!fs.existsSync(path.join(tmp, 'models')), 'nothing trained');
  });

  const runResults = (args: readonly string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot(), 'src', 'notebooks', 'results.ts'), '--preset', 'smoke', ...args], { env: { ...process.env, STUDY_DATASETS_DIR: tmp }, encoding: 'utf8' });

  it('--model is one line and exit 2 without --only language, or when no stored lineage starts with it', () => {
    const readme = path.join(tmp, 'README-model.md');
    fs.writeFileSync(readme, `${LANGUAGE_RESULTS_START}\nkept\n${LANGUAGE_RESULTS_END}\n`);
    const alone = runResults(['--readme', readme, '--model', '2a636a']);
    assert.equal(alone.status, 2);
    assert.equal(alone.stderr.trim(), '--model: names a language model lineage; expected it with --only language');
    const none = runResults(['--readme', readme, '--only', 'language', '--model', '2a636a']);
    assert.equal(none.status, 2);
    assert.equal(none.stderr.trim(), '--model: 2a636a names no model of the stored language RL runs; expected one of none');
    assert.equal(fs.readFileSync(readme, 'utf8'), `${LANGUAGE_RESULTS_START}\nkept\n${LANGUAGE_RESULTS_END}\n`);
  });

  it('--only language rewrites the language paragraph and leaves the synthetic one as it was', () => {
    const readme = path.join(tmp, 'README-only.md');
    fs.writeFileSync(readme, `${RESULTS_START}\nsynthetic text kept\n${RESULTS_END}\n${LANGUAGE_RESULTS_START}\nold language text\n${LANGUAGE_RESULTS_END}\n`);
    const res = runResults(['--readme', readme, '--only', 'language']);
    assert.equal(res.status, 0, res.stderr);
    const text = fs.readFileSync(readme, 'utf8');
    assert.match(text, new RegExp(`${RESULTS_START}\nsynthetic text kept\n${RESULTS_END}`));
    assert.doesNotMatch(text, /old language text/);
    assert.match(text, /Not generated yet: no pre-trained language model is cached for the `smoke` preset/);
  });

  it('--only with another value: one line naming the flag and the allowed values, exit code 2', () => {
    const readme = path.join(tmp, 'README-bad.md');
    fs.writeFileSync(readme, `${RESULTS_START}\n${RESULTS_END}\n`);
    const res = runResults(['--readme', readme, '--only', 'both']);
    assert.equal(res.status, 2);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.match(res.stderr, /--only.*synthetic.*language/);
  });
});
