// tf.orthogonalInitializer: orthonormal rows or columns (whichever are fewer) times the gain, for
// tall, wide and conv-shaped kernels; reproducible under tf.setRandomSeed; bad shapes refused.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { withEager } from '../helpers/check_op.js';

/** Max |(M Mᵀ or Mᵀ M) − gain² I| for M [rows, cols] row-major, over the smaller side. */
function orthoError(m: ArrayLike<number>, rows: number, cols: number, gain: number): number {
  const [n, k] = rows >= cols ? [cols, rows] : [rows, cols];
  const at = (i: number, j: number) => (rows >= cols ? m[j * cols + i] : m[i * cols + j]);   // vector i, element j
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let j = 0; j < k; j++) dot += at(a, j) * at(b, j);
      worst = Math.max(worst, Math.abs(dot - (a === b ? gain * gain : 0)));
    }
  }
  return worst;
}

describe('tf.orthogonalInitializer', () => {
  it('gives orthonormal columns (tall), rows (wide), and flattens conv kernels', () =>
    withEager(() => {
      for (const [shape, gain] of [[[6, 3], 1], [[3, 7], 2], [[2, 2, 3, 4], 1]] as [number[], number][]) {
        const v = tf.orthogonalInitializer({ gain })(shape, 'float64').dataSync();
        const cols = shape[shape.length - 1];
        expect(orthoError(v, v.length / cols, cols, gain), JSON.stringify(shape)).toBeLessThan(1e-12);
      }
    }));

  it('is reproducible under tf.setRandomSeed, and refuses a vector', () =>
    withEager(() => {
      tf.setRandomSeed(5);
      const a = tf.orthogonalInitializer()([4, 4]).dataSync();
      tf.setRandomSeed(5);
      const b = tf.orthogonalInitializer()([4, 4]).dataSync();
      tf.setRandomSeed(null);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(() => tf.orthogonalInitializer()([5])).toThrow(/orthogonalInitializer: the shape must have rank >= 2, got \[5\]/);
    }));
});
