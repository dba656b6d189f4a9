// A kernel whose port another process took between jupyter_client's pick and the kernel's bind
// (seen as an occasional EADDRINUSE in CI): tslab only logs it and keeps running, so the driver used
// to wait out its 120 s start-up timeout and fail with a traceback. kernel_guard.py now ends such a
// kernel (exit 98) and execute_notebook.py starts a new one on new ports. The helper
// first_kernel_port_taken.py hands the first kernel a port held by a listening socket.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const VENV_PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const HELPER = path.join(ROOT, 'test', 'fixtures', 'notebooks', 'first_kernel_port_taken.py');
const DRIVER = path.join(ROOT, 'src', 'notebooks', 'execute_notebook.py');

const NOTEBOOK = {
  cells: [{ cell_type: 'code', execution_count: null, id: 'sum', metadata: {}, outputs: [], source: ['console.log(20 + 22)'] }],
  metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } },
  nbformat: 4,
  nbformat_minor: 5,
};

describe('notebook driver: a kernel that finds a port taken', () => {
  it('is ended by the guard and started again on new ports; the notebook runs', () => {
    fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
    const dir = fs.mkdtempSync(path.join(ROOT, '.cache', 'test-port-taken-'));
    try {
      const nb = path.join(dir, 'sum.ipynb');
      const out = path.join(dir, 'sum.out.ipynb');
      fs.writeFileSync(nb, JSON.stringify(NOTEBOOK));
      // 60 s is half the driver's start-up timeout: before the fix the run hung for 120 s.
      const res = spawnSync(VENV_PYTHON, [HELPER, DRIVER, nb, '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      assert.equal(res.error, undefined, `driver did not finish: ${res.error}`);
      assert.equal(res.status, 0, `driver exit ${res.status}:\n${res.stderr}`);
      assert.match(res.stderr, /Address already in use/, 'the first kernel was not given the taken port');
      assert.match(res.stderr, /kernel start 1 of 3 failed \(Kernel died before replying to kernel_info; a port taken\?\): starting a new kernel on new ports/);
      const executed = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.deepEqual(executed.cells[0].outputs, [{ name: 'stdout', output_type: 'stream', text: ['42\n'] }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
