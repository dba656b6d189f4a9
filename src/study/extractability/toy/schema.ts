/**
 * Parameters of notebook 02 (synthetic extractability) and of the `toy-mdl` command: which toy
 * tasks are probed, with which probe, on how many examples, for how many probe seeds. Sizes and
 * epochs come from the preset, so the notebook and the CLI run the same probe for the same preset.
 * Paper values: Cruz et al. 2023's toy probe (EdoardoPona/predicting-inductive-biases-RL,
 * models/transformer_toy.py, toy_main_fast.py) and Lovering's data (cjlovering/predicting-inductive-biases,
 * toy.py `--train_size 100_000`, properties.py `probing_split`: that many examples per class).
 */
import { bool, choice, GRID_JOBS_PARAMS, int, list, num, TOY_DATA_PARAMS, type ParamSchema, type ParamsOf } from '../../params/presets';

/** The probe models a toy feature can be probed with (toy_mdl.ts `ToyProbeModel`). */
export const TOY_PROBE_KINDS = ['encoder', 'policy'] as const;
export type ToyProbeKind = (typeof TOY_PROBE_KINDS)[number];

/**
 * The MDL probes (group `toyMdl` of notebooks 02 and 04, and the `toy-mdl` command). Names are the
 * fields of the run's recorded `ToyMdlCellConfig` (grid.ts): `data.probeSize`, `model.kind`,
 * `model.config.*` (the probe's shape), `training.*`; `tasks` and `seeds` are the grid's axes.
 */
export const TOY_MDL_GROUP = {
  tasks: {
    ...TOY_DATA_PARAMS.tasks,
    doc: 'toy tasks probed: 1 contains-1, 2 first-last, 3 prefix-duplicate, 4 contains-first, 5 adjacent-duplicate (paper: 1, 2, 3, 5)',
    smoke: [1, 2],
    laptop: [1, 2, 3, 5],
  },
  seeds: {
    doc: 'probe seeds: each orders the probing set and initialises and shuffles every block probe (paper: 4 seeds)',
    smoke: [0],
    laptop: [0, 1, 2],
    paper: [0, 1, 2, 3],
    check: list(int(0)),
  },
  data: {
    probeSize: {
      doc: 'examples N in each MDL probing set, half per class (paper: 200,000 = toy.py train_size 100,000 per class; same streams as the probe_*.jsonl files of notebook 01)',
      smoke: 200,
      laptop: 4000,
      paper: 200000,
      check: int(2),
    },
  },
  model: {
    kind: {
      doc: "probe model: 'encoder' (the toy transformer encoder of Cruz et al.) or 'policy' (the toy policy's GPT trunk + classifier on the last token)",
      smoke: 'encoder',
      laptop: 'encoder',
      paper: 'encoder',
      check: choice(TOY_PROBE_KINDS),
    },
    config: {
      dModel: {
        doc: 'probe width d_model (transformer_toy.py: 256)',
        smoke: 32,
        laptop: 128,
        paper: 256,
        check: int(1, 4096),
      },
      nLayer: {
        doc: 'probe layers (encoder: transformer_toy.py 2; policy: the toy policy has 4)',
        smoke: 1,
        laptop: 2,
        paper: 2,
        check: int(1, 48),
      },
      nHead: {
        doc: 'attention heads; must divide model.config.dModel (transformer_toy.py: 4)',
        smoke: 2,
        laptop: 4,
        paper: 4,
        check: int(1, 64),
      },
      dFF: {
        doc: "encoder feed-forward width (PyTorch TransformerEncoderLayer default 2048); the policy probe uses GPT-2's 4 x width",
        smoke: 64,
        laptop: 512,
        paper: 2048,
        check: int(1, 65536),
      },
    },
  },
  training: {
    epochs: {
      doc: 'training epochs of each block probe (toy_main_fast.py: 10)',
      smoke: 2,
      laptop: 10,
      paper: 10,
      check: int(1, 1000),
    },
    batchSize: {
      doc: 'probe training minibatch (toy_main_fast.py: 64)',
      smoke: 64,
      laptop: 64,
      paper: 64,
      check: int(1, 65536),
    },
    learningRate: {
      doc: 'probe Adam learning rate (transformer_toy.py: 1e-4; laptop 1e-3: measured on task 2 t, N = 4,000, probe seed 0, ~70 s each on the loaded 2-core machine: at 1e-4 the last block reaches accuracy 0.87 and MDL(t) stays near N bits (3,248), at 1e-3 it reaches 0.999 (1,073 bits), so the ratio no longer sits at the ceiling)',
      smoke: 1e-4,
      laptop: 1e-3,
      paper: 1e-4,
      check: num(1e-7, 1),
    },
  },
  loveringVariant: {
    doc: "also compute the original code's mixed-unit total_mdl for curveTask (both features, every seed; trains a second series of probes)",
    smoke: true,
    laptop: true,
    paper: true,
    check: bool(),
  },
  curveTask: {
    doc: 'task whose per-block codelength curves (and Lovering variant) are shown; must be one of tasks',
    smoke: 2,
    laptop: 2,
    paper: 2,
    check: choice([1, 2, 3, 4, 5]),
  },
} satisfies ParamSchema;

/** The data parameters a probing set reads (the `toyData` group's, same names and values). */
export const TOY_PROBING_DATA_PARAMS = { seed: TOY_DATA_PARAMS.seed, vocab: TOY_DATA_PARAMS.vocab, length: TOY_DATA_PARAMS.length } satisfies ParamSchema;

/** Notebook 02 and the `toy-mdl` command. */
export const TOY_MDL_PARAMS = {
  toyData: TOY_PROBING_DATA_PARAMS,
  toyMdl: TOY_MDL_GROUP,
  ...GRID_JOBS_PARAMS,
} satisfies ParamSchema;

/** Resolved parameters of notebook 02 / `toy-mdl`. */
export type ToyMdlParamValues = ParamsOf<typeof TOY_MDL_PARAMS>;
