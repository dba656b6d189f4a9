/**
 * The PPO update of a language-model policy (the only file with the optimizer): per-token rewards
 * with the KL penalty, GAE, then `ppoEpochs` passes over seeded shuffled minibatches of the
 * rollout, each inside one `tf.tidy('ppo/minibatch')` with one host read. The `trl` and `rl4lms`
 * variants are values of `PPOConfig`; every difference is a branch on a config field here or in the
 * pure functions (rewards.ts, gae.ts, ppo_losses.ts). Matches TRL 0.7.11 `PPOTrainer.step` and
 * SB3 1.5 `PPO.train` (RL4LMs) where noted.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import { logprobsFromLogits } from '../tensor/logprobs';
import { ConfigError } from '../util/assert';
import type { Rng } from '../util/rng';
import { FlatAdam } from '../tensor/flat_adam';
import { computeAdvantages } from './gae';
import { makeKLController, type KLController } from './kl_controller';
import { ppoLearningRate, type PPOConfig } from './ppo_config';
import { ppoLoss } from './ppo_losses';
import { PPO_LOSS_STAT_NAMES, averageMinibatchStats, envRewardStats, negativeKlWarning, rolloutStats, type PPOLossStatName } from './ppo_stats';
import { computeRewards } from './rewards';
import { sequenceMask, type Critic, type Rollout } from './rollout';
import { StackedActorCritic, stackingIsExact } from './stacked_actor_critic';

/** Trainer settings that are not PPO hyper-parameters. */
export interface PPOTrainerOptions {
  /** Episodes per minibatch (sequence minibatches; see the note in `step`). */
  readonly minibatchEpisodes: number;
  /** Sampling temperature; logits are divided by it before log-probs (TRL). */
  readonly temperature: number;
  /**
   * Run a separate value network and the policy as one stacked model in the update
   * (rl/stacked_actor_critic.ts; same numbers, about half the kernel calls) when their shapes allow;
   * default true. False runs the two forwards (the reference the stacked path is tested against).
   */
  readonly stackTrunks?: boolean;
}

/** What one PPO step returns. */
export interface PPOStepResult {
  /** Per-step statistics under TRL's names, plus `ppo/grad_norm`, `ppo/skipped_minibatches`, `ppo/early_stopped`. */
  readonly stats: Record<string, number>;
  /** Warnings of this step (negative KL, skipped minibatches); the caller prints or logs them. */
  readonly warnings: string[];
}

/** A NaN or infinite loss: training stops; results written before stay as they are. */
export class NonFiniteLossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/** Owns the optimizer and the KL controller; policy, critic and reference stay owned by the caller. */
export class PPOTrainer {
  private optimizer: FlatAdam;
  private readonly kl: KLController;
  /** The policy's and the critic's trainable variables, in the order of the optimizer's flat vector. */
  private readonly modelVariables: tf.Variable[];
  /** The policy and a separate value network as one stacked model, or null (shared trunk, other shapes, or `stackTrunks: false`). */
  private stacked: StackedActorCritic | null;
  private nSteps = 0;

  constructor(
    readonly policy: GPT,
    readonly critic: Critic,
    /** Frozen reference model (a separate object, never a flag on the policy), or null when no KL is computed. */
    readonly ref: GPT | null,
    readonly cfg: PPOConfig,
    readonly opts: PPOTrainerOptions,
  ) {
    // One optimizer over policy and critic, as SB3 (one `policy` module holds both); TRL's value
    // head sits on the policy trunk, so it is one parameter set there too.
    // Adam over all variables as one flat vector, with the global-norm clip and AdamW's decay folded
    // in (tensor/flat_adam.ts): torch's arithmetic in a few kernels instead of ~20 per variable.
    // With stacked trunks the flat vector is laid out member by member, so it is the same vector
    // (and the same clip norm, to the bit) as the two models' variables give.
    this.kl = makeKLController(cfg);
    this.stacked = opts.stackTrunks === false ? null : StackedActorCritic.tryFrom(policy, critic);
    this.modelVariables = [...policy.trainableVariables, ...critic.trainableVariables];
    this.optimizer = this.makeOptimizer();
  }

  /** Whether the update runs the policy and the value network as one stacked model (decided at the first step from its minibatch shapes). */
  get stackedTrunks(): boolean {
    return this.stacked !== null;
  }

  /** Current KL coefficient beta. */
  get klCoef(): number {
    return this.kl.value;
  }

