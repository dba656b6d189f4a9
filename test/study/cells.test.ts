import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { checkFlagValues, COMMANDS, parseFlags } from '../../src/cli';
import { STEP_CELLS, type StepCell } from '../../src/study/cells';
import { toyMdlCommandCell } from '../../src/study/extractability/toy/grid';
import { languageMdlCells, languageMdlCommandCell } from '../../src/study/extractability/language/grid';
import { LANGUAGE_MDL_PARAMS } from '../../src/study/extractability/language/schema';
import { randomInitInputs } from '../../src/study/extractability/language/random_init';
import { toyRlCommandCell } from '../../src/study/rl/toy/grid';
import { languageRlCommandCell } from '../../src/study/rl/language/grid';
import { toySftCommandCell } from '../../src/study/sft/toy/grid';
import { languageSftCommandCell } from '../../src/study/sft/language/grid';
import { loadOrTrainLanguageModel, type LanguageModel } from '../../src/study/pretraining/model';
import { LANGUAGE_PRETRAINING_PARAMS } from '../../src/study/pretraining/schema';
import { resolveParams } from '../../src/study/params/resolve';
import { syntheticCells } from '../../src/study/extension/synthetic_runs';
import { TOY_HYPOTHESES_PARAMS } from '../../src/study/extension/schema';

// Every step of the study at the smoke preset: each listed cell's argv, read by the CLI's own parser,
// names exactly the cell (key and configuration, as the store hashes it) the command then computes.
// The language steps use the smoke pre-trained model (trained once if not cached).

let lm: LanguageModel;
before(async () => {
  await initBackend();
  lm = await loadOrTrainLanguageModel(resolveParams(LANGUAGE_PRETRAINING_PARAMS, { preset: 'smoke', env: {} }));
});
after(() => lm?.model.dispose());

/** The cell the command of `argv` computes, from the CLI-parsed flags. */
async function commandCell(argv: readonly string[]): Promise<{ key: string; config: unknown }> {
  const [name, ...args] = argv;
  const command = COMMANDS[name];
  assert.ok(command, `unknown command ${name}`);
  const values = parseFlags(name, command.flags, args);
  checkFlagValues(command.flags, values);
  assert.equal(values.out, undefined, 'grid cells write only the run store');
  switch (name) {
    case 'toy-mdl': return toyMdlCommandCell(values);
    case 'toy-rl': return toyRlCommandCell(values);
    case 'toy-sft': return toySftCommandCell(values);
    case 'language-mdl': return languageMdlCommandCell(values, lm);
    case 'language-rl': return languageRlCommandCell(values, lm);
    case 'language-sft': return languageSftCommandCell(values, lm);
    case 'lm-pretrain': return { key: `lm/${values.preset}`, config: resolveParams(LANGUAGE_PRETRAINING_PARAMS, { preset: String(values.preset), env: {} }) };
    default: throw new Error(`no cell for command ${name}`);
  }
}

/** The key inside the command's store: `toy-extension` lists `mdl/<key>`, `rl/<key>` and `sft/<key>`. */
const storeKey = (step: string, key: string): string => (step === 'toy-extension' ? key.split('/').slice(1).join('/') : key);

