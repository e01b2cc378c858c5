/** identity and stopGradient (same value, different gradient); shape, size and rank. */
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { Tensor } from '../tensor.js';
import { asTensor } from './checks.js';

/**
 * Returns a tensor with the same value as x (a new graph node in graph mode).
 *
 *   const y = tf.identity(x);
 */
export function identity(x: TensorLike, opts: NameOption = {}): Tensor {
  return named('identity', opts.name, () => runOp('identity', [asTensor(x, 'x', 'identity')])[0]);
}

/**
 * Same value as x, but gradients do not flow through it.
 *
 *   const target = tf.stopGradient(tf.add(q, 1));
 */
export function stopGradient(x: TensorLike, opts: NameOption = {}): Tensor {
  return named('stopGradient', opts.name, () => runOp('stop_gradient', [asTensor(x, 'x', 'stopGradient')])[0]);
}

/**
 * The run-time shape of x as an int32 vector (TF's tf.shape): known when the graph runs even
 * where the static shape (x.shape) has null.
 *
 *   const batch = tf.gather(tf.shape(x), 0);
 */
export function shape(x: TensorLike, opts: NameOption = {}): Tensor {
  return named('shape', opts.name, () => runOp('shape', [asTensor(x, 'x', 'shape')])[0]);
}

/** The number of elements of x as an int32 scalar (TF's tf.size). */
export function size(x: TensorLike, opts: NameOption = {}): Tensor {
  return named('size', opts.name, () => runOp('size', [asTensor(x, 'x', 'size')])[0]);
}

/** The rank of x as an int32 scalar (TF's tf.rank). */
export function rank(x: TensorLike, opts: NameOption = {}): Tensor {
  return named('rank', opts.name, () => runOp('rank', [asTensor(x, 'x', 'rank')])[0]);
}

registerGrad('identity', (dys) => [dys[0]]);
registerNonDifferentiable('stop_gradient', 'shape', 'size', 'rank');
