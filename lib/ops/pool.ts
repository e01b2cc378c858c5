/** Max and average pooling over NHWC windows (TF's tf.nn.max_pool / avg_pool). */
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
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
registerNonDifferentiable('max_pool_backward', 'avg_pool_backward');
