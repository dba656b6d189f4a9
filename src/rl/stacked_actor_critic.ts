/**
 * RL4LMs' actor-critic with a separate value network (`CausalLMActorCriticPolicy`: the policy GPT and
 * a second GPT trunk + Linear(d_model, 1)) run in the PPO update as one stacked model
 * (models/stacked_gpt.ts): member 0 is the policy's trunk, member 1 the value network's. Each
 * minibatch's forward and backward is then one kernel call per layer for both networks instead of
 * two, with the same numbers as the two separate forwards (bit for bit on the native backend, test in
 * test/rl/ppo_trainer_stacked.test.ts). The rollout and the evaluation keep using the two models: the
 * trainer writes the stacked weights back into them after every PPO step.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import { ValueNetwork } from '../models/heads';
import { projectOntoTable } from '../models/linear';
import { StackedGPT } from '../models/stacked_gpt';
import type { StackedLayout } from '../tensor/flat_adam';
import type { Critic } from './rollout';

/**
 * Floats in one vector register of the widest x86 unit (AVX-512). TensorFlow's element-wise kernels
 * and row reductions (Eigen) run whole registers and finish a buffer's tail with scalar code, which
 * rounds differently (exp, rsqrt); a member's slice of a stacked tensor is computed exactly as its
 * own tensor only when it starts and ends on a register boundary.
 */
const SIMD_FLOATS = 16;

/** oneDNN runs a lone matrix product of at most this many multiply-adds (M x K x N) with another kernel than the same product inside a batch. */
const SMALL_GEMM_MACS = 2 ** 14;

/**
 * Whether the stacked forward and backward of a minibatch give each member's own numbers bit for bit.
 * Two conditions, measured on this project's AVX2 machine under the pinned numerics (one thread; see
 * backend.ts) and checked by test/models/stacked_gpt.test.ts: every per-member tensor holds whole
 * vector registers (token rows, output rows and width multiples of 16), and the smallest linear
 * layer (rows x d_model x d_model) is above oneDNN's small-product path. The laptop toy minibatch
 * (64 episodes x 15 tokens = 960 rows, 320 output rows, width 64) is exact; the paper's (51 x 15 =
 * 765 rows) differs in the last bit of some softmax and LayerNorm outputs, so the trainer runs it apart.
 * @param tokenRows episodes x (prompt + response) tokens of one minibatch
 * @param outputRows episodes x response tokens
 */
export function stackingIsExact(tokenRows: number, outputRows: number, dModel: number): boolean {
  const whole = tokenRows % SIMD_FLOATS === 0 && outputRows % SIMD_FLOATS === 0 && dModel % SIMD_FLOATS === 0;
  return whole && tokenRows * dModel * dModel > SMALL_GEMM_MACS;
}

/** The policy and a separate value network trained as one stacked model; the two models stay their owner's. */
export class StackedActorCritic {
  private readonly trunks: StackedGPT;
  private readonly members: [GPT, GPT];
  private readonly valueHead: tf.Variable; // [1, d_model], the critic's own variable
  /** Each member variable's data after the last write-back, to see writes from outside. */
  private writtenData: object[] = [];

  private constructor(private readonly policy: GPT, critic: ValueNetwork) {
    this.members = [policy, critic.trunk];
    this.valueHead = critic.namedWeights().get('value_head.weight') as tf.Variable;
    this.trunks = StackedGPT.fromModels(this.members);
    this.recordWritten();
  }

  /**
   * A stacked model of `policy` and `critic` when they have the shape RL4LMs gives them: a separate
   * `ValueNetwork` whose trunk has the policy's configuration, tied output embeddings (so the
   * policy's variables are its trunk's) and every weight trainable; otherwise null (the trainer then
   * runs the two forwards).
   */
  static tryFrom(policy: GPT, critic: Critic): StackedActorCritic | null {
    if (!(critic instanceof ValueNetwork)) return null;
    const trunk = critic.trunk;
    if (JSON.stringify(trunk.config) !== JSON.stringify(policy.config) || !policy.config.tiedEmbeddings) return null;
    const allTrainable = (m: GPT) => m.trainableVariables.length === m.namedWeights().size;
    if (!allTrainable(policy) || !allTrainable(trunk)) return null;
    return new StackedActorCritic(policy, critic);
  }

