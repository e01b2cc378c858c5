/** tf.keras.utils.toCategorical: class ids → one-hot rows, on the host. */
import type { TypedArray } from '../../dtype.js';
import { hostTensor } from '../../convert.js';
import { Tensor } from '../../tensor.js';

/**
 * One-hot float32 [n, numClasses] from class ids (a host tensor, TypedArray or array).
 *
 *   const y = tf.keras.utils.toCategorical([0, 2, 1], 3);   // [[1,0,0],[0,0,1],[0,1,0]]
 */
export function toCategorical(y: Tensor | TypedArray | number[], numClasses?: number): Tensor {
  const ids = y instanceof Tensor ? y.dataSync() : y;
  if (y instanceof Tensor && y.isSymbolic) {
    throw new Error('toCategorical: expected values, got a graph tensor');
  }
  const list = Array.from(ids as ArrayLike<number>);
  for (const [i, v] of list.entries()) {
    if (!Number.isInteger(v) || v < 0) {
      throw new Error(
        `toCategorical: class ids must be non-negative integers, found ${v} at index ${i}`,
      );
    }
  }
  const n = numClasses ?? list.reduce((m, v) => Math.max(m, v + 1), 0);
  const out = new Float32Array(list.length * n);
  list.forEach((v, i) => {
    if (v >= n) throw new Error(`toCategorical: class id ${v} at index ${i} is >= numClasses ${n}`);
    out[i * n + v] = 1;
  });
  return hostTensor(out, 'float32', [list.length, n]);
}
