/**
 * S GPT-2 trunks of one configuration run as one model: every weight is stacked on a leading axis of
 * S, so each layer is one kernel call for all S members instead of S calls. At the laptop shapes the
 * cost of a step is kernel dispatch, not arithmetic (README "Performance"), so the PPO update runs
 * RL4LMs' separate policy and value trunks through one stacked forward (rl/stacked_actor_critic.ts).
 *
 * Per member the arithmetic is the member's own `GPT.forward`: BatchMatMulV2 runs each slice as its
 * own product, LayerNorm and softmax reduce per row, and the parameter gradients are sums over the
 * same rows in the same order. The bytes are the member's own where the shapes keep every kernel on
 * the same code path (whole vector registers, products above oneDNN's small-product kernel: see
 * `stackingIsExact` in rl/stacked_actor_critic.ts, tested in test/models/stacked_gpt.test.ts), and
 * equal within round-off elsewhere. Training forward only: no KV cache, no dropout.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, checkInt } from '../util/assert';
import { attentionBias, stackedCausalSelfAttention } from './attention';
import { embedTokens } from './embedding';
import { geluTanh } from './gelu';
import { gptWeightShapes, positionIdsFromMask, type GPT, type GPTConfig } from './gpt';
import { stackedLayerNorm } from './layer_norm';
import { stackedLinear } from './linear';

/** The trunk weights of `cfg` (every GPT weight but an untied `lm_head`), in checkpoint order, with their member shapes. */
function trunkShapes(cfg: GPTConfig): [string, number[]][] {
  return [...gptWeightShapes(cfg)].filter(([name]) => name !== 'lm_head.weight');
}

/** The stacked shape of a member weight: [S, ...shape], vectors as [S, 1, n] so they broadcast over rows. */
function stackedShape(nStack: number, shape: readonly number[]): number[] {
  return shape.length === 1 ? [nStack, 1, shape[0]] : [nStack, ...shape];
}

/** Weight `name` of every model, stacked on a new leading axis and reshaped to `shape`; no tidy. */
function stackMembers(models: readonly GPT[], name: string, shape: number[]): tf.Tensor {
  return tf.stack(models.map((m) => m.namedWeights().get(name) as tf.Tensor)).reshape(shape);
}

/** S GPT-2 trunks with stacked weights; `dispose()` frees them (the member models stay their owners'). */
export class StackedGPT {
  /** Number of members S. */
  readonly size: number;
  private readonly named: Map<string, tf.Variable>; // HF name -> [S, ...member shape] (vectors [S, 1, n])
  private readonly memberShapes: Map<string, number[]>; // HF name -> a member's own shape

  private constructor(readonly config: GPTConfig, named: Map<string, tf.Variable>, size: number) {
    this.named = named;
    this.size = size;
    this.memberShapes = new Map(trunkShapes(config));
  }

  /** Stacked copies of the trunk weights of `models` (at least one, all of one configuration). */
  static fromModels(models: readonly GPT[]): StackedGPT {
    if (models.length < 1) throw new ConfigError('models: expected at least one GPT to stack');
    const cfg = models[0].config;
    models.forEach((m, i) => {
      if (JSON.stringify(m.config) !== JSON.stringify(cfg)) throw new ConfigError(`models: model ${i} has another configuration than model 0; stacked trunks must share one`);
    });
    const named = new Map<string, tf.Variable>();
    for (const [name, shape] of trunkShapes(cfg)) {
      const value = tf.tidy(() => stackMembers(models, name, stackedShape(models.length, shape)));
      named.set(name, tf.variable(value, true));
      value.dispose();
    }
    return new StackedGPT(cfg, named, models.length);
  }

  /** The stacked variables in checkpoint order (the order of each member's `trunkVariables`). */
  get variables(): tf.Variable[] {
    return [...this.named.values()];
  }

  /** Member `s`'s copy of weight `name`, in the member's shape (e.g. the tied `wte` for an output projection); inside the caller's tidy. */
  memberWeight(s: number, name: string): tf.Tensor {
    checkInt('member', s, 0, this.size - 1);
    const v = this.named.get(name);
    if (!v) throw new ConfigError(`name: '${name}' is not a trunk weight of this model`);
    return tf.slice(v, s, 1).reshape(this.memberShapes.get(name) as number[]);
  }

  /** Writes every member's slice into the matching variable of `models[s]` (after training). */
  writeTo(models: readonly GPT[]): void {
    this.checkMembers(models);
    tf.tidy(() => {
      for (const [name, v] of this.named) {
        const slices = tf.split(v, this.size, 0);
        models.forEach((m, s) => {
          const target = m.namedWeights().get(name) as tf.Variable;
          target.assign(slices[s].reshape(target.shape));
        });
      }
    });
  }

  /** Reads every member's weights from `models` into the stacked variables (after an outside write). */
  readFrom(models: readonly GPT[]): void {
    this.checkMembers(models);
    tf.tidy(() => {
      for (const [name, v] of this.named) v.assign(stackMembers(models, name, v.shape));
    });
  }

