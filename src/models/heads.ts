/**
 * Heads on GPT hidden states (after `ln_f`):
 * - `ValueHead`: TRL 0.7 `ValueHead` on the policy's shared trunk (dropout 0.1, Linear(d_model, 1) with bias).
 * - `ValueNetwork`: RL4LMs' separate critic, a GPT trunk of its own + Linear(d_model, 1, bias=False)
 *   (`CausalLMActorCriticPolicy._value_model` / `_value_head`).
 * - `ClassificationHead` / `GPTClassifier`: HF `GPT2ForSequenceClassification`: Linear(d_model, classes,
 *   bias=False) on the last non-pad token; the MDL probe / SFT classifier with a GPT trunk.
 * Linear layers keep torch's [out, in] layout and names, so checkpoints line up with the references.
 */
import * as tf from '@tensorflow/tfjs';
import { seededDropout } from '../tensor/dropout';
import { ConfigError, checkInt, checkRange } from '../util/assert';
import type { Rng } from '../util/rng';
import { oneHotFloat } from './embedding';
import { GPT, type GPTConfig } from './gpt';
import { projectOntoTable } from './linear';

/** torch.nn.Linear's default init: U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform with a = sqrt(5)). */
function torchLinearInit(shape: number[], fanIn: number, rng: Rng): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const value = tf.randomUniform(shape, -bound, bound, 'float32', rng.tfSeed());
  const v = tf.variable(value, true);
  value.dispose();
  return v;
}

/** A trainable variable holding a copy of `t` (reshaped to `shape` if given). */
function variableFrom(t: tf.Tensor, shape?: number[]): tf.Variable {
  const value = tf.tidy(() => tf.cast(shape ? t.reshape(shape) : t, 'float32'));
  const v = tf.variable(value, true);
  value.dispose();
  return v;
}

/** Applies [out, in] weights (and bias) to the last axis of `x` [..., in] -> [..., out]; no tidy (private). */
function applyLinear(x: tf.Tensor, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const rows = x.size / inDim;
  let y: tf.Tensor = projectOntoTable(x.reshape([rows, inDim]) as tf.Tensor2D, weight); // [rows, out]
  if (bias) y = tf.add(y, bias);
  return y.reshape([...x.shape.slice(0, -1), weight.shape[0]]);
}

/**
 * TRL's value head on the shared trunk: dropout (`summary_dropout_prob`, default 0.1) then
 * Linear(d_model, 1) with bias, torch default init (TRL's `v_head_init_strategy` None).
 */
export class ValueHead {
  /** Dropout before the linear layer; TRL default 0.1. Off unless `training`. */
  readonly dropout: number;
  private readonly weight: tf.Variable; // [1, d_model]
  private readonly bias: tf.Variable; // [1]

  private constructor(weight: tf.Variable, bias: tf.Variable, dropout: number) {
    this.weight = weight;
    this.bias = bias;
    this.dropout = dropout;
  }

  /** A fresh head for width `dModel`. */
  static init(dModel: number, rng: Rng, dropout = 0.1): ValueHead {
    checkInt('dModel', dModel, 1);
    checkRange('dropout', dropout, 0, 0.99);
    return new ValueHead(torchLinearInit([1, dModel], dModel, rng), torchLinearInit([1], dModel, rng), dropout);
  }

  /** A head holding copies of `v_head.summary.weight` [1, d_model] and `v_head.summary.bias` [1]. */
  static fromTensors(tensors: ReadonlyMap<string, tf.Tensor>, dropout = 0.1): ValueHead {
    const w = tensors.get('v_head.summary.weight');
    const b = tensors.get('v_head.summary.bias');
    if (!w || !b || w.rank !== 2 || w.shape[0] !== 1 || b.size !== 1) {
      throw new ConfigError("weights: expected 'v_head.summary.weight' [1, d_model] and 'v_head.summary.bias' [1]");
    }
    return new ValueHead(variableFrom(w), variableFrom(b, [1]), dropout);
  }

