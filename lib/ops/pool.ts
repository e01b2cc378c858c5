/** Max and average pooling over NHWC windows (TF's tf.nn.max_pool / avg_pool). */
import { registerGrad } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkFloat } from './checks.js';
import type { Padding } from './conv_args.js';
import { opWithShapes, paddingName, spatialPair } from './conv_args.js';

function pool(op: 'max_pool' | 'avg_pool', name: string, value: TensorLike, ksize: number | number[], strides: number | number[], padding: Padding): Tensor {
  const x = asTensor(value, 'value', name);
  checkFloat(x, 'value', name);
  const at = opWithShapes(name, { value: x.shape });
  const attrs = {
    ksize: spatialPair(ksize, 1, 'ksize', at),
    strides: spatialPair(strides, 1, 'strides', at),
    padding: paddingName(padding, at),
  };
  return runOp(op, [x], attrs)[0];
}

/**
 * Max over each [kh, kw] window, per channel; NaN propagates.
 *
 *   const p = tf.nn.maxPool(conv, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME');
 */
export function maxPool(value: TensorLike, ksize: number | number[], strides: number | number[], padding: Padding, opts: NameOption = {}): Tensor {
  return named('maxPool', opts.name, () => pool('max_pool', 'maxPool', value, ksize, strides, padding));
}

/** Mean over each window's valid (unpadded) elements, per channel. */
export function avgPool(value: TensorLike, ksize: number | number[], strides: number | number[], padding: Padding, opts: NameOption = {}): Tensor {
  return named('avgPool', opts.name, () => pool('avg_pool', 'avgPool', value, ksize, strides, padding));
}

// NOTE: max pooling routes each window's gradient to its first maximum (as TF on CPU).
registerGrad('max_pool', (dys, { inputs: [x], attrs }) => [runOp('max_pool_backward', [dys[0], x], attrs)[0]]);
registerGrad('avg_pool', (dys, { inputs: [x], attrs }) => [runOp('avg_pool_backward', [dys[0], x], attrs)[0]]);
// Second order: the backward kernels are linear in dy. avg_pool_backward's adjoint is avg_pool;
// max_pool_backward's is max_pool_grad_grad (each window's g at its first maximum, TF's
// MaxPoolGradGrad), whose adjoint is max_pool_backward again. Neither depends on x but through
// which position is the maximum (piecewise constant): no gradient for x.
registerGrad('avg_pool_backward', (dys, { attrs }) => [runOp('avg_pool', [dys[0]], attrs)[0], null]);
registerGrad('max_pool_backward', (dys, { inputs: [, x], attrs }) => [
  runOp('max_pool_grad_grad', [x, dys[0]], attrs)[0],
  null,
]);
registerGrad('max_pool_grad_grad', (dys, { inputs: [x], attrs }) => [
  null,
  runOp('max_pool_backward', [dys[0], x], attrs)[0],
]);
