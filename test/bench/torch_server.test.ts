import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TorchServer } from '../../src/bench/torch_server';

describe('PyTorch side of the bench', () => {
  it('returns one line saying why when the Python cannot import torch (the bench then runs tfjs lines only)', async () => {
    const saved = process.env.BENCH_PYTHON;
    process.env.BENCH_PYTHON = '/nonexistent/python';
    try {
      const r = await TorchServer.start(process.cwd(), 1);
      assert.equal(typeof r, 'string');
      assert.match(r as string, /^no PyTorch: '\/nonexistent\/python' cannot import torch/);
    } finally {
      if (saved === undefined) delete process.env.BENCH_PYTHON;
      else process.env.BENCH_PYTHON = saved;
    }
  });
});