  /**
   * Values from hidden states.
   * @param hidden [batch, n, d_model] (e.g. `responseLogprobs(..., { returnHidden: true }).hidden`)
   * @param rng dropout seed; required when `training` and dropout > 0
   * @returns [batch, n]; caller disposes
   */
  forward(hidden: tf.Tensor3D, training = false, rng?: Rng): tf.Tensor2D {
    return tf.tidy('models/valueHead', () => {
      let x: tf.Tensor = hidden;
      if (training && this.dropout > 0) {
        if (!rng) throw new ConfigError('rng: required when training the value head with dropout > 0');
        x = seededDropout(x, this.dropout, rng.tfSeed());
      }
      return applyLinear(x, this.weight as tf.Tensor2D, this.bias as tf.Tensor1D).reshape(hidden.shape.slice(0, 2)) as tf.Tensor2D;
    });
  }

  /** Weights by TRL name (`v_head.summary.weight` [1, d_model], `v_head.summary.bias` [1]). */
  namedWeights(): ReadonlyMap<string, tf.Variable> {
    return new Map([['v_head.summary.weight', this.weight], ['v_head.summary.bias', this.bias]]);
  }

  /** The head's variables. */
  get trainableVariables(): tf.Variable[] {
    return [this.weight, this.bias];
  }

  /** Frees the variables. */
  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}

/** RL4LMs' separate value network: its own GPT trunk + Linear(d_model, 1, bias=False). */
export class ValueNetwork {
  readonly trunk: GPT;
  private readonly weight: tf.Variable; // [1, d_model]

  private constructor(trunk: GPT, weight: tf.Variable) {
    this.trunk = trunk;
    this.weight = weight;
  }

  /** A fresh network: trunk with GPT-2 init (`GPT.init`), head with torch's Linear init. */
  static init(config: GPTConfig, rng: Rng): ValueNetwork {
    const trunk = GPT.init(config, rng.child('trunk'));
    return new ValueNetwork(trunk, torchLinearInit([1, config.dModel], config.dModel, rng.child('value_head')));
  }

  /** A network over an existing trunk (ownership passes to the network) and a head weight [1, d_model] (copied). */
  static fromTrunk(trunk: GPT, headWeight: tf.Tensor): ValueNetwork {
    if (headWeight.rank !== 2 || headWeight.shape[0] !== 1 || headWeight.shape[1] !== trunk.config.dModel) {
      throw new ConfigError(`value_head.weight: shape [${headWeight.shape.join(', ')}]; expected [1, ${trunk.config.dModel}]`);
    }
    return new ValueNetwork(trunk, variableFrom(headWeight));
  }

  /**
   * Values of the states before each response token (positions promptLen-1 .. seq-2), the critic's
   * estimate for each action, as RL4LMs computes them one step at a time.
   * @param inputIds [batch, seq] int32 prompt (left-padded to promptLen) + response
   * @param attentionMask [batch, seq] float 0/1, or undefined
   * @returns [batch, resp]; caller disposes
   */
  values(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, promptLen: number, training = false, rng?: Rng): tf.Tensor2D {
    const seqLen = inputIds.shape[1];
    checkInt('promptLen', promptLen, 1, seqLen - 1);
    return tf.tidy('models/valueNetwork', () => {
      const out = this.trunk.forward(
        inputIds,
        { attentionMask, training, outputStart: promptLen - 1, outputEnd: seqLen - 1, returnHidden: true, returnLogits: false },
        rng,
      );
      const hidden = out.hidden as tf.Tensor3D; // [batch, resp, d_model]
      return applyLinear(hidden, this.weight as tf.Tensor2D).reshape(hidden.shape.slice(0, 2)) as tf.Tensor2D;
    });
  }

  /** Trunk weights (GPT names) plus `value_head.weight` [1, d_model] (RL4LMs' name). */
  namedWeights(): ReadonlyMap<string, tf.Variable> {
    return new Map([...this.trunk.namedWeights(), ['value_head.weight', this.weight]]);
  }

  /** Trunk (without an untied `lm_head`, which values never use) and head variables. */
  get trainableVariables(): tf.Variable[] {
    return [...this.trunk.trunkVariables, this.weight];
  }

  /** Frees trunk and head. */
  dispose(): void {
    this.trunk.dispose();
    this.weight.dispose();
  }
}

/**
 * Index of the last real token per row: max over positions of (position + 1) * mask, minus 1.
 * Works for left and right padding (HF's `GPT2ForSequenceClassification` rule in transformers >= 4.48).
 * @param attentionMask [batch, seq] float 0/1, every row with at least one real token
 * @returns [batch] int32; caller disposes
 */
