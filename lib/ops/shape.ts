/**
 * Shape ops (TF 1.x names): reshape, transpose, expandDims, squeeze, concat, stack, split,
 * unstack, slice, stridedSlice, tile, pad, reverse. They move bytes, so every dtype works.
 * reshape (of contiguous data), transpose, expandDims, squeeze, slice, stridedSlice (positive
 * strides), split and unstack return views that share the input's memory; the others copy.
 * Shape and attribute errors come from the native shape rules, which also run in graph mode.
 */
import type { GradFn } from '../grad_registry.js';
import { registerGrad } from '../grad_registry.js';
import type { Attrs } from '../native.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { Tensor } from '../tensor.js';
import { asTensor } from './checks.js';

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
function intArg(v: unknown, arg: string, op: string): number {
  if (!isInt(v)) throw new Error(`${op}: '${arg}' must be an integer, got ${JSON.stringify(v)}`);
  return v;
}
function intList(v: unknown, arg: string, op: string): number[] {
  if (!Array.isArray(v) || !v.every(isInt)) {
    throw new Error(`${op}: '${arg}' must be an array of integers, got ${JSON.stringify(v)}`);
  }
  return v;
}
const oneOrMany = (a: number | number[]) => (Array.isArray(a) ? a : [a]);
/** A list of tensors; JavaScript values take the dtype of the first Tensor in the list. */
function tensorList(values: TensorLike[], op: string): Tensor[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new Error(`${op}: 'values' must be a non-empty array of tensors`);
  }
  const dtype = values.find((v): v is Tensor => v instanceof Tensor)?.dtype;
  return values.map((v, i) => asTensor(v, `values[${i}]`, op, dtype));
}

/**
 * Same values in a new shape; one entry may be -1 (inferred). Row-major order is kept.
 *
 *   tf.reshape(images, [-1, 28, 28, 1]);     // [?, 784] -> [?, 28, 28, 1]
 */
export function reshape(x: TensorLike, shape: number[], opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'tensor', 'reshape');
  return named('reshape', opts.name, () => runOp('reshape', [t], { shape: intList(shape, 'shape', 'reshape') })[0]);
}

/**
 * Permutes dimensions: y.shape[i] = x.shape[perm[i]]; default perm reverses them.
 *
 *   tf.transpose(x, [0, 2, 1]);              // [b, m, n] -> [b, n, m]
 */
export function transpose(x: TensorLike, perm?: number[], opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'a', 'transpose');
  if (perm === undefined) return named('transpose', opts.name, () => runOp('transpose', [t])[0]);
  return named('transpose', opts.name, () => runOp('transpose', [t], { perm: intList(perm, 'perm', 'transpose') })[0]);
}

/**
 * Inserts a dimension of size 1 at `axis` (in [-rank-1, rank]; negative counts from the end).
 *
 *   tf.expandDims(x, 0);                     // [3] -> [1, 3]
 */
export function expandDims(x: TensorLike, axis: number, opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'input', 'expandDims');
  return named('expandDims', opts.name, () => runOp('expand_dims', [t], { axis: intArg(axis, 'axis', 'expandDims') })[0]);
}

/**
 * Removes dimensions of size 1: all of them, or those listed (each must have size 1).
 *
 *   tf.squeeze(x, [2]);                      // [4, 3, 1] -> [4, 3]
 */
export function squeeze(x: TensorLike, axis?: number | number[], opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'input', 'squeeze');
  if (axis === undefined) return named('squeeze', opts.name, () => runOp('squeeze', [t])[0]);
  return named('squeeze', opts.name, () => runOp('squeeze', [t], { axis: intList(oneOrMany(axis), 'axis', 'squeeze') })[0]);
}

/**
 * Joins tensors along an existing axis; other dimensions must match.
 *
 *   tf.concat([a, b], 1);                    // [2, 3] and [2, 5] -> [2, 8]
 */
export function concat(values: TensorLike[], axis: number, opts: NameOption = {}): Tensor {
  return named('concat', opts.name, () => runOp('concat', tensorList(values, 'concat'), { axis: intArg(axis, 'axis', 'concat') })[0]);
}

/**
 * Joins same-shaped tensors along a new axis.
 *
 *   tf.stack([a, b]);                        // two [3] -> [2, 3]
 */
export function stack(values: TensorLike[], axis = 0, opts: NameOption = {}): Tensor {
  return named('stack', opts.name, () => runOp('stack', tensorList(values, 'stack'), { axis: intArg(axis, 'axis', 'stack') })[0]);
}

/**
 * Splits along `axis` into `numOrSizeSplits` equal parts, or parts of the listed sizes (one may
 * be -1: the rest).
 *
 *   const [a, b] = tf.split(x, [3, -1], 1);  // [2, 8] -> [2, 3] and [2, 5]
 */
