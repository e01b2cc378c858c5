/** Tensor creation: constant, zeros/ones(Like), fill, range, linspace, eye. */
import type { DType, Shape } from '../dtype.js';
import { isDType, shapeString } from '../dtype.js';
import type { TensorLike } from '../convert.js';
import { hostTensor } from '../convert.js';
import type { NameOption } from '../engine.js';
import { constantOf, named, runOp } from '../engine.js';
import { Tensor } from '../tensor.js';
import { asTensor } from './checks.js';

/**
 * A constant tensor from numbers, booleans, nested arrays or a TypedArray. Numbers become
 * float32 unless `dtype` says otherwise; a single value with a `shape` fills it.
 *
 *   const a = tf.constant([[1, 2], [3, 4]]);            // float32 [2,2]
 *   const z = tf.constant(0, 'int32', [3]);             // [0, 0, 0]
 */
export function constant(value: TensorLike, dtype?: DType, shape?: Shape, name?: string): Tensor {
  if (value instanceof Tensor) throw new Error('constant: value is already a Tensor (use tf.identity or tf.cast)');
  return constantOf(hostTensor(value, dtype, shape, 'constant'), name);
}

/** Zeros with the shape and dtype of x (shape known at run time in graph mode). */
export function zerosLike(x: TensorLike, opts: NameOption = {}): Tensor {
  return named('zerosLike', opts.name, () => runOp('zeros_like', [asTensor(x, 'x', 'zerosLike')])[0]);
}

/** Ones with the shape and dtype of x. */
export function onesLike(x: TensorLike, opts: NameOption = {}): Tensor {
  return named('onesLike', opts.name, () => runOp('ones_like', [asTensor(x, 'x', 'onesLike')])[0]);
}

/**
 * A tensor of shape `dims` filled with `value` (TF 1.x tf.fill(dims, value)). The dtype is
 * float32 for a number and bool for a boolean unless `dtype` says otherwise.
 * NOTE: ±Infinity and NaN are allowed for float dtypes (e.g. -Infinity attention masks).
 *
 *   const m = tf.fill([2, 3], -Infinity);
 */
export function fill(dims: number[], value: number | boolean, dtype?: DType, opts: NameOption = {}): Tensor {
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`fill: dims must be an array of integers >= 0, got ${Array.isArray(dims) ? shapeString(dims) : String(dims)}`);
  }
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`fill: value must be a number or boolean, got ${typeof value}`);
  const dt = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  if (!isDType(dt)) throw new Error(`fill: unknown dtype '${String(dt)}' (expected float32, float64, int32 or bool)`);
  return named('fill', opts.name, () => runOp('fill', [], { shape: dims, value: Number(value), dtype: dt })[0]);
}

/** A tensor of `shape` full of zeros.  `const b = tf.zeros([10]);` */
export function zeros(shape: number[], dtype: DType = 'float32', opts: NameOption = {}): Tensor {
  return named('zeros', opts.name, () => fill(shape, 0, dtype));
}

/** A tensor of `shape` full of ones.  `const m = tf.ones([2, 2], 'int32');` */
export function ones(shape: number[], dtype: DType = 'float32', opts: NameOption = {}): Tensor {
  return named('ones', opts.name, () => fill(shape, 1, dtype));
}