export function lastTokenIndex(attentionMask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy('models/lastTokenIndex', () => {
    const seqLen = attentionMask.shape[1];
    const positions = tf.range(1, seqLen + 1, 1, 'float32'); // [seq]
    return tf.cast(tf.sub(tf.max(tf.mul(attentionMask, positions), 1), 1), 'int32') as tf.Tensor1D;
  });
}

/** HF GPT2ForSequenceClassification's `score`: Linear(d_model, classes, bias=False), init normal(0, 0.02). */
export class ClassificationHead {
  readonly nClasses: number;
  private readonly weight: tf.Variable; // [classes, d_model]

  private constructor(weight: tf.Variable) {
    this.weight = weight;
    this.nClasses = weight.shape[0];
  }

  /** A fresh head (HF `_init_weights`: normal(0, initializer_range 0.02)). */
  static init(dModel: number, nClasses: number, rng: Rng): ClassificationHead {
    checkInt('dModel', dModel, 1);
    checkInt('nClasses', nClasses, 2);
    const value = tf.randomNormal([nClasses, dModel], 0, 0.02, 'float32', rng.tfSeed());
    const head = new ClassificationHead(tf.variable(value, true));
    value.dispose();
    return head;
  }

  /**
   * Class logits from the hidden state of each row's last real token.
   * @param hidden [batch, seq, d_model]
   * @param attentionMask [batch, seq] float 0/1, or undefined (the last position for every row)
   * @returns [batch, classes]; caller disposes
   */
  forward(hidden: tf.Tensor3D, attentionMask?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy('models/classificationHead', () => {
      const [batchSize, seqLen, dModel] = hidden.shape;
      let last: tf.Tensor2D;
      if (attentionMask) {
        // Select by a one-hot batched matmul: differentiable on every backend (gather's gradient is missing on wasm).
        const pick = oneHotFloat(lastTokenIndex(attentionMask), seqLen).reshape([batchSize, 1, seqLen]); // [batch, 1, seq]
        last = tf.matMul(pick, hidden).reshape([batchSize, dModel]) as tf.Tensor2D; // [batch, d_model]
      } else {
        last = tf.slice(hidden, [0, seqLen - 1, 0], [batchSize, 1, dModel]).reshape([batchSize, dModel]) as tf.Tensor2D;
      }
      return projectOntoTable(last, this.weight as tf.Tensor2D); // [batch, classes]
    });
  }

  /** Weights by HF name (`score.weight` [classes, d_model]). */
  namedWeights(): ReadonlyMap<string, tf.Variable> {
    return new Map([['score.weight', this.weight]]);
  }

  /** The head's variable. */
  get trainableVariables(): tf.Variable[] {
    return [this.weight];
  }

  /** Frees the variable. */
  dispose(): void {
    this.weight.dispose();
  }
}

/** A GPT trunk + classification head (HF GPT2ForSequenceClassification); all weights train. */
export class GPTClassifier {
  readonly trunk: GPT;
  readonly head: ClassificationHead;

  /** Takes ownership of `trunk` and `head`. */
  constructor(trunk: GPT, head: ClassificationHead) {
    this.trunk = trunk;
    this.head = head;
  }

  /**
   * Class logits for each sequence.
   * @param inputIds [batch, seq] int32
   * @param attentionMask [batch, seq] float 0/1 (left or right padding), or undefined
   * @returns [batch, classes]; caller disposes
   */
  forward(inputIds: tf.Tensor2D, attentionMask?: tf.Tensor2D, training = false, rng?: Rng): tf.Tensor2D {
    return tf.tidy('models/gptClassifier', () => {
      const seqLen = inputIds.shape[1];
      // Without a mask only the last position is needed, so only it goes through ln_f.
      const out = this.trunk.forward(
        inputIds,
        { attentionMask, training, outputStart: attentionMask ? 0 : seqLen - 1, returnHidden: true, returnLogits: false },
        rng,
      );
      return this.head.forward(out.hidden as tf.Tensor3D, attentionMask);
    });
  }

  /** Trunk weights (GPT names) and `score.weight`. */
  namedWeights(): ReadonlyMap<string, tf.Variable> {
    return new Map([...this.trunk.namedWeights(), ...this.head.namedWeights()]);
  }

  /** Trunk (without an untied `lm_head`, which classification never uses) and head variables. */
  get trainableVariables(): tf.Variable[] {
    return [...this.trunk.trunkVariables, ...this.head.trainableVariables];
  }

  /** Frees trunk and head. */
  dispose(): void {
    this.trunk.dispose();
    this.head.dispose();
  }
}