  /**
   * One PPO iteration on `rollout`. Minibatches are whole episodes (RL4LMs draws token transitions;
   * with fixed 5-token episodes a minibatch of ~51 episodes holds the same 256 tokens).
   */
  async step(rollout: Rollout, rng: Rng): Promise<PPOStepResult> {
    const [promptLen, respLen] = [rollout.queryIds.shape[1], rollout.responseIds.shape[1]];
    if (this.stacked && this.nSteps === 0 && !this.minibatchSizes(rollout.queryIds.shape[0]).some((mb) => this.stackedIsExact(mb, promptLen, respLen))) {
      // No minibatch of this shape gives the separate forwards' numbers through the stack: train the
      // two models directly (before any optimizer step, so nothing is lost).
      this.stacked.dispose();
      this.stacked = null;
      this.optimizer.dispose();
      this.optimizer = this.makeOptimizer();
    }
    this.stacked?.readIfChanged();
    try {
      return await this.updateStep(rollout, rng);
    } finally {
      // The rollout and the evaluation read the two models.
      this.stacked?.writeBack();
    }
  }

  private async updateStep(rollout: Rollout, rng: Rng): Promise<PPOStepResult> {
    const cfg = this.cfg;
    const [batchSize, promptLen] = rollout.queryIds.shape;
    const respLen = rollout.responseIds.shape[1];
    const seqLen = promptLen + respLen;
    const klCoef = this.kl.value;
    const warnings: string[] = [];
    if (cfg.gradientAccumulationSteps !== 1) {
      throw new ConfigError(`gradientAccumulationSteps: ${cfg.gradientAccumulationSteps} is not supported by PPOTrainer; expected 1 (one optimizer step per minibatch, the value of both variants)`);
    }

    const prep = tf.tidy('ppo/prepare', () => {
      const scores = tf.tensor1d(rollout.scores); // [batch]
      // Without a reference model the KL term is exactly 0 (RL4LMs toy: coefficient 0).
      const refLogprobs = rollout.refLogprobs ?? rollout.logprobs;
      const rw = computeRewards(scores, rollout.logprobs, refLogprobs, rollout.mask, klCoef, cfg);
      const adv = computeAdvantages(rollout.values, rw.rewards, rollout.mask, cfg);
      const roll = rolloutStats({ scores, logprobs: rollout.logprobs, kls: rw.kls, nonScoreRewards: rw.nonScoreRewards, mask: rollout.mask });
      const inputIds = tf.concat([rollout.queryIds, rollout.responseIds], 1) as tf.Tensor2D; // [batch, seq] int32
      // The per-token inputs of the loss as one tensor, so each epoch's shuffle is one gather.
      const perToken = tf.stack([rollout.mask, rollout.logprobs, adv.values, adv.advantages, adv.returns], 1) as tf.Tensor3D; // [batch, 5, resp]
      return { inputIds, perToken, roll };
    });
    // [batch, seq] mask of left-padded prompts + response, or null (no padding); freed with prep.
    const attentionMask = sequenceMask(rollout.queryMask, respLen) ?? null;
    const rollNames = Object.keys(prep.roll) as (keyof typeof prep.roll)[];
    // sync: rollout statistics, once per step.
    const rollVec = tf.tidy(() => tf.stack(rollNames.map((n) => prep.roll[n])));
    const rollValues = await rollVec.data();
    rollVec.dispose();
    const stats: Record<string, number> = {};
    rollNames.forEach((n, i) => (stats[n] = rollValues[i]));

    const perMinibatch: Record<PPOLossStatName, number>[] = [];
    const gradNorms: number[] = [];
    let skipped = 0;
    let earlyStopped = false;
    const mbSize = this.minibatchSizes(batchSize)[0];
    for (let epoch = 0; epoch < cfg.ppoEpochs && !earlyStopped; epoch++) {
      const order = rng.child(`epoch${epoch}`).shuffled(Array.from({ length: batchSize }, (_, i) => i));
      // Minibatches are assembled on the device once per epoch: one gather per tensor, then slices.
      const [shuffledIds, shuffledPerToken, shuffledAttention] = tf.tidy('ppo/shuffle', () => {
        const ix = tf.tensor1d(order, 'int32'); // [batch] int32
        const mbInputs = [prep.inputIds, prep.perToken, ...(attentionMask ? [attentionMask] : [])];
        return mbInputs.map((t) => tf.gather(t, ix)); // [batch, seq] int32, [batch, 5, resp], [batch, seq]
      });
      const shuffled = { inputIds: shuffledIds as tf.Tensor2D, perToken: shuffledPerToken as tf.Tensor3D, attentionMask: (shuffledAttention as tf.Tensor2D | undefined) ?? null };
      for (let start = 0; start < batchSize; start += mbSize) {
        const statVec = this.minibatch(shuffled, start, Math.min(mbSize, batchSize - start), promptLen, seqLen);
        // sync: one read per minibatch (loss stats, skipped flag, gradient norm).
        const v = await statVec.data();
        statVec.dispose();
        const s = {} as Record<PPOLossStatName, number>;
        PPO_LOSS_STAT_NAMES.forEach((n, i) => (s[n] = v[i]));
        const total = s['loss/total'];
        if (!Number.isFinite(total)) {
          tf.dispose([shuffledIds, shuffledPerToken, shuffledAttention]);
          this.disposePrep({ ...prep, attentionMask });
          throw new NonFiniteLossError(`ppo: step ${this.nSteps + 1}, epoch ${epoch + 1}: ppo/loss/total is ${total}; stopping (results written before this run are intact)`);
        }
        skipped += v[PPO_LOSS_STAT_NAMES.length];
        gradNorms.push(v[PPO_LOSS_STAT_NAMES.length + 1]);
        perMinibatch.push(s);
      }
      tf.dispose([shuffledIds, shuffledPerToken, shuffledAttention]);
      // TRL 0.7.11 early stopping is checked at the end of each epoch, on the LAST minibatch's
      // policy KL (`train_stats["policy/policykl"]`): later epochs are skipped when it exceeds 1.5 x targetKl.
      if (cfg.earlyStopping && perMinibatch[perMinibatch.length - 1]['policy/policykl'] > 1.5 * cfg.targetKl) earlyStopped = true;
    }
    this.disposePrep({ ...prep, attentionMask });

    Object.assign(stats, averageMinibatchStats(perMinibatch), envRewardStats(rollout.scores));
    stats['objective/kl_coef'] = klCoef;
    stats['ppo/grad_norm'] = gradNorms.reduce((a, b) => a + b, 0) / gradNorms.length;
    stats['ppo/skipped_minibatches'] = skipped;
    stats['ppo/early_stopped'] = earlyStopped ? 1 : 0;
    if (skipped > 0) warnings.push(`ppo: step ${this.nSteps + 1}: ${skipped} minibatch(es) skipped (mean ratio above ratioThreshold ${cfg.ratioThreshold}); the optimizer still stepped, as TRL does`);
    const klWarning = negativeKlWarning(stats['objective/kl']);
    if (klWarning) warnings.push(klWarning);
    // TRL updates the controller with the batch's mean sequence KL and the batch size.
    this.kl.update(stats['objective/kl'], batchSize);
    this.nSteps++;
    return { stats, warnings };
  }

