/** Matrix multiplication (batched, broadcasting batch dims), through BLAS or the built-in GEMM. */
import { registerGrad } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { asTensor, checkFloat } from './checks.js';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * op(a) · op(b) over the last two dims; leading (batch) dims broadcast.
 *
 *   const y = tf.matmul(x, W);                          // [n, 784] · [784, 300]
 *   const g = tf.matmul(a, b, { transposeB: true });
 */
export function matmul(a: TensorLike, b: TensorLike, opts: MatmulOptions & NameOption = {}): Tensor {
  const ta = asTensor(a, 'a', 'matmul', b instanceof Tensor ? b.dtype : undefined);
  const tb = asTensor(b, 'b', 'matmul', ta.dtype);
  checkFloat(ta, 'a', 'matmul');
  checkFloat(tb, 'b', 'matmul');
  return named('matmul', opts.name, () => runOp('matmul', [ta, tb], { transposeA: !!opts.transposeA, transposeB: !!opts.transposeB })[0]);
}

// Standard rules for each transpose combination; batch dims broadcast, so sum them back.
registerGrad('matmul', (dys, { inputs: [a, b], attrs }) => {
  const dy = dys[0];
  const ta = !!attrs.transposeA;
  const tb = !!attrs.transposeB;
  let da: Tensor;
  let db: Tensor;
  if (!ta && !tb) {
    da = matmul(dy, b, { transposeB: true });
    db = matmul(a, dy, { transposeA: true });
  } else if (!ta && tb) {
    da = matmul(dy, b);
    db = matmul(dy, a, { transposeA: true });
  } else if (ta && !tb) {
    da = matmul(b, dy, { transposeB: true });
    db = matmul(a, dy);
  } else {
    da = matmul(b, dy, { transposeA: true, transposeB: true });
    db = matmul(dy, a, { transposeA: true, transposeB: true });
  }
  return [sumToShape(da, a), sumToShape(db, b)];
});
