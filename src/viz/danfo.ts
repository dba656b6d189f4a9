/**
 * Optional danfo.js for notebook tables. danfojs-node 1.2 loads @tensorflow/tfjs-node at import,
 * which fails where the native addon is not built, and which on success calls
 * `tf.setBackend('tensorflow')`, silently replacing the backend that `initBackend()` chose.
 * `loadDanfo` therefore never throws and puts the previous backend back.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { DataFrameLike } from './table';

/** The part of the danfojs-node module that tables use. */
export interface DanfoLike {
  readonly DataFrame: new (data: readonly object[]) => DataFrameLike;
}

/** Result of {@link loadDanfo}: the module, or why it could not be loaded. */
export interface DanfoStatus {
  readonly danfo?: DanfoLike;
  /** First line of the load error when `danfo` is absent. */
  readonly reason?: string;
}

let cached: DanfoStatus | undefined;

/**
 * Loads danfojs-node once (cached) and reports why not when it fails; the tfjs backend active
 * before the load is active after it. `load` replaces the `require` call (tests).
 */
export function loadDanfo(load?: () => unknown): DanfoStatus {
  if (load === undefined && cached !== undefined) return cached;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tf: typeof tfType = require('@tensorflow/tfjs');
  // Undefined until some backend has been chosen.
  const before: string | undefined = tf.engine().backendName ?? undefined;
  // As in backend.ts: keep TensorFlow's C++ start-up chatter out of notebook output.
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
  let status: DanfoStatus;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = (load ?? (() => require('danfojs-node')))() as Partial<DanfoLike> | undefined;
    status = typeof mod?.DataFrame === 'function' ? { danfo: mod as DanfoLike } : { reason: 'the module has no DataFrame' };
  } catch (e) {
    status = { reason: String(e instanceof Error ? e.message : e).split('\n')[0] };
  } finally {
    // setBackend of a backend that is already initialised switches synchronously.
    if (before !== undefined && tf.engine().backendName !== before) {
      tf.setBackend(before).catch(() => undefined);
    }
  }
  if (load === undefined) cached = status;
  return status;
}
