import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProbeJsonl, runToyMdl, symbolIds, type ProbeExample } from '../../../../src/study/extractability/toy/probe';
import { createRng } from '../../../../src/util/rng';

const tinyProbe = { dModel: 16, nHead: 2, dFF: 32, nLayer: 1 };

function probingSet(n: number, seed: number): ProbeExample[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const ids = Array.from({ length: 10 }, () => rng.int(10));
    return { text: ids.join(' '), label: ids.includes(1) ? 1 : 0, partition: 'both' };
  });
}

describe('symbolIds', () => {
  it('maps symbol k to token id k', () => {
    assert.deepEqual(symbolIds('3 5 1 0 9', 10), [3, 5, 1, 0, 9]);
  });

  it('rejects a symbol outside the vocabulary or not a number', () => {
    assert.throws(() => symbolIds('3 12', 10), { message: "text: symbol '12' in '3 12' is not allowed; expected an integer in [0, 9]" });
    assert.throws(() => symbolIds('3 x', 10), { message: "text: symbol 'x' in '3 x' is not allowed; expected an integer in [0, 9]" });
  });
});

describe('parseProbeJsonl', () => {
  it('reads text, label and partition from JSON lines and skips blank lines', () => {
    const rows = parseProbeJsonl('{"text": "1 2", "label": 1, "partition": "both"}\n\n{"text": "3 4", "label": 0, "partition": "s_only"}\n');
    assert.deepEqual(rows, [
      { text: '1 2', label: 1, partition: 'both' },
      { text: '3 4', label: 0, partition: 's_only' },
    ]);
  });

  it('names the file and line of a bad label', () => {
    assert.throws(() => parseProbeJsonl('{"text": "1 2", "label": 1}\n{"text": "1", "label": 2}', 'probe.jsonl'), {
      message: 'probe.jsonl:2: label 2 is not allowed; expected 0 or 1',
    });
  });
});

describe('runToyMdl', () => {
  it('returns the toy-mdl JSON: codelengthBits, uniformBits, compression, n and 11 blocks', async () => {
    const r = await runToyMdl({ examples: probingSet(80, 0), probe: tinyProbe, epochs: 1, seed: 0 });
    assert.deepEqual(Object.keys(r).sort(), ['blocks', 'codelengthBits', 'compression', 'n', 'uniformBits']);
    assert.equal(r.n, 80);
    assert.equal(r.uniformBits, 80);
    assert.equal(r.blocks.length, 11);
    assert.deepEqual(Object.keys(r.blocks[10]).sort(), ['accuracy', 'bits', 'size']);
    assert.equal(
      r.blocks.reduce((s, b) => s + b.bits, 0),
      r.codelengthBits,
    );
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });

  it('is deterministic in the seed', async () => {
    const run = (seed: number) => runToyMdl({ examples: probingSet(60, 1), probe: tinyProbe, epochs: 1, seed });
    assert.deepEqual(await run(3), await run(3));
    assert.notEqual((await run(4)).codelengthBits, (await run(3)).codelengthBits);
  });

  it('adds the original code total only when asked for', async () => {
    const r = await runToyMdl({ examples: probingSet(60, 2), probe: tinyProbe, epochs: 1, seed: 0, loveringVariant: true });
    assert.ok(r.loveringMdl && r.loveringMdl.blocks.length === 11 && r.loveringMdl.totalMdlMixedUnits > 0);
  });

  it('rejects zero epochs', async () => {
    await assert.rejects(runToyMdl({ examples: probingSet(10, 0), epochs: 0, seed: 0 }), { message: 'epochs: 0 is outside [1, 9007199254740991]' });
  });
});
