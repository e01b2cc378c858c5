/**
 * Indexing and creation-by-rule ops (TF 1.x names): gather, gatherNd, oneHot, cast, range,
 * linspace, eye. fill / zeros / ones live in creation.ts. Gradients: gather and gatherNd through
 * dedicated scatter-add kernels, cast back to the input dtype; the rest are not differentiable.
 */
import type { DType } from '../dtype.js';
import { isDType, isFloatDType, shapeString } from '../dtype.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import { Tensor } from '../tensor.js';
import { asTensor } from './checks.js';

/** Integer indices: an int32 Tensor as is; JavaScript integers become an int32 constant. */
function asIndices(x: TensorLike, op: string): Tensor {
  if (!(x instanceof Tensor) && !allIntegers(x)) {
    throw new Error(`${op}: expected int32 indices 'indices', got non-integer JavaScript values`);
  }
  const t = asTensor(x, 'indices', op, 'int32');
  if (t.dtype !== 'int32') throw new Error(`${op}: expected int32 indices 'indices', got ${t.dtype} ${shapeString(t.shape)}`);
  return t;
}

function allIntegers(x: unknown): boolean {
  if (typeof x === 'number') return Number.isInteger(x);
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>).every(Number.isInteger);
  return Array.isArray(x) && x.every(allIntegers);
}

function checkInt(v: unknown, what: string, op: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${op}: ${what} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${String(v)}`);
  }
  return v;
}

function checkFinite(v: unknown, what: string, op: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${what} must be a finite number, got ${String(v)}`);
  return v;
}

function checkDTypeName(d: unknown, op: string, allowed: readonly DType[]): DType {
  if (!isDType(d) || !allowed.includes(d)) {
    throw new Error(`${op}: dtype must be ${allowed.join(', ')}; got '${String(d)}'`);
  }
  return d;
}

