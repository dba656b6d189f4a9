/**
 * The project's one seeded pseudo-random number generator.
 * Every random choice (data generation, initialisation, sampling, shuffling) takes an `Rng`
 * as its last argument; independent streams come from `rng.child(label)`, derived from the
 * seed and the label alone, so adding a stream never shifts the numbers of another.
 * Backed by seedrandom's Alea (period ~2^116, exact and identical on every platform).
 */
import seedrandom from 'seedrandom';

export interface Rng {
  /** The seed string this stream was created from (root seed plus child labels). */
  readonly seed: string;
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). `n` must be a positive integer. */
  int(n: number): number;
  /** Standard normal draw (Box-Muller). */
  normal(): number;
  /** A uniformly random element of `items` (non-empty). */
  choice<T>(items: readonly T[]): T;
  /** A new array with the elements of `items` in uniformly random order (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[];
  /** An integer seed in [0, 2^31) for tfjs random ops (`tf.randomNormal(..., seed)`), drawn from this stream. */
  tfSeed(): number;
  /** An independent stream named `label`; depends only on this stream's seed and the label. */
  child(label: string | number): Rng;
}

/** Creates the root stream for `seed` (an integer or a string). */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new Error(`seed: ${seed} is not a finite number`);
  }
  return makeRng(String(seed));
}

function makeRng(seed: string): Rng {
  const alea = seedrandom.alea(seed);
  let spareNormal: number | null = null;
  const rng: Rng = {
    seed,
    uniform: () => alea.double(),
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`int: n must be a positive integer, got ${n}`);
      return Math.floor(alea.double() * n);
    },
    normal(): number {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;
        return z;
      }
      // Box-Muller; 1 - u keeps the log argument in (0, 1].
      const u = 1 - alea.double();
      const v = alea.double();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    choice<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('choice: items is empty');
      return items[rng.int(items.length)];
    },
    shuffled<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = out[i];
        out[i] = out[j];
        out[j] = tmp;
      }
      return out;
    },
    tfSeed: () => Math.floor(alea.double() * 2147483647),
    child: (label: string | number) => makeRng(`${seed}/${label}`),
  };
  return rng;
}
