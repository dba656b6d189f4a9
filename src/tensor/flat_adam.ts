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
   */
  constructor(
    readonly variables: readonly tf.Variable[],
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
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
      const flat = tf.concat(this.variables.map((x) => {
        const g = grads[x.name];
        // No gradient (tf.variableGrads leaves out variables the loss does not reach): a zero
        // gradient, so a variable that never had one only decays, as before with tf.train.adam.
        return g ? g.reshape([x.size]) : tf.zeros([x.size]);
      })); // [n_params]
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
      const parts = tf.split(next, this.sizes);
      this.variables.forEach((x, i) => x.assign(parts[i].reshape(x.shape)));
      this.flatParams?.dispose();
      this.flatParams = tf.keep(next);
      this.assignedData = this.variables.map((x) => x.dataId);
      return norm;
    });
  }

  /** `[n_params]` the variables as one vector: the last step's when none was written since, else a new concat (inside the caller's tidy). */
  private currentFlatParams(): tf.Tensor1D {
    const unchanged = this.flatParams !== null && this.variables.every((x, i) => x.dataId === this.assignedData[i]);
    return unchanged ? this.flatParams! : (tf.concat(this.variables.map((x) => x.reshape([x.size]))) as tf.Tensor1D);
  }

  /** Frees the moment vectors (the variables stay the caller's). */
  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.flatParams?.dispose();
    this.flatParams = null;
  }
}
