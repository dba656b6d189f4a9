/**
 * The one PPO loop of the study (TRL 0.7 `PPOTrainer.step` driven by its example scripts; RL4LMs'
 * `OnPolicyAlgorithm.learn`): per step, prompts -> rollout (sample, score, behaviour log-probs,
 * values, reference log-probs) -> rewards and advantages, epochs of minibatches (`PPOTrainer.step`)
 * -> statistics under TRL's names -> one JSON line in the step log. The synthetic and the language
 * experiments differ only in their {@link PpoEnvironment}: which prompts, which reward, which
 * sampling settings.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import type { PPOConfig } from './ppo_config';
import { PPOTrainer } from './ppo_trainer';
import { collectRollout, disposeRollout, type Critic, type RolloutOptions } from './rollout';
import type { Rng } from '../util/rng';

/** One step's statistics under TRL's metric names (`env/reward_mean`, `objective/kl`, `ppo/policy/clipfrac`, ...). */
export type PpoStepStats = Record<string, number>;

/** Called after every PPO step: the 1-based step, the number of steps, and the step's statistics. */
export type OnPpoStep = (step: number, total: number, stats: PpoStepStats) => void;

/** The prompts of one step and how their responses are scored. */
export interface PpoPrompts {
  /** [batch, prompt] int32 prompt ids (left-padded when `queryMask` is given); the loop disposes it. */
  readonly query: tf.Tensor2D;
  /** [batch, prompt] float 0/1, 1 = real prompt token; undefined when no prompt is padded; the loop disposes it. */
  readonly queryMask?: tf.Tensor2D;
  /** Scores of the sampled responses, one per episode (host numbers). */
  readonly score: (responses: Int32Array[], lengths: number[]) => number[];
}

/** What the toy and the language experiments plug into the loop. */
export interface PpoEnvironment {
  /** The prompts of step `step` (0-based); `rng` is the step's `prompts` stream. */
  prompts(step: number, rng: Rng): PpoPrompts;
  /** Sampling settings of the rollouts. */
  readonly sampling: RolloutOptions;
  /**
   * Label of the per-step random streams (`<label><step>/sample`, `<label><step>/ppo`): `iter` for
   * the toy runs, `step` for the language runs, as before the two loops were merged, so that a
   * seed still gives the same numbers.
   */
  readonly rngStepLabel: 'iter' | 'step';
}

/** The models a loop trains: the policy and critic are updated, the reference (if any) stays frozen. */
export interface PpoModels {
  readonly policy: GPT;
  readonly critic: Critic;
  readonly ref: GPT | null;
}

/** Hooks of a loop. */
export interface PpoLoopHooks {
  readonly onStep?: OnPpoStep;
  /** Append each step's statistics as one JSON line `{ step, ...stats }` to this file (its folder is created). */
  readonly stepLogFile?: string;
}

/** What a loop returns. */
export interface PpoLoopResult {
  /** Per-step statistics under TRL's names. */
  readonly steps: PpoStepStats[];
  /** Warnings raised during training (negative KL, skipped minibatches). */
  readonly warnings: string[];
}

/**
 * Runs `cfg.nIterations` PPO steps of `env` on `models` with minibatches of `minibatchEpisodes`
 * episodes. The trainer (optimizer, KL controller) lives for the loop only; the models stay owned
 * by the caller. Every rollout is freed before the next step, also on error.
 */
export async function runPpoLoop(models: PpoModels, env: PpoEnvironment, cfg: PPOConfig, minibatchEpisodes: number, rng: Rng, hooks: PpoLoopHooks = {}): Promise<PpoLoopResult> {
  const { policy, critic, ref } = models;
  const trainer = new PPOTrainer(policy, critic, ref, cfg, { minibatchEpisodes, temperature: env.sampling.temperature });
  const steps: PpoStepStats[] = [];
  const warnings: string[] = [];
  const nSteps = cfg.nIterations;
  if (hooks.stepLogFile) fs.mkdirSync(path.dirname(hooks.stepLogFile), { recursive: true });
  try {
    for (let step = 0; step < nSteps; step++) {
      const stepRng = rng.child(`${env.rngStepLabel}${step}`);
      const p = env.prompts(step, stepRng.child('prompts'));
      let rollout;
      try {
        rollout = await collectRollout(policy, critic, ref, p.query, p.score, env.sampling, stepRng.child('sample'), p.queryMask);
      } finally {
        p.query.dispose();
        p.queryMask?.dispose();
      }
      try {
        const { stats, warnings: w } = await trainer.step(rollout, stepRng.child('ppo'));
        steps.push(stats);
        warnings.push(...w);
        if (hooks.stepLogFile) fs.appendFileSync(hooks.stepLogFile, JSON.stringify({ step: step + 1, ...stats }) + '\n');
        hooks.onStep?.(step + 1, nSteps, stats);
      } finally {
        disposeRollout(rollout);
      }
    }
    return { steps, warnings };
  } finally {
    trainer.dispose();
  }
}