  /**
   * Final hidden states (after `ln_f`) of every member at positions [outputStart, outputEnd).
   * @param inputIds [batch, seq] int32, the same tokens for every member
   * @param attentionMask [batch, seq] float 0/1 of left-padded prompts (positions and keys as `GPT.forward`), or undefined
   * @returns [S, batch * out, d_model]; new tensor, caller disposes
   */
  forward(inputIds: tf.Tensor2D, outputStart: number, outputEnd: number, attentionMask?: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy('models/stackedGptForward', () => {
      const cfg = this.config;
      const nStack = this.size;
      const [batchSize, seqLen] = inputIds.shape;
      const dModel = cfg.dModel;
      if (seqLen > cfg.nPositions) throw new ConfigError(`inputIds: ${seqLen} positions exceed nPositions ${cfg.nPositions}`);
      checkInt('outputStart', outputStart, 0, seqLen - 1);
      checkInt('outputEnd', outputEnd, outputStart + 1, seqLen);
      if (attentionMask && (attentionMask.shape[0] !== batchSize || attentionMask.shape[1] !== seqLen)) {
        throw new ConfigError(`attentionMask: shape [${attentionMask.shape.join(', ')}]; expected [${batchSize}, ${seqLen}] (batch, seq)`);
      }
      const w = (name: string) => this.named.get(name) as tf.Variable as tf.Tensor3D;
      // Member s looks its rows up in rows s * n .. of a stacked [S * n, d_model] table.
      const lookUp = (ids: tf.Tensor2D, name: string, rows: number): tf.Tensor => {
        const flat = ids.reshape([batchSize * seqLen]) as tf.Tensor1D; // [batch * seq] int32
        const stackedIds = nStack === 1 ? flat : (tf.concat(Array.from({ length: nStack }, (_, s) => (s === 0 ? flat : tf.add(flat, tf.scalar(s * rows, 'int32'))))) as tf.Tensor1D); // [S * batch * seq]
        return embedTokens(stackedIds, w(name).reshape([nStack * rows, dModel]) as tf.Tensor2D); // [S * batch * seq, d_model]
      };

      const tokEmb = lookUp(inputIds, 'wte.weight', cfg.vocabSize);
      let x: tf.Tensor3D;
      if (attentionMask) {
        const posEmb = lookUp(positionIdsFromMask(attentionMask, seqLen), 'wpe.weight', cfg.nPositions);
        x = tf.add(tokEmb, posEmb).reshape([nStack, batchSize * seqLen, dModel]) as tf.Tensor3D; // [S, batch * seq, d_model]
      } else {
        const posEmb = tf.slice(w('wpe.weight'), [0, 0, 0], [nStack, seqLen, dModel]).reshape([nStack, 1, seqLen, dModel]); // [S, 1, seq, d_model]
        x = tf.add(tokEmb.reshape([nStack, batchSize, seqLen, dModel]), posEmb).reshape([nStack, batchSize * seqLen, dModel]) as tf.Tensor3D;
      }

      // [1, 1, seq, seq] causal, or [batch, 1, seq, seq] with padding, one copy per member.
      const memberBias = attentionBias(attentionMask, seqLen, seqLen);
      const bias = memberBias && memberBias.shape[0] > 1 && nStack > 1 ? (tf.concat(Array(nStack).fill(memberBias), 0) as tf.Tensor4D) : memberBias;
      for (let i = 0; i < cfg.nLayer; i++) {
        const p = `h.${i}.`;
        const h1 = stackedLayerNorm(x, w(p + 'ln_1.weight'), w(p + 'ln_1.bias'), cfg.layerNormEps); // [S, batch * seq, d_model]
        const attn = stackedCausalSelfAttention(
          h1,
          { cAttnW: w(p + 'attn.c_attn.weight'), cAttnB: w(p + 'attn.c_attn.bias'), cProjW: w(p + 'attn.c_proj.weight'), cProjB: w(p + 'attn.c_proj.bias') },
          bias, { batchSize, seqLen, nHead: cfg.nHead },
        );
        x = tf.add(x, attn);
        const h2 = stackedLayerNorm(x, w(p + 'ln_2.weight'), w(p + 'ln_2.bias'), cfg.layerNormEps);
        const fc = geluTanh(stackedLinear(h2, w(p + 'mlp.c_fc.weight'), w(p + 'mlp.c_fc.bias'))); // [S, batch * seq, 4 * d_model]
        x = tf.add(x, stackedLinear(fc, w(p + 'mlp.c_proj.weight'), w(p + 'mlp.c_proj.bias'))); // [S, batch * seq, d_model]
      }

      const nOut = outputEnd - outputStart;
      if (nOut !== seqLen) {
        x = tf.slice(x.reshape([nStack, batchSize, seqLen, dModel]), [0, 0, outputStart, 0], [nStack, batchSize, nOut, dModel]).reshape([nStack, batchSize * nOut, dModel]);
      }
      return stackedLayerNorm(x, w('ln_f.weight'), w('ln_f.bias'), cfg.layerNormEps); // [S, batch * out, d_model]
    });
  }

  /** Frees the stacked variables. */
  dispose(): void {
    for (const v of this.named.values()) v.dispose();
    this.named.clear();
  }

  private checkMembers(models: readonly GPT[]): void {
    if (models.length !== this.size) throw new ConfigError(`models: ${models.length} given; expected the ${this.size} members of this stack`);
  }
}
