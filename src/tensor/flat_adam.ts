/**
 * Adam (Kingma & Ba 2015) / AdamW (Loshchilov & Hutter 2019) over all of a model's variables as one
 * flat vector, with torch's global-norm gradient clip folded in. Same arithmetic as
 * `tf.train.adam` + `optim/grad_clip.ts` + `optim/adamw.ts` (and torch.optim.Adam/AdamW +
 * clip_grad_norm_), in a few kernels per step instead of ~20 per variable: at the study's sizes
 * (57 variables in the laptop PPO update) kernel dispatch, not arithmetic, is the cost.
 */
import * as tf from '@tensorflow/tfjs';

/** torch's epsilon in the clip coefficient (clip_grad_norm_: maxNorm / (total + 1e-6)). */
const CLIP_EPS = 1e-6;

/** Settings of one optimizer step. */
export interface FlatAdamStep {
  /** Global-norm clip (torch clip_grad_norm_), or null for none (the norm is still returned). */
  readonly maxGradNorm: number | null;
  /** Decoupled weight decay (AdamW: p *= 1 - lr * wd before the Adam step); 0 = Adam. */
  readonly weightDecay: number;
  /** This step's learning rate (a schedule's value); default the constructor's. */
  readonly learningRate?: number;
}

/**
 * Variables that hold S models' copies of one weight stacked on a leading axis (models/stacked_gpt.ts):
 * the first `stackedVariables` of the list, each [S, ...]. The flat vector then keeps the members
 * apart, all of member 0's weights in list order, then member 1's, ..., then the other variables, so
 * it is the vector the unstacked models' variables would give (the same global norm, to the bit).
 */
export interface StackedLayout {
  /** Members S on each stacked variable's leading axis. */
  readonly stackSize: number;
  /** How many variables, from the start of the list, are stacked. */
  readonly stackedVariables: number;
}

/** Adam state (first and second moments) over a fixed list of variables; `dispose()` frees it. */
export class FlatAdam {
  private readonly sizes: number[];
  private readonly m: tf.Variable; // [n_params]
  private readonly v: tf.Variable; // [n_params]
  private t = 0;
  /** The parameters as one vector after the last step, and the data each variable then held (to see outside writes). */
  private flatParams: tf.Tensor1D | null = null; // [n_params]
  private assignedData: object[] = [];

  /**
   * @param variables the variables to update, in a fixed order (gradients are looked up by their names)
   * @param learningRate step size; beta1, beta2, epsilon as torch/tfjs Adam (defaults 0.9, 0.999, 1e-8)
   * @param layout stacked variables at the start of the list, flattened member by member; default none
   */
  constructor(
    readonly variables: readonly tf.Variable[],
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
    readonly layout: StackedLayout | null = null,
  ) {
    if (layout) {
      const { stackSize, stackedVariables } = layout;
      if (!Number.isInteger(stackSize) || stackSize < 1) throw new Error(`layout.stackSize: ${stackSize}; expected an integer >= 1`);
      if (!Number.isInteger(stackedVariables) || stackedVariables < 0 || stackedVariables > variables.length) throw new Error(`layout.stackedVariables: ${stackedVariables}; expected an integer in [0, ${variables.length}]`);
      variables.slice(0, stackedVariables).forEach((x) => {
        if (x.shape[0] !== stackSize) throw new Error(`layout: variable '${x.name}' has leading axis ${x.shape[0]}; expected ${stackSize}`);
      });
    }
    this.sizes = variables.map((x) => x.size);
    const n = this.sizes.reduce((a, b) => a + b, 0);
    const zeros = tf.zeros([n]);
    this.m = tf.variable(zeros, false); // shares zeros' data (ref-counted), so zeros can go
    this.v = tf.variable(zeros, false);
    zeros.dispose();
  }

