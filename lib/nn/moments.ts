/** tf.nn.l2Loss, tf.nn.moments and tf.nn.l2Normalize, composed from ops (their gradients come for free). */
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkFloat } from '../ops/checks.js';
import { maximum, mul, squaredDifference } from '../ops/binary.js';
import { rsqrt, square } from '../ops/unary.js';
import { reduceMean, reduceSum } from '../ops/reduce.js';
import { stopGradient } from '../ops/core.js';
import { squeeze } from '../ops/shape.js';

/**
 * sum(t²) / 2, as TF's tf.nn.l2_loss (weight decay terms).
 *
 *   const decay = tf.mul(1e-4, tf.nn.l2Loss(W));
 */
export function l2Loss(t: TensorLike, opts: NameOption = {}): Tensor {
  const x = asTensor(t, 't', 'l2Loss');
  checkFloat(x, 't', 'l2Loss');
  return named('l2Loss', opts.name, () => mul(reduceSum(square(x)), 0.5));
}

/**
 * Mean and variance over `axes` (TF's tf.nn.moments): variance = mean((x − mean)²), with the
 * mean held constant in the variance's gradient, as TF does.
 *
 *   const [mean, variance] = tf.nn.moments(x, [0]);
 */
export function moments(x: TensorLike, axes: number[], opts: { keepDims?: boolean } & NameOption = {}): [Tensor, Tensor] {
  const t = asTensor(x, 'x', 'moments');
  checkFloat(t, 'x', 'moments');
  return named('moments', opts.name, (): [Tensor, Tensor] => {
    const mean = reduceMean(t, axes, true);
    const variance = reduceMean(squaredDifference(t, stopGradient(mean)), axes, true);
    if (opts.keepDims) return [mean, variance];
    const rank = t.shape.length;
    const squeezeAxes = axes.map((a) => (a < 0 ? a + rank : a));
    return [squeeze(mean, squeezeAxes), squeeze(variance, squeezeAxes)];
  });
}

/**
 * x / sqrt(max(sum(x², axis), epsilon)) (TF's tf.nn.l2_normalize): unit L2 norm along `axis`
 * (one or several; all by default), with epsilon guarding a zero vector.
 *
 *   const unit = tf.nn.l2Normalize(embeddings, 1);
 */
export function l2Normalize(x: TensorLike, axis?: number | number[], opts: { epsilon?: number } & NameOption = {}): Tensor {
  const t = asTensor(x, 'x', 'l2Normalize');
  checkFloat(t, 'x', 'l2Normalize');
  const epsilon = opts.epsilon ?? 1e-12;
  if (!(epsilon >= 0)) throw new Error(`l2Normalize: epsilon must be >= 0, got ${epsilon}`);
  return named('l2Normalize', opts.name, () => mul(t, rsqrt(maximum(reduceSum(square(t), axis, true), epsilon))));
}