function checkAxis(axis: number, params: Tensor, op: string): number {
  const rank = params.shape.length;
  if (rank === 0) throw new Error(`${op}: params must have rank >= 1, got a scalar`);
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${op}: axis ${axis} is out of range for params of shape ${shapeString(params.shape)}`);
  }
  return axis;
}

/**
 * Slices of params along `axis` picked by indices (int32, any rank):
 * out[a..., i..., b...] = params[a..., indices[i...], b...]; out rank = rank(params) - 1 + rank(indices).
 * An index outside [0, params.shape[axis]) is an error.
 *
 *   const rows = tf.gather(embeddings, ids);          // [V, D] with [N] -> [N, D]
 */
export function gather(params: TensorLike, indices: TensorLike, axis = 0, opts: NameOption = {}): Tensor {
  const p = asTensor(params, 'params', 'gather');
  const i = asIndices(indices, 'gather');
  checkAxis(axis, p, 'gather');
  return named('gather', opts.name, () => runOp('gather', [p, i], { axis })[0]);
}

/**
 * Gathers slices addressed by the last dim of indices (depth K <= rank(params)):
 * out[i...] = params[indices[i..., 0], ..., indices[i..., K-1]]; shape indices.shape[:-1] + params.shape[K:].
 *
 *   tf.gatherNd([[1, 2], [3, 4]], [[1, 0]]);          // [3]
 */
export function gatherNd(params: TensorLike, indices: TensorLike, opts: NameOption = {}): Tensor {
  const p = asTensor(params, 'params', 'gatherNd');
  const i = asIndices(indices, 'gatherNd');
  if (i.shape.length === 0) throw new Error(`gatherNd: indices must have rank >= 1, got shape ${shapeString(i.shape)}`);
  return named('gatherNd', opts.name, () => runOp('gather_nd', [p, i])[0]);
}

export interface OneHotOptions {
  onValue?: number;
  offValue?: number;
  /** Where the new depth dimension goes; -1 (default) appends it. */
  axis?: number;
  dtype?: DType;
}

/**
 * out[..., d, ...] = indices[...] == d ? onValue : offValue, with a new dim of size `depth` at
 * `axis`. NOTE: an index outside [0, depth) gives an all-off row, as TF.
 *
 *   tf.oneHot([0, 2], 3);                             // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: TensorLike, depth: number, opts: OneHotOptions & NameOption = {}): Tensor {
  const i = asIndices(indices, 'oneHot');
  checkInt(depth, 'depth', 'oneHot', 0);
  const { onValue = 1, offValue = 0, axis = -1, dtype = 'float32' } = opts;
  checkInt(axis, 'axis', 'oneHot', -1);
  if (axis > i.shape.length) throw new Error(`oneHot: axis ${axis} is out of range for indices of rank ${i.shape.length}`);
  const attrs = { depth, axis, dtype: checkDTypeName(dtype, 'oneHot', ['float32', 'float64', 'int32', 'bool']) };
  return named('oneHot', opts.name, () => runOp('one_hot', [i], { ...attrs, on_value: onValue, off_value: offValue })[0]);
}

/**
 * Converts x to `dtype`. Float to int32 truncates toward zero; NOTE: NaN becomes 0 and values
 * beyond int32 saturate (defined here, unlike C++ and TF on x86). To bool is x != 0 (NaN → true).
 *
 *   tf.cast(tf.constant([1.7, -1.7]), 'int32');      // [1, -1]
 */
export function cast(x: TensorLike, dtype: DType, opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'x', 'cast');
  return named('cast', opts.name, () => runOp('cast', [t], { dtype: checkDTypeName(dtype, 'cast', ['float32', 'float64', 'int32', 'bool']) })[0]);
}

/**
 * [start, start + delta, ...) up to but excluding limit; range(n) = [0, 1, ..., n-1]. The dtype is
 * int32 when every argument is an integer, else float32 (as TF; so range(5.0) is int32 in JS).
 * Values are start + i·delta (no running sum). An empty range needs start == limit.
 *
 *   tf.range(5);  tf.range(10, 0, -3);  tf.range(0, 1, 0.25);
 */
export function range(start: number, limit?: number | null, delta = 1, dtype?: DType, opts: NameOption = {}): Tensor {
  if (limit === undefined || limit === null) [start, limit] = [0, start];
  for (const [v, what] of [[start, 'start'], [limit, 'limit'], [delta, 'delta']] as const) checkFinite(v, what, 'range');
  if (delta === 0) throw new Error(`range: delta must not be 0 (start ${start}, limit ${limit})`);
  const inferred = [start, limit, delta].every(Number.isInteger) ? 'int32' : 'float32';
  const dt = checkDTypeName(dtype ?? inferred, 'range', ['float32', 'float64', 'int32']);
  return named('range', opts.name, () => runOp('range', [], { start, limit, delta, dtype: dt })[0]);
}

/**
 * `num` evenly spaced values from start to stop inclusive: start + i·(stop − start)/(num − 1).
 * num = 1 gives [start]. float32 unless `dtype: 'float64'`.
 *
 *   tf.linspace(0, 1, 5);                             // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num: number, opts: { dtype?: DType } & NameOption = {}): Tensor {
  checkFinite(start, 'start', 'linspace');
  checkFinite(stop, 'stop', 'linspace');
  checkInt(num, 'num', 'linspace', 1);
  const dtype = checkDTypeName(opts.dtype ?? 'float32', 'linspace', ['float32', 'float64']);
  return named('linspace', opts.name, () => runOp('linspace', [], { start, stop, num, dtype })[0]);
}

/**
 * Identity matrix [numRows, numColumns] (ones on the main diagonal), repeated over batchShape.
 *
 *   tf.eye(3);  tf.eye(2, 3, { batchShape: [4], dtype: 'int32' });
 */
export function eye(numRows: number, numColumns?: number | null, opts: { batchShape?: number[]; dtype?: DType } & NameOption = {}): Tensor {
  checkInt(numRows, 'numRows', 'eye', 0);
  const cols = numColumns ?? numRows;
  checkInt(cols, 'numColumns', 'eye', 0);
  const batchShape = opts.batchShape ?? [];
  if (!Array.isArray(batchShape)) throw new Error(`eye: batchShape must be an array of integers >= 0`);
  batchShape.forEach((d) => checkInt(d, `batchShape ${shapeString(batchShape)}`, 'eye', 0));
  const dtype = checkDTypeName(opts.dtype ?? 'float32', 'eye', ['float32', 'float64', 'int32', 'bool']);
  return named('eye', opts.name, () => runOp('eye', [], { num_rows: numRows, num_columns: cols, batch_shape: batchShape, dtype })[0]);
}

// Dense gradients (TF 1.x returns IndexedSlices): scatter-add into zeros shaped like params at
// run time, so graph mode with unknown static dims works. Indices get no gradient.
registerGrad('gather', (dys, { inputs: [params, indices], attrs }) => [
  isFloatDType(params.dtype) ? runOp('gather_backward', [dys[0], indices, params], { axis: attrs.axis })[0] : null,
  null,
]);
registerGrad('gather_nd', (dys, { inputs: [params, indices] }) => [
  isFloatDType(params.dtype) ? runOp('gather_nd_backward', [dys[0], indices, params])[0] : null,
  null,
]);
// The backwards are linear in dy: their own gradient is the forward gather (double backprop).
registerGrad('gather_backward', (dys, { inputs: [, indices], attrs }) => [
  runOp('gather', [dys[0], indices], { axis: attrs.axis })[0],
  null,
  null,
]);
registerGrad('gather_nd_backward', (dys, { inputs: [, indices] }) => [runOp('gather_nd', [dys[0], indices])[0], null, null]);
registerGrad('cast', (dys, { inputs: [x], outputs: [y] }) => [
  isFloatDType(x.dtype) && isFloatDType(y.dtype) ? cast(dys[0], x.dtype) : null,
]);
registerNonDifferentiable('one_hot', 'fill', 'range', 'linspace', 'eye');