  /**
   * One step from `grads` (keyed by variable name, as `tf.variableGrads` returns them; a missing
   * name counts as a zero gradient): clip to the global norm, decay, Adam. Updates the variables in place.
   * @returns the gradients' global norm before clipping `[]`; new tensor, caller disposes
   */
  applyGradients(grads: tf.NamedTensorMap, opts: FlatAdamStep): tf.Scalar {
    this.t++;
    const lr = opts.learningRate ?? this.learningRate;
    // Bias corrections on the host, in float64 (tfjs keeps beta^t in a float32 variable; the
    // difference is below float32 rounding of the update).
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    return tf.tidy('optim/flatAdam', () => {
      // No gradient (tf.variableGrads leaves out variables the loss does not reach): a zero
      // gradient, so a variable that never had one only decays, as before with tf.train.adam.
      const flat = this.flatten(this.variables.map((x) => grads[x.name] ?? tf.zeros(x.shape))); // [n_params]
      const norm = tf.sqrt(tf.sum(tf.square(flat))) as tf.Scalar; // []
      let g = flat;
      if (opts.maxGradNorm !== null) g = tf.mul(flat, tf.minimum(1, tf.div(opts.maxGradNorm, tf.add(norm, CLIP_EPS)))); // [n_params]
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1)); // [n_params]
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)); // [n_params]
      this.m.assign(m);
      this.v.assign(v);
      // update = -lr * (m / bc1) / (sqrt(v / bc2) + eps)
      const update = tf.div(tf.mul(m, -lr / bc1), tf.add(tf.sqrt(tf.mul(v, 1 / bc2)), this.epsilon)); // [n_params]
      const factor = 1 - lr * opts.weightDecay;
      const decay = Math.fround(factor) !== 1; // torch's p.mul_(factor) is a no-op when it rounds to 1
      // The parameters as one flat vector too: one add (and one decay) instead of one per variable.
      // The vector of the last step is reused while every variable still holds what this optimizer
      // assigned (same values, no concat); a write from outside (a load, a test) rebuilds it.
      const params = this.currentFlatParams(); // [n_params]
      const next = tf.add(decay ? tf.mul(params, factor) : params, update) as tf.Tensor1D; // [n_params]
      const parts = this.unflatten(next);
      this.variables.forEach((x, i) => x.assign(parts[i]));
      this.flatParams?.dispose();
      this.flatParams = tf.keep(next);
      this.assignedData = this.variables.map((x) => x.dataId);
      return norm;
    });
  }

  /** `[n_params]` the variables as one vector: the last step's when none was written since, else a new concat (inside the caller's tidy). */
  private currentFlatParams(): tf.Tensor1D {
    const unchanged = this.flatParams !== null && this.variables.every((x, i) => x.dataId === this.assignedData[i]);
    return unchanged ? this.flatParams! : this.flatten(this.variables);
  }

  /** `[n_params]` one tensor per variable (its shape) as the flat vector: in list order, stacked variables member by member (`StackedLayout`). No tidy. */
  private flatten(tensors: readonly tf.Tensor[]): tf.Tensor1D {
    const k = this.layout?.stackedVariables ?? 0;
    const flatOf = (t: tf.Tensor, i: number) => t.reshape([this.sizes[i]]);
    if (k === 0) return tf.concat(tensors.map(flatOf)) as tf.Tensor1D;
    const nStack = (this.layout as StackedLayout).stackSize;
    // [S, n_stacked]: row s holds member s's weights in list order; row-major flattening puts the members one after another.
    const members = tf.concat(tensors.slice(0, k).map((t, i) => t.reshape([nStack, this.sizes[i] / nStack])), 1);
    const stacked = members.reshape([members.size]);
    return (k === tensors.length ? stacked : tf.concat([stacked, ...tensors.slice(k).map((t, j) => flatOf(t, k + j))])) as tf.Tensor1D;
  }

  /** The inverse of `flatten`: one tensor per variable, in its shape. No tidy. */
  private unflatten(flat: tf.Tensor1D): tf.Tensor[] {
    const k = this.layout?.stackedVariables ?? 0;
    if (k === 0) return tf.split(flat, this.sizes).map((p, i) => p.reshape(this.variables[i].shape));
    const nStack = (this.layout as StackedLayout).stackSize;
    const nStacked = this.sizes.slice(0, k).reduce((a, b) => a + b, 0);
    const [stacked, ...rest] = k === this.sizes.length ? [flat] : tf.split(flat, [nStacked, ...this.sizes.slice(k)]);
    const members = tf.split(stacked.reshape([nStack, nStacked / nStack]), this.sizes.slice(0, k).map((n) => n / nStack), 1); // k x [S, n_i / S]
    return [...members, ...rest].map((p, i) => p.reshape(this.variables[i].shape));
  }

  /** Frees the moment vectors (the variables stay the caller's). */
  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.flatParams?.dispose();
    this.flatParams = null;
  }
}