const json = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('STEP_CELLS at the smoke preset', () => {
  it('has a lister for every single-run command and lm-pretrain, plus the toy extension', () => {
    assert.deepEqual(Object.keys(STEP_CELLS).sort(), ['language-mdl', 'language-rl', 'language-sft', 'lm-pretrain', 'toy-extension', 'toy-mdl', 'toy-rl', 'toy-sft']);
  });

  for (const step of Object.keys(STEP_CELLS)) {
    it(`${step}: unique keys, and each argv parses into the listed cell's key and configuration`, async () => {
      const cells: StepCell[] = await STEP_CELLS[step]('smoke');
      assert.ok(cells.length > 0);
      assert.equal(new Set(cells.map((c) => c.key)).size, cells.length, 'keys unique within the step');
      for (const cell of cells) {
        const parsed = await commandCell(cell.argv);
        assert.equal(parsed.key, storeKey(step, cell.key), cell.argv.join(' '));
        assert.deepEqual(json(parsed.config), json(cell.config), cell.argv.join(' '));
      }
    });
  }

  it('toy-extension with toy-mdl, toy-rl and toy-sft lists every run notebook 04 reads, balanced RL included', async () => {
    const listed = new Set<string>();
    const add = (kind: string, cells: readonly StepCell[]) => cells.forEach((c) => listed.add(`${kind}:${JSON.stringify(json(c.config))}`));
    add('mdl', await STEP_CELLS['toy-mdl']('smoke'));
    add('rl', await STEP_CELLS['toy-rl']('smoke'));
    add('sft', await STEP_CELLS['toy-sft']('smoke'));
    const ext = await STEP_CELLS['toy-extension']('smoke');
    ext.forEach((c) => listed.add(`${c.key.split('/')[0]}:${JSON.stringify(json(c.config))}`));
    const all = syntheticCells(resolveParams(TOY_HYPOTHESES_PARAMS, { preset: 'smoke', env: {} }));
    assert.ok(all.rlBalanced.length > 0, 'the smoke preset has balanced cells');
    for (const [kind, cells] of [['mdl', all.mdl], ['rl', all.rl], ['sft', all.sft], ['rl', all.rlBalanced]] as const) {
      for (const c of cells) assert.ok(listed.has(`${kind}:${JSON.stringify(json(c.config))}`), `${kind} ${c.key} is in no grid step`);
    }
    assert.ok(ext.some((c) => c.argv.includes('--label-balance') && c.key.includes('-balanced/')));
  });

  it("toy-extension's MDL probes take the study tasks' toyMdl.seeds; its RL and SFT runs take toyExtension.seeds", async () => {
    const p = resolveParams(TOY_HYPOTHESES_PARAMS, { preset: 'laptop', env: {} });
    const ext = await STEP_CELLS['toy-extension']('laptop');
    const seedsOf = (kind: string) => [...new Set(ext.filter((c) => c.key.startsWith(`${kind}/`)).map((c) => Number(/seed(\d+)/.exec(c.key)![1])))].sort();
    assert.notDeepEqual(p.toyMdl.seeds, p.toyExtension.seeds, 'the laptop preset tells the two apart');
    assert.deepEqual(seedsOf('mdl'), [...p.toyMdl.seeds]);
    assert.deepEqual(seedsOf('rl'), [...p.toyExtension.seeds]);
    assert.deepEqual(seedsOf('sft'), [...p.toyExtension.seeds]);
    assert.equal(ext.filter((c) => c.key.startsWith('mdl/')).length, p.toyExtension.tasks.length * 2 * p.toyMdl.seeds.length);
  });

  it('passes overrides on: a toy-rl cell with an override parses into the overridden configuration', async () => {
    const [cell] = await STEP_CELLS['toy-rl']('smoke', { toyRl: { ppo: { nIterations: 3 } }, languageRl: { ppo: { nIterations: 7 } } });
    assert.ok(cell.argv.includes('{"toyRl":{"ppo":{"nIterations":3}}}'), cell.argv.join(' '));
    const parsed = (await commandCell(cell.argv)) as { config: { ppo: { nIterations: number } } };
    assert.equal(parsed.config.ppo.nIterations, 3);
    assert.deepEqual(json(parsed.config), json(cell.config));
  });

  it("language-mdl lists notebook 06's random-initialisation control beside the pre-trained probes (--model random)", async () => {
    const p = resolveParams(LANGUAGE_MDL_PARAMS, { preset: 'smoke', env: {} });
    assert.ok(p.languageMdl.models.includes('random'), 'the smoke preset probes the control');
    const cells = await STEP_CELLS['language-mdl']('smoke');
    const control = randomInitInputs(lm, p.languageMdl.randomInitSeed);
    try {
      const expected = [...languageMdlCells(p, lm), ...languageMdlCells({ languageMdl: { ...p.languageMdl, seeds: p.languageMdl.randomSeeds } }, control)];
      assert.deepEqual(cells.map((c) => c.key), expected.map((c) => c.key));
      const random = cells.filter((c) => c.argv.includes('random'));
      assert.equal(random.length, p.languageMdl.tasks.length * 2 * p.languageMdl.randomSeeds.length);
      // The control's runs record the untrained model's weights, so their keys differ from the pre-trained ones.
      assert.equal(new Set(cells.map((c) => c.key)).size, cells.length);
    } finally {
      control.model.dispose();
    }
    const onlyPretrained = await STEP_CELLS['language-mdl']('smoke', { languageMdl: { models: ['pretrained'] } });
    assert.equal(onlyPretrained.length, languageMdlCells(p, lm).length);
    assert.ok(onlyPretrained.every((c) => !c.argv.includes('random')));
  });
});