  /** One minibatch (rows start .. start + mbSize of the epoch's shuffle): loss, gradients, clipping, (decoupled) weight decay, Adam; returns the stats vector. */
  private minibatch(
    shuffled: { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D | null; perToken: tf.Tensor3D },
    start: number,
    mbSize: number,
    promptLen: number,
    seqLen: number,
  ): tf.Tensor1D {
    const cfg = this.cfg;
    return tf.tidy('ppo/minibatch', () => {
      const rows = <T extends tf.Tensor>(t: T): T => tf.slice(t, start, mbSize) as T;
      const mbIds = rows(shuffled.inputIds); // [mb, seq] int32
      const mbAttention = shuffled.attentionMask ? rows(shuffled.attentionMask) : undefined; // [mb, seq] or undefined
      const mbResp = tf.slice(mbIds, [0, promptLen], [mbSize, seqLen - promptLen]) as tf.Tensor2D; // [mb, resp] int32
      const [mbMask, mbOldLogprobs, mbOldValues, mbAdvantages, mbReturns] = tf.unstack(rows(shuffled.perToken), 1) as tf.Tensor2D[]; // 5 x [mb, resp]
      let kept: tf.Tensor[] = [];
      // Through the stacked model where that gives the separate forwards' numbers (see
      // `stackingIsExact`); else the two models run apart, written from the stack first, and their
      // gradients are stacked for the optimizer.
      const stacked = this.stacked;
      const throughStack = stacked !== null && this.stackedIsExact(mbSize, promptLen, seqLen - promptLen);
      if (stacked && !throughStack) stacked.writeBack();
      const { value: loss, grads: tapeGrads } = tf.variableGrads(() => {
        // Dropout off (training: false), so the old and new log-probs come from one deterministic function.
        // TRL 0.7 runs its minibatch updates in train mode, with dropout (notebook 07 states the difference).
        // A shared-trunk critic (TRL's value head) reads the same forward's hidden states.
        const { logits, vpreds } = this.policyAndValues(mbIds, mbAttention, promptLen, seqLen, throughStack); // [mb, resp, vocab], [mb, resp]
        const scaled = this.opts.temperature === 1 ? logits : (tf.div(logits, this.opts.temperature) as tf.Tensor3D);
        const logprobs = logprobsFromLogits(scaled, mbResp); // [mb, resp]
        const out = ppoLoss({ oldLogprobs: mbOldLogprobs, oldValues: mbOldValues, logprobs, vpreds, logits: scaled, mask: mbMask, advantages: mbAdvantages, returns: mbReturns }, cfg);
        // The statistics must outlive the gradient tape's scope; they are disposed below.
        kept = [tf.keep(out.statVector), tf.keep(out.skipped.reshape([1]))];
        return out.loss;
      }, throughStack ? stacked.variables : this.modelVariables);
      const grads = stacked && !throughStack ? stacked.stackGradients(tapeGrads) : tapeGrads;
      // `loss` is also the `loss/total` statistic; the tidy frees it with the other temporaries.
      void loss;
      // Clip to maxGradNorm (null: none), decoupled decay for 'adamw', Adam; the norm is before clipping.
      const norm = this.optimizer.applyGradients(grads, { maxGradNorm: cfg.maxGradNorm, weightDecay: cfg.optimizer === 'adamw' ? cfg.weightDecay : 0, learningRate: ppoLearningRate(cfg, this.nSteps) });
      const vec = tf.concat([...kept, norm.reshape([1])]) as tf.Tensor1D; // [n_stats + 2]
      kept.forEach((t) => t.dispose());
      return vec;
    });
  }

