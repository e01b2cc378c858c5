/**
 * Host-side randomness for shuffling examples (datasets' batches, Keras fit): a seedable
 * generator and permutations from it. Device random ops live in ops/random.ts (Philox).
 */
import { hostShuffleSeed } from './ops/random.js';

/** mulberry32: a small, fast, seedable generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A permutation of 0..n-1 drawn from `next` (Fisher-Yates). */
export function permutation(n: number, next: () => number): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * A shuffled order of n examples: from `seed` when given, else from tf.setRandomSeed's sequence
 * when that is set (each call a new order, replayed after the same setRandomSeed), else random.
 */
export function shuffledOrder(n: number, seed?: number): Int32Array {
  return permutation(n, seededRandom(seed ?? hostShuffleSeed()));
}