export function split(value: TensorLike, numOrSizeSplits: number | number[], axis = 0, opts: NameOption = {}): Tensor[] {
  const t = asTensor(value, 'value', 'split');
  const how = Array.isArray(numOrSizeSplits)
    ? { sizes: intList(numOrSizeSplits, 'numOrSizeSplits', 'split') }
    : { num: intArg(numOrSizeSplits, 'numOrSizeSplits', 'split') };
  return named('split', opts.name, () => runOp('split', [t], { ...how, axis: intArg(axis, 'axis', 'split') }));
}

/**
 * Splits along `axis` into its slices, removing that dimension (the inverse of stack).
 *
 *   const [r0, r1] = tf.unstack(x);          // [2, 3] -> two [3]
 */
export function unstack(value: TensorLike, axis = 0, opts: NameOption = {}): Tensor[] {
  const t = asTensor(value, 'value', 'unstack');
  return named('unstack', opts.name, () => runOp('unstack', [t], { axis: intArg(axis, 'axis', 'unstack') }));
}

/**
 * The block x[begin[i] : begin[i] + size[i]] in every dimension; size -1 means "to the end".
 *
 *   tf.slice(x, [1, 0], [2, -1]);            // rows 1..2, all columns
 */
export function slice(x: TensorLike, begin: number[], size: number[], opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'input_', 'slice');
  const attrs = { begin: intList(begin, 'begin', 'slice'), size: intList(size, 'size', 'slice') };
  return named('slice', opts.name, () => runOp('slice', [t], attrs)[0]);
}

export interface StridedSliceOptions {
  /** Bit i set: begin[i] is ignored (the full range from the start, or end if stride < 0). */
  beginMask?: number;
  /** Bit i set: end[i] is ignored (the full range to the end). */
  endMask?: number;
  /** Bit i set: entry i is an ellipsis (`...`), covering the dimensions not named. */
  ellipsisMask?: number;
  /** Bit i set: entry i inserts a new dimension of size 1 (numpy's `np.newaxis`). */
  newAxisMask?: number;
  /** Bit i set: entry i takes the single index begin[i] and removes that dimension. */
  shrinkAxisMask?: number;
}

/**
 * NumPy-style slicing x[begin[0]:end[0]:strides[0], ...], with TF's bit masks; negative indices
 * count from the end, negative strides walk backwards.
 *
 *   tf.stridedSlice(x, [0, -1], [0, 0], [1, -1], { beginMask: 1, endMask: 3 });   // x[:, ::-1]
 */
export function stridedSlice(
  x: TensorLike,
  begin: number[],
  end: number[],
  strides?: number[],
  options: StridedSliceOptions & NameOption = {},
): Tensor {
  const op = 'stridedSlice';
  const t = asTensor(x, 'input_', op);
  const attrs: Attrs = { begin: intList(begin, 'begin', op), end: intList(end, 'end', op) };
  if (strides !== undefined) attrs.strides = intList(strides, 'strides', op);
  const masks = ['beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask'] as const;
  for (const k of masks) {
    if (options[k] !== undefined) attrs[k] = intArg(options[k], k, op);
  }
  return named('stridedSlice', options.name, () => runOp('strided_slice', [t], attrs)[0]);
}

/**
 * Repeats x `multiples[i]` times along dimension i.
 *
 *   tf.tile(tf.constant([[1, 2]]), [2, 3]);  // [2, 6]
 */
export function tile(x: TensorLike, multiples: number[], opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'input', 'tile');
  return named('tile', opts.name, () => runOp('tile', [t], { multiples: intList(multiples, 'multiples', 'tile') })[0]);
}

export type PadMode = 'CONSTANT' | 'REFLECT' | 'SYMMETRIC';

/**
 * Pads dimension i with paddings[i][0] values before and paddings[i][1] after: constantValues
 * (CONSTANT), a mirror without the edge (REFLECT) or with it (SYMMETRIC).
 *
 *   tf.pad(images, [[0, 0], [2, 2], [2, 2], [0, 0]]);   // 28x28 -> 32x32
 */
export function pad(
  x: TensorLike,
  paddings: number[][],
  mode: PadMode = 'CONSTANT',
  constantValues = 0,
  opts: NameOption = {},
): Tensor {
  const t = asTensor(x, 'tensor', 'pad');
  const pair = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every(isInt);
  if (!Array.isArray(paddings) || !paddings.every(pair)) {
    const got = JSON.stringify(paddings);
    throw new Error(`pad: 'paddings' must be an array of [before, after] integer pairs, got ${got}`);
  }
  const m = typeof mode === 'string' ? mode.toUpperCase() : '';
  if (!['CONSTANT', 'REFLECT', 'SYMMETRIC'].includes(m)) {
    const got = JSON.stringify(mode);
    throw new Error(`pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', got ${got}`);
  }
  if (typeof constantValues !== 'number') {
    throw new Error(`pad: 'constantValues' must be a number, got ${typeof constantValues}`);
  }
  const attrs = { paddings: paddings.flat(), mode: m, constantValue: constantValues };
  return named('pad', opts.name, () => runOp('pad', [t], attrs)[0]);
}