  /**
   * Policy logits and critic values of the response positions: one stacked forward for a separate
   * value network of the policy's shape, one policy forward for a shared-trunk critic, else the two
   * forwards. No tidy (inside the minibatch's gradient tape).
   */
  private policyAndValues(ids: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, promptLen: number, seqLen: number, throughStack: boolean): { logits: tf.Tensor3D; vpreds: tf.Tensor2D } {
    if (throughStack && this.stacked) {
      const { logits, values } = this.stacked.forward(ids, promptLen - 1, seqLen - 1, attentionMask);
      return { logits, vpreds: values };
    }
    const shared = this.critic.valuesFromPolicyHidden !== undefined;
    const fwd = this.policy.forward(ids, { attentionMask, outputStart: promptLen - 1, outputEnd: seqLen - 1, returnHidden: shared });
    const vpreds = shared ? this.critic.valuesFromPolicyHidden!(fwd.hidden as tf.Tensor3D) : this.critic.values(ids, attentionMask, promptLen);
    return { logits: fwd.logits as tf.Tensor3D, vpreds };
  }

  /** Episodes per minibatch of a batch: `minibatchEpisodes` each, the last one smaller if the batch does not divide (SB3's rule). */
  private minibatchSizes(batchSize: number): number[] {
    const mb = Math.min(this.opts.minibatchEpisodes, batchSize);
    return Array.from({ length: Math.ceil(batchSize / mb) }, (_, i) => Math.min(mb, batchSize - i * mb));
  }

  /** Whether a minibatch of `mb` episodes of prompt + response tokens gives the separate forwards' numbers through the stacked model. */
  private stackedIsExact(mb: number, promptLen: number, respLen: number): boolean {
    return stackingIsExact(mb * (promptLen + respLen), mb * respLen, this.policy.config.dModel);
  }

  /** Flat Adam over the stacked variables (flattened member by member: the same vector as the models'), or over the models' variables. */
  private makeOptimizer(): FlatAdam {
    const cfg = this.cfg;
    const variables = this.stacked ? this.stacked.variables : this.modelVariables;
    return new FlatAdam(variables, cfg.learningRate, cfg.adamBeta1, cfg.adamBeta2, cfg.adamEps, this.stacked?.layout ?? null);
  }

  private disposePrep(prep: { inputIds: tf.Tensor; attentionMask: tf.Tensor | null; perToken: tf.Tensor; roll: Record<string, tf.Tensor> }): void {
    for (const t of [prep.inputIds, prep.attentionMask, prep.perToken, ...Object.values(prep.roll)]) t?.dispose();
  }

  /** Frees the optimizer's state (models are the caller's). */
  dispose(): void {
    this.optimizer.dispose();
    this.stacked?.dispose();
  }
}
