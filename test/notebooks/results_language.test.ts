/** `npm run results`, language part: without a cached pre-trained model it says so between the language markers and touches nothing else. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LANGUAGE_RESULTS_END, LANGUAGE_RESULTS_START } from '../../src/hypotheses/language_results_report';
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
});