/**
 * Reverses the order of elements along the listed axes (TF 1.x reverse_v2).
 *
 *   tf.reverse(x, [1]);                      // each row backwards
 */
export function reverse(x: TensorLike, axis: number | number[], opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'tensor', 'reverse');
  return named('reverse', opts.name, () => runOp('reverse', [t], { axis: intList(oneOrMany(axis), 'axis', 'reverse') })[0]);
}

/**
 * Per batch entry b, the first seqLengths[b] elements along seqAxis reversed, the rest kept
 * (TF's tf.reverse_sequence): how a backward RNN reads padded sequences.
 *
 *   tf.reverseSequence(x, lengths, 1, 0);     // x [batch, time, …]
 */
export function reverseSequence(x: TensorLike, seqLengths: TensorLike, seqAxis: number, batchAxis = 0, opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'input', 'reverseSequence');
  const lengths = asTensor(seqLengths, 'seq_lengths', 'reverseSequence', 'int32');
  const attrs = { seq_axis: intList([seqAxis], 'seqAxis', 'reverseSequence')[0], batch_axis: intList([batchAxis], 'batchAxis', 'reverseSequence')[0] };
  return named('reverseSequence', opts.name, () => runOp('reverse_sequence', [t, lengths], attrs)[0]);
}

// ---------------------------------------------------------------- gradients
// Backward kernels take x itself (not its shape) so they work with x's run-time shape, also in
// graph mode where the static shape may hold unknown dims.

const reshapeLike = (dy: Tensor, x: Tensor) => runOp('reshape_backward', [dy, x])[0];
const asNum = (v: unknown) => v as number;
/** Gradient through a backward kernel `(dy, x)` that takes the forward op's attrs. */
const viaBackward =
  (backward: string): GradFn =>
  (dys, { inputs: [x], attrs }) => [runOp(backward, [dys[0], x], attrs)[0]];
/** A backward kernel is linear in dy; its gradient is the forward op with the same attrs. */
const viaForward =
  (forward: string, extra: Attrs = {}): GradFn =>
  (dys, { attrs }) => [runOp(forward, [dys[0]], { ...attrs, ...extra })[0], null];

registerGrad('reshape', (dys, { inputs: [x] }) => [reshapeLike(dys[0], x)]);
registerGrad('expand_dims', (dys, { inputs: [x] }) => [reshapeLike(dys[0], x)]);
registerGrad('squeeze', (dys, { inputs: [x] }) => [reshapeLike(dys[0], x)]);
registerGrad('reshape_backward', (dys, { inputs: [dy] }) => [reshapeLike(dys[0], dy), null]);
registerGrad('transpose', (dys, { attrs }) => {
  const perm = attrs.perm as number[] | undefined;
  if (!perm) return [transpose(dys[0])]; // the reversed order is its own inverse
  const inverse = perm.map(() => 0);
  perm.forEach((p, i) => (inverse[p] = i));
  return [transpose(dys[0], inverse)];
});
registerGrad('concat', (dys, { inputs, attrs }) =>
  runOp('concat_backward', [dys[0], ...inputs], { axis: attrs.axis }),
);
registerGrad('concat_backward', (dys, { inputs, attrs }) => [
  concat(dys, asNum(attrs.axis)),
  ...inputs.slice(1).map(() => null),
]);
registerGrad('stack', (dys, { attrs }) => unstack(dys[0], asNum(attrs.axis)));
registerGrad('unstack', (dys, { attrs }) => [stack(dys, asNum(attrs.axis))]);
// NOTE: outputs that were not used arrive as zeros (autograd), so the concat is complete.
registerGrad('split', (dys, { attrs }) => [concat(dys, asNum(attrs.axis))]);
registerGrad('slice', viaBackward('slice_backward'));
registerGrad('slice_backward', viaForward('slice'));
registerGrad('strided_slice', viaBackward('strided_slice_backward'));
registerGrad('strided_slice_backward', viaForward('strided_slice'));
registerGrad('tile', viaBackward('tile_backward'));
registerGrad('tile_backward', viaForward('tile'));
registerGrad('pad', viaBackward('pad_backward'));
// The adjoint of pad_backward is pad with zeros, whatever constantValue the forward pad used.
registerGrad('pad_backward', viaForward('pad', { constantValue: 0 }));
registerGrad('reverse', (dys, { attrs }) => [reverse(dys[0], attrs.axis as number[])]);
// Reversing the same prefixes again undoes it.
registerGrad('reverse_sequence', (dys, { inputs, attrs }) =>
  [reverseSequence(dys[0], inputs[1], attrs.seq_axis as number, attrs.batch_axis as number), null]);
