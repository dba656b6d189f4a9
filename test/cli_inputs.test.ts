/** Input checks before any work: bad paths, huge sizes and prototype keys give one line and exit code 2. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT_USAGE } from '../src/cli';
import { inProcess } from './cli_in_process';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-inputs-'));
const file = path.join(tmp, 'a-file');
fs.writeFileSync(file, 'x');
const toyRl = (out: string, extra: string[] = []) => ['toy-rl', '--task', '1', '--rate', '0', '--seed', '0', '--preset', 'smoke', '--out', out, ...extra];

describe('cli input checks', () => {
  const cases: [string, string[], RegExp][] = [
    ['an --out under /proc', toyRl('/proc/self/run.json'), /^error: out: '\/proc\/self\/run\.json' is on \/proc; expected a path on a regular file system$/],
    ['an --out that is a directory', toyRl(tmp), /^error: out: '.*' is a directory; expected a file path$/],
    ['an --out below a file', toyRl(path.join(file, 'run.json')), /^error: out: '.*' cannot be created: '.*a-file' is not a directory$/],
    ['a --results-dir that is a file', ['toy-sft', '--task', '1', '--rate', '0', '--seed', '0', '--out', path.join(tmp, 'o.json'), '--results-dir', file], /^error: results-dir: '.*' is not a directory; expected a folder path$/],
    ['a huge --train-size', ['toy-data', '--task', '1', '--rate', '0', '--train-size', '1e12', '--out', path.join(tmp, 'd')], /^error: train-size: 1000000000000 is above the largest allowed value 10000000/],
    ['a __proto__ override', toyRl(path.join(tmp, 'o.json'), ['--overrides', '{"__proto__": {"toyRl": 1}}']), /^error: overrides\.__proto__: key '__proto__' is not allowed/],
    ['a constructor override', toyRl(path.join(tmp, 'o.json'), ['--overrides', '{"constructor": 1}']), /^error: overrides\.constructor: key 'constructor' is not allowed/],
  ];
  for (const [what, args, message] of cases) {
    it(`fails before training on ${what}: one line, exit code 2`, async () => {
      const t0 = Date.now();
      const r = await inProcess(args);
      assert.equal(r.code, EXIT_USAGE, r.err.join('\n'));
      assert.equal(r.err.length, 1, r.err.join('\n'));
      assert.match(r.err[0], message);
      assert.equal(r.out.length, 0);
      assert.ok(Date.now() - t0 < 2000, 'no training started');
    });
  }

  it('leaves no temporary file beside a rejected --out', async () => {
    await inProcess(toyRl(tmp));
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.includes('.tmp-')), []);
  });
});
