import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatElapsed, TerminalProgress } from '../../src/notebooks/terminal_progress';

function recorder(opts: { minIntervalMs?: number; heartbeatMs?: number } = {}) {
  const lines: string[] = [];
  const terminal = new TerminalProgress({ print: (l) => lines.push(l), ...opts });
  return { lines, terminal };
}

describe('formatElapsed', () => {
  it('writes whole seconds as s, m s and h m s', () => {
    assert.equal(formatElapsed(5_900), '5s');
    assert.equal(formatElapsed(90_000), '1m30s');
    assert.equal(formatElapsed(3_725_000), '1h02m05s');
    assert.equal(formatElapsed(-1), '0s');
  });
});

describe('TerminalProgress', () => {
  it('prints at most one progress line per 2 s, keeping only the latest in between', () => {
    const { lines, terminal } = recorder();
    terminal.cellStarted(4, 22, 0);
    terminal.progressLine('run 1/10', 100);
    terminal.progressLine('run 2/10', 600);
    terminal.progressLine('run 3/10', 1200);
    terminal.tick(1500);
    assert.deepEqual(lines, ['  run 1/10']);
    terminal.tick(2100);
    assert.deepEqual(lines, ['  run 1/10', '  run 3/10']);
    terminal.tick(6000);
    assert.equal(lines.length, 2, 'nothing new to print');
  });

  it('prints the last line when the cell ends, then how long a slow cell took', () => {
    const { lines, terminal } = recorder();
    terminal.cellStarted(4, 22, 0);
    terminal.progressLine('run 1/10', 100);
    terminal.progressLine('run 10/10', 7000);
    terminal.progressLine('grid done', 7100);
    terminal.cellEnded(7300);
    assert.deepEqual(lines, ['  run 1/10', '  run 10/10', '  grid done', '  cell 4/22 took 7.3 s']);
  });

  it('says nothing about fast cells', () => {
    const { lines, terminal } = recorder();
    terminal.cellStarted(1, 3, 0);
    terminal.cellEnded(4999);
    assert.deepEqual(lines, []);
  });

  it('prints a heartbeat after 30 s without output, then every 30 s, and none while lines flow', () => {
    const { lines, terminal } = recorder();
    terminal.cellStarted(4, 22, 0);
    for (let t = 0; t < 30_000; t += 500) terminal.tick(t);
    assert.deepEqual(lines, []);
    terminal.tick(30_000);
    assert.deepEqual(lines, ['  cell 4/22 running for 30s']);
    terminal.progressLine('run 1/10', 50_000);
    for (let t = 30_500; t <= 80_000; t += 500) terminal.tick(t);
    assert.deepEqual(lines, ['  cell 4/22 running for 30s', '  run 1/10', '  cell 4/22 running for 1m20s']);
  });

  it('prints no heartbeat between cells and reports the running cell', () => {
    const { lines, terminal } = recorder();
    assert.equal(terminal.runningCell(), undefined);
    terminal.tick(100_000);
    terminal.cellStarted(2, 5, 100_000);
    assert.equal(terminal.runningCell(), '2/5');
    terminal.cellEnded(100_001);
    assert.equal(terminal.runningCell(), undefined);
    assert.deepEqual(lines, []);
  });
});
