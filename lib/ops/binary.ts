/**
 * Binary elementwise ops with NumPy broadcasting: arithmetic, comparisons, logical ops, where
 * and clipByValue. Operands must share one dtype; a JavaScript number takes the dtype of the
 * tensor beside it (`tf.mul(x64, 2)` stays float64). Gradients are composed from ops and summed
 * back over broadcast dimensions, so the same functions build graph nodes in graph mode.
 */
import type { DType } from '../dtype.js';
import { isFloatDType, shapeString } from '../dtype.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { asTensor, checkDType } from './checks.js';
import { log, neg } from './unary.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];
const FLOAT: readonly DType[] = ['float32', 'float64'];

/**
 * Converts the operands (numbers and arrays take the dtype of the first Tensor among them),
 * checks their dtypes against `allowed` and that they all agree.
 */
function operands(values: TensorLike[], names: string[], op: string, allowed?: readonly DType[]): Tensor[] {
  const like = values.find((v): v is Tensor => v instanceof Tensor)?.dtype;
  const ts = values.map((v, i) => asTensor(v, names[i], op, like));
  ts.forEach((t, i) => allowed && checkDType(t, names[i], op, allowed));
  ts.forEach((t, i) => {
    if (t.dtype !== ts[0].dtype) {
      throw new Error(
        `${op}: '${names[0]}' and '${names[i]}' must have the same dtype, got ` +
          `${ts[0].dtype} ${shapeString(ts[0].shape)} and ${t.dtype} ${shapeString(t.shape)} (use tf.cast)`,
      );
    }
  });
  return ts;
}

const binary =
  (op: string, fn: string, allowed?: readonly DType[]) =>
  (a: TensorLike, b: TensorLike, opts: NameOption = {}): Tensor => {
    const ts = operands([a, b], ['a', 'b'], fn, allowed);
    return named(fn, opts.name, () => runOp(op, ts)[0]);
  };

// ---------------------------------------------------------------- arithmetic

/** a + b, elementwise, broadcasting; float32, float64 or int32 (wraps on overflow).  `tf.add(x, b)` */
export const add = binary('add', 'add', NUMERIC);
/** a − b, elementwise, broadcasting.  `const d = tf.sub(x, mean);` */
export const sub = binary('sub', 'sub', NUMERIC);
/** a · b, elementwise, broadcasting.  `const y = tf.mul(x, 0.5);` */
export const mul = binary('mul', 'mul', NUMERIC);
/**
 * a / b, elementwise, broadcasting. NOTE: for int32 this is TF 1.x `tf.div`: floor division
 * (−7 / 2 = −4), and integer division by zero gives 0 instead of failing.
 *
 *   const y = tf.div(x, tf.reduceSum(x));
 */
export const div = binary('div', 'div', NUMERIC);
/** a^b, elementwise, broadcasting; float32/float64 (a negative base with a fractional b is NaN).  `tf.pow(x, 2)` */
export const pow = binary('pow', 'pow', FLOAT);
/** max(a, b), elementwise, broadcasting; a NaN on either side gives NaN.  `tf.maximum(x, 0)` */
export const maximum = binary('maximum', 'maximum', NUMERIC);
/** min(a, b), elementwise, broadcasting; a NaN on either side gives NaN.  `tf.minimum(x, 6)` */
export const minimum = binary('minimum', 'minimum', NUMERIC);
/** (a − b)², elementwise, broadcasting.  `const se = tf.squaredDifference(pred, labels);` */
export const squaredDifference = binary('squared_difference', 'squaredDifference', NUMERIC);

// ---------------------------------------------------------------- comparisons (bool out)

/** a == b, elementwise, broadcasting → bool (also for bool inputs).  `tf.equal(argmax, labels)` */
export const equal = binary('equal', 'equal');
/** a != b, elementwise, broadcasting → bool (NaN != NaN is true).  `tf.notEqual(x, 0)` */
export const notEqual = binary('not_equal', 'notEqual');
/** a < b → bool.  `tf.less(x, 0)` */
export const less = binary('less', 'less', NUMERIC);
/** a <= b → bool.  `tf.lessEqual(x, 1)` */
export const lessEqual = binary('less_equal', 'lessEqual', NUMERIC);
/** a > b → bool.  `tf.greater(x, 0)` */
export const greater = binary('greater', 'greater', NUMERIC);
/** a >= b → bool.  `tf.greaterEqual(x, threshold)` */
export const greaterEqual = binary('greater_equal', 'greaterEqual', NUMERIC);

// ---------------------------------------------------------------- logical (bool)

/** a AND b on bool tensors, broadcasting.  `tf.logicalAnd(tf.greater(x, 0), mask)` */
export const logicalAnd = binary('logical_and', 'logicalAnd', ['bool']);
/** a OR b on bool tensors, broadcasting.  `tf.logicalOr(m1, m2)` */
export const logicalOr = binary('logical_or', 'logicalOr', ['bool']);
/** NOT x on a bool tensor.  `const outside = tf.logicalNot(inside);` */
export function logicalNot(x: TensorLike, opts: NameOption = {}): Tensor {
  const ts = operands([x], ['x'], 'logicalNot', ['bool']);
  return named('logicalNot', opts.name, () => runOp('logical_not', ts)[0]);
}