  /** The variables to optimise: the stacked trunk weights, then the value head (`layout` says how to flatten them). */
  get variables(): tf.Variable[] {
    return [...this.trunks.variables, this.valueHead];
  }

  /** How `FlatAdam` flattens `variables`: member by member, so the vector is the policy's then the critic's variables, as without stacking. */
  get layout(): StackedLayout {
    return { stackSize: 2, stackedVariables: this.trunks.variables.length };
  }

  /**
   * Policy logits and critic values at positions [outputStart, outputEnd) of `inputIds`, from one
   * stacked forward; the gradient tape sees the stacked variables. No tidy (inside the minibatch's).
   * @param inputIds [batch, seq] int32 prompt (left-padded) + response
   * @param attentionMask [batch, seq] float 0/1, or undefined (no padding)
   * @returns logits [batch, out, vocab], values [batch, out]
   */
  forward(inputIds: tf.Tensor2D, outputStart: number, outputEnd: number, attentionMask?: tf.Tensor2D): { logits: tf.Tensor3D; values: tf.Tensor2D } {
    const batchSize = inputIds.shape[0];
    const nOut = outputEnd - outputStart;
    const [policyHidden, valueHidden] = tf.unstack(this.trunks.forward(inputIds, outputStart, outputEnd, attentionMask)) as tf.Tensor2D[]; // 2 x [batch * out, d_model]
    const wte = this.trunks.memberWeight(0, 'wte.weight') as tf.Tensor2D; // [vocab, d_model], tied output embedding
    const logits = projectOntoTable(policyHidden, wte).reshape([batchSize, nOut, this.policy.config.vocabSize]) as tf.Tensor3D;
    const values = projectOntoTable(valueHidden, this.valueHead as tf.Tensor as tf.Tensor2D).reshape([batchSize, nOut]) as tf.Tensor2D; // Linear(d_model, 1, bias=False)
    return { logits, values };
  }

  /**
   * Gradients of the two models' variables (keyed by their names, from a forward that ran them apart)
   * as gradients of the stacked variables, for an optimizer over `variables`. Inside the caller's tidy.
   */
  stackGradients(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    const names = [...this.members[0].namedWeights().keys()];
    this.trunks.variables.forEach((sv, i) => {
      const memberGrads = this.members.map((m) => {
        const v = m.namedWeights().get(names[i]) as tf.Variable;
        return grads[v.name] ?? tf.zerosLike(v);
      });
      out[sv.name] = tf.stack(memberGrads).reshape(sv.shape);
    });
    const head = grads[this.valueHead.name];
    if (head) out[this.valueHead.name] = head;
    return out;
  }

  /** Copies the trained weights into the policy and the value network (after a PPO step). */
  writeBack(): void {
    this.trunks.writeTo(this.members);
    this.recordWritten();
  }

  /** Re-reads the two models when a variable was written from outside since the last write-back (a load, a test). */
  readIfChanged(): void {
    const current = this.memberVariables().map((v) => v.dataId);
    if (current.some((d, i) => d !== this.writtenData[i])) {
      this.trunks.readFrom(this.members);
      this.recordWritten();
    }
  }

  /** Frees the stacked weights (the models and the value head stay their owner's). */
  dispose(): void {
    this.trunks.dispose();
  }

  private memberVariables(): tf.Variable[] {
    return this.members.flatMap((m) => [...m.namedWeights().values()]);
  }

  private recordWritten(): void {
    this.writtenData = this.memberVariables().map((v) => v.dataId);
  }
}
