/**
 * Reductions over axes (TF 1.x names): reduceSum / Mean / Max / Min / Prod / LogSumExp over any
 * set of axes (negative allowed; undefined = all) with keepDims, and argmax / argmin along one
 * axis (int32 indices). Gradients use dedicated backward kernels that take x's run-time shape,
 * so they also work in graph mode with unknown dims.
 */
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import type { GradFn } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import type { DType } from '../dtype.js';
import { shapeString } from '../dtype.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import type { Attrs } from '../native.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkDType } from './checks.js';

const FLOAT_INT: DType[] = ['float32', 'float64', 'int32'];

function checkAxis(x: Tensor, a: number, op: string): void {
  if (!Number.isInteger(a) || a < -x.rank || a >= x.rank) {
    throw new Error(`${op}: axis ${a} is out of range for a tensor of rank ${x.rank} (${x.dtype} ${shapeString(x.shape)})`);
  }
}

function reduce(op: string, dtypes: DType[], x: TensorLike, axis: number | number[] | undefined | null, keepDims: boolean): Tensor {
  const t = asTensor(x, 'x', op);
  checkDType(t, 'x', op, dtypes);
  if (typeof keepDims !== 'boolean') throw new Error(`${op}: keepDims must be a boolean, got ${String(keepDims)}`);
  const attrs: Attrs = { keepDims };
  if (axis !== undefined && axis !== null) {
    const list = Array.isArray(axis) ? axis : [axis];
    for (const a of list) checkAxis(t, a, op);
    attrs.axis = list;
  }
  return runOp(op, [t], attrs)[0];
}

/** Σ x over `axis` (all axes when undefined). `tf.reduceSum(x, 1)`, `tf.reduceSum(x, [0, 2], true)` */
export function reduceSum(x: TensorLike, axis?: number | number[], keepDims = false, opts: NameOption = {}): Tensor {
  return named('reduceSum', opts.name, () => reduce('reduce_sum', FLOAT_INT, x, axis, keepDims));
}
/**
 * Mean of x over `axis`; NaN over an empty axis. NOTE: int32 input gives the truncated integer
 * mean, as TensorFlow.  `const loss = tf.reduceMean(tf.square(err));`
 */
export function reduceMean(x: TensorLike, axis?: number | number[], keepDims = false, opts: NameOption = {}): Tensor {
  return named('reduceMean', opts.name, () => reduce('reduce_mean', FLOAT_INT, x, axis, keepDims));
}
/** max x over `axis` (-inf when empty; NaN wins).  `const m = tf.reduceMax(x, -1, true);` */
export function reduceMax(x: TensorLike, axis?: number | number[], keepDims = false, opts: NameOption = {}): Tensor {
  return named('reduceMax', opts.name, () => reduce('reduce_max', FLOAT_INT, x, axis, keepDims));
}
/** min x over `axis` (+inf when empty; NaN wins).  `const m = tf.reduceMin(x, 0);` */
export function reduceMin(x: TensorLike, axis?: number | number[], keepDims = false, opts: NameOption = {}): Tensor {
  return named('reduceMin', opts.name, () => reduce('reduce_min', FLOAT_INT, x, axis, keepDims));
}
/** Π x over `axis` (1 when empty).  `const p = tf.reduceProd(x, 1);` */
export function reduceProd(x: TensorLike, axis?: number | number[], keepDims = false, opts: NameOption = {}): Tensor {
  return named('reduceProd', opts.name, () => reduce('reduce_prod', FLOAT_INT, x, axis, keepDims));
}
/**
 * log Σ exp(x) over `axis`, computed stably as m + log Σ exp(x − m), m = max x.
 *
 *   const lse = tf.reduceLogSumExp(logits, -1);
 */
export function reduceLogSumExp(x: TensorLike, axis?: number | number[], keepDims = false, opts: NameOption = {}): Tensor {
  return named('reduceLogSumExp', opts.name, () => reduce('reduce_logsumexp', ['float32', 'float64'], x, axis, keepDims));
}

function arg(op: string, input: TensorLike, axis: number): Tensor {
  const t = asTensor(input, 'input', op);
  checkDType(t, 'input', op, FLOAT_INT);
  checkAxis(t, axis, op);
  return runOp(op, [t], { axis })[0];
}
/**
 * Index (int32) of the largest value along `axis` (default 0, as TF 1.x); ties give the first
 * index, NaN wins.  `const pred = tf.argmax(logits, 1);`
 */
export function argmax(input: TensorLike, axis = 0, opts: NameOption = {}): Tensor {
  return named('argmax', opts.name, () => arg('argmax', input, axis));
}
/** Index (int32) of the smallest value along `axis` (default 0).  `tf.argmin(x, -1)` */
export function argmin(input: TensorLike, axis = 0, opts: NameOption = {}): Tensor {
  return named('argmin', opts.name, () => arg('argmin', input, axis));
}

// dx from a backward kernel (dy, x[, y]) with the forward attrs.
const viaKernel = (kernel: string, withY: boolean): GradFn => (dys, { inputs: [x], outputs: [y], attrs }) =>
  [runOp(kernel, withY ? [dys[0], x, y] : [dys[0], x], attrs)[0]];
registerGrad('reduce_sum', viaKernel('reduce_sum_backward', false));
registerGrad('reduce_mean', viaKernel('reduce_mean_backward', false));
// NOTE: ties share the gradient equally (as TF); a NaN maximum sends it to the NaN entries.
registerGrad('reduce_max', viaKernel('reduce_max_backward', true));
registerGrad('reduce_min', viaKernel('reduce_min_backward', true));
// NOTE: exact with zeros (exclusive prefix · suffix products, no division by x).
registerGrad('reduce_prod', viaKernel('reduce_prod_backward', false));
registerGrad('reduce_logsumexp', viaKernel('reduce_logsumexp_backward', true));
registerNonDifferentiable('argmax', 'argmin');

// Second order: the sum/mean backward kernels are linear in dy (and use x only for its shape).
registerGrad('reduce_sum_backward', (dys, { attrs }) => [runOp('reduce_sum', [dys[0]], attrs)[0], null]);
registerGrad('reduce_mean_backward', (dys, { attrs }) => [runOp('reduce_mean', [dys[0]], attrs)[0], null]);
for (const op of ['reduce_max_backward', 'reduce_min_backward', 'reduce_prod_backward', 'reduce_logsumexp_backward']) {
  registerGrad(op, () => {
    throw new Error(`gradients: the second-order gradient through '${op}' is not implemented`);
  });
}