// ---------------------------------------------------------------- selection

/**
 * condition ? a : b, elementwise; condition (bool), a and b all broadcast (TF2 `where_v2`
 * rules; TF 1.x `tf.where` needs equal shapes and has a one-argument index form, not provided).
 *
 *   const y = tf.where(tf.greater(x, 0), x, tf.mul(x, 0.2));   // leaky relu
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike, opts: NameOption = {}): Tensor {
  const c = asTensor(condition, 'condition', 'where', 'bool');
  checkDType(c, 'condition', 'where', ['bool']);
  const ts = operands([a, b], ['a', 'b'], 'where');
  return named('where', opts.name, () => runOp('where', [c, ...ts])[0]);
}

/**
 * min(max(t, clipValueMin), clipValueMax), elementwise, all three broadcast; a NaN in any
 * input gives NaN. With clipValueMin > clipValueMax the result is clipValueMax.
 *
 *   const p = tf.clipByValue(probs, 1e-7, 1 - 1e-7);
 */
export function clipByValue(t: TensorLike, clipValueMin: TensorLike, clipValueMax: TensorLike, opts: NameOption = {}): Tensor {
  const names = ['t', 'clipValueMin', 'clipValueMax'];
  const ts = operands([t, clipValueMin, clipValueMax], names, 'clipByValue', NUMERIC);
  return named('clipByValue', opts.name, () => runOp('clip_by_value', ts)[0]);
}

// ---------------------------------------------------------------- gradients

/** dx summed back to x's shape, given the operands x was broadcast with (broadcast.ts). */
const unbroadcast = sumToShape;

/** Gradients only for float operands (integer ops have none, as in TF). */
const floatGrad =
  (fn: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => (Tensor | null)[]) =>
  (dys: Tensor[], { inputs: [a, b], outputs: [y] }: { inputs: Tensor[]; outputs: Tensor[] }) =>
    isFloatDType(a.dtype) ? fn(dys[0], a, b, y) : [null, null];

registerGrad('add', floatGrad((dy, a, b) => [unbroadcast(dy, a, b), unbroadcast(dy, b, a)]));
registerGrad('sub', floatGrad((dy, a, b) => [unbroadcast(dy, a, b), neg(unbroadcast(dy, b, a))]));
registerGrad('mul', floatGrad((dy, a, b) => [unbroadcast(mul(dy, b), a, b), unbroadcast(mul(dy, a), b, a)]));
// d(a/b)/db = −a/b² = −(1/b)·y, so the forward output saves a division.
registerGrad(
  'div',
  floatGrad((dy, a, b, y) => {
    const da = div(dy, b);
    return [unbroadcast(da, a, b), neg(unbroadcast(mul(da, y), b, a))];
  }),
);
// NOTE: d/db = dy·y·log(a) only where a > 0, else 0 (as TF); log sees 1 there, so no NaN leaks.
registerGrad(
  'pow',
  floatGrad((dy, a, b, y) => {
    const da = mul(dy, mul(b, pow(a, sub(b, 1))));
    const positive = greater(a, 0);
    const logA = where(positive, log(where(positive, a, 1)), 0);
    return [unbroadcast(da, a, b), unbroadcast(mul(mul(dy, y), logA), b, a)];
  }),
);
// NOTE: ties go to a (a >= b for maximum, a <= b for minimum), as TF.
registerGrad(
  'maximum',
  floatGrad((dy, a, b) => {
    const pickA = greaterEqual(a, b);
    return [unbroadcast(where(pickA, dy, 0), a, b), unbroadcast(where(pickA, 0, dy), b, a)];
  }),
);
registerGrad(
  'minimum',
  floatGrad((dy, a, b) => {
    const pickA = lessEqual(a, b);
    return [unbroadcast(where(pickA, dy, 0), a, b), unbroadcast(where(pickA, 0, dy), b, a)];
  }),
);
registerGrad(
  'squared_difference',
  floatGrad((dy, a, b) => {
    const d = mul(dy, sub(a, b));
    return [unbroadcast(mul(d, 2), a, b), unbroadcast(mul(d, -2), b, a)];
  }),
);
registerGrad('where', (dys, { inputs: [c, a, b] }) => {
  if (!isFloatDType(a.dtype)) return [null, null, null];
  return [null, unbroadcast(where(c, dys[0], 0), a, c, b), unbroadcast(where(c, 0, dys[0]), b, c, a)];
});
// As TF's ClipByValue gradient: t gets dy where lo <= t <= hi, lo where t < lo, hi where t > hi.
registerGrad('clip_by_value', (dys, { inputs: [t, lo, hi] }) => {
  if (!isFloatDType(t.dtype)) return [null, null, null];
  const dy = dys[0];
  const below = less(t, lo);
  const above = greater(t, hi);
  return [
    unbroadcast(where(logicalOr(below, above), 0, dy), t, lo, hi),
    unbroadcast(where(below, dy, 0), lo, t, hi),
    unbroadcast(where(above, dy, 0), hi, t, lo),
  ];
});
registerNonDifferentiable(
  'equal',
  'not_equal',
  'less',
  'less_equal',
  'greater',
  'greater_equal',
  'logical_and',
  'logical_or',
  'logical_not',
);
