/**
 * Shape ops, part 1: reshape, transpose, expand_dims, squeeze, concat, stack, split, unstack.
 * References are plain float64 index arithmetic on flat row-major arrays (no nodeflow code).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { native } from '../../lib/native.js';
import { checkOp, withEager } from '../helpers/check_op.js';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
function unravel(i: number, s: number[]): number[] {
  const idx = new Array<number>(s.length);
  for (let d = s.length - 1; d >= 0; d--) {
    idx[d] = i % s[d];
    i = Math.floor(i / s[d]);
  }
  return idx;
}
const ravel = (idx: number[], s: number[]) => idx.reduce((o, v, d) => o * s[d] + v, 0);
/** out[o] = x[src(o)] over every output multi-index o. */
const gatherRef = (x: ArrayLike<number>, xs: number[], os: number[], src: (o: number[]) => number[]) =>
  Array.from({ length: size(os) }, (_, i) => x[ravel(src(unravel(i, os)), xs)]);

function transposeRef(x: Float64Array, xs: number[], perm: number[]): number[] {
  const os = perm.map((p) => xs[p]);
  return gatherRef(x, xs, os, (o) => {
    const idx = new Array<number>(xs.length);
    perm.forEach((p, i) => (idx[p] = o[i]));
    return idx;
  });
}
function concatRef(xs: Float64Array[], shapes: number[][], axis: number): number[] {
  const os = [...shapes[0]];
  os[axis] = shapes.reduce((s, sh) => s + sh[axis], 0);
  return Array.from({ length: size(os) }, (_, i) => {
    const o = unravel(i, os);
    let k = 0;
    while (o[axis] >= shapes[k][axis]) o[axis] -= shapes[k++][axis];
    return xs[k][ravel(o, shapes[k])];
  });
}
function stackRef(xs: Float64Array[], shape: number[], axis: number): number[] {
  const os = [...shape];
  os.splice(axis, 0, xs.length);
  return Array.from({ length: size(os) }, (_, i) => {
    const o = unravel(i, os);
    const [k] = o.splice(axis, 1);
    return xs[k][ravel(o, shape)];
  });
}
/** Pieces of x along `axis` with the given sizes. */
function splitRef(x: Float64Array, xs: number[], axis: number, sizes: number[]): number[][] {
  let start = 0;
  return sizes.map((n) => {
    const os = [...xs];
    os[axis] = n;
    const from = start;
    start += n;
    return gatherRef(x, xs, os, (o) => o.map((v, d) => (d === axis ? v + from : v)));
  });
}

const same = ([x]: Float64Array[]) => x;
// tf.zeros belongs to another family; a filled constant needs no other native op.
const zeros = (shape: number[], dtype: tf.DType = 'float32') => tf.constant(0, dtype, shape);

describe('reshape', () => {
  checkOp('reshape', { fn: (x) => tf.reshape(x, [4, -1]), shapes: [[2, 6]], ref: same, outShapes: [[4, 3]] });
  checkOp('reshape', { fn: (x) => tf.reshape(x, [-1]), shapes: [[3, 4]], transpose: true, ref: same, outShapes: [[12]] });
  checkOp('reshape', { fn: (x) => tf.reshape(x, [2, 3, 2]), shapes: [[3, 4]], dtypes: ['int32'], ref: same, forwardOnly: true });
  checkOp('reshape', { fn: (x) => tf.reshape(x, [6]), shapes: [[2, 3]], dtypes: ['bool'], low: 0, high: 2, ref: same, forwardOnly: true });
  checkOp('reshape', { fn: (x) => tf.reshape(x, []), shapes: [[1, 1]], ref: same, outShapes: [[]] });
  checkOp('reshape', { fn: (x) => tf.reshape(x, [3, -1]), shapes: [[0, 3]], ref: same, outShapes: [[3, 0]], forwardOnly: true });
  // A zero inside the shape: no elements, so contiguous whatever the strides (it was refused).
  checkOp('reshape', { fn: (x) => tf.reshape(x, [0, 3]), shapes: [[2, 0, 3]], ref: same, outShapes: [[0, 3]], forwardOnly: true });
  it('is a view of contiguous input and a copy of a transposed one', () =>
    withEager(() => {
      const x = tf.constant([[1, 2, 3], [4, 5, 6]]);
      const before = tf.memory().numStorages;
      const v = tf.reshape(x, [3, 2]);
      expect(tf.memory().numStorages).toBe(before);
      const t = tf.reshape(tf.transpose(x), [6]);
      expect(tf.memory().numStorages).toBe(before + 1);
      expect(Array.from(t.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
      expect(Array.from(v.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    }));
  it('rejects incompatible sizes naming both shapes, and bad targets', () =>
    withEager(() => {
      const x = tf.constant([[1, 2, 3], [4, 5, 6]]);
      expect(() => tf.reshape(x, [4])).toThrow(/^reshape: cannot reshape a tensor of shape \[2,3\] \(6 elements\) into shape \[4\] \(inputs: float32\[2,3\]\)/);
      expect(() => tf.reshape(x, [-1, 4])).toThrow(/reshape: .*\[2,3\].*\[-1,4\]/);
      expect(() => tf.reshape(x, [-1, -1])).toThrow(/reshape: target shape \[-1,-1\] has more than one -1/);
      expect(() => tf.reshape(x, [-2, -3])).toThrow(/reshape: target shape \[-2,-3\] has a negative size/);
      expect(() => tf.reshape(zeros([0, 2]), [-1, 0])).toThrow(/reshape: .*ambiguous/);
      expect(() => tf.reshape(x, [1.5, 4])).toThrow(/reshape: 'shape' must be an array of integers/);
    }));
});

describe('transpose', () => {
  checkOp('transpose', { fn: (x) => tf.transpose(x), shapes: [[3, 5]], ref: ([x]) => transposeRef(x, [3, 5], [1, 0]), outShapes: [[5, 3]] });
  checkOp('transpose', { fn: (x) => tf.transpose(x, [1, 2, 0]), shapes: [[2, 3, 4]], ref: ([x]) => transposeRef(x, [2, 3, 4], [1, 2, 0]) });
  checkOp('transpose', { fn: (x) => tf.transpose(x), shapes: [[2, 3, 4]], ref: ([x]) => transposeRef(x, [2, 3, 4], [2, 1, 0]) });
  // Transposing a transposed view composes strides; the result is the identity here.
  checkOp('transpose', { fn: (x) => tf.transpose(x, [0, 2, 1]), shapes: [[2, 3, 4]], transpose: true, ref: ([x]) => transposeRef(x, [2, 3, 4], [0, 2, 1]) });
  checkOp('transpose', { fn: (x) => tf.transpose(x), shapes: [[4, 3]], dtypes: ['int32'], ref: ([x]) => transposeRef(x, [4, 3], [1, 0]), forwardOnly: true });
  checkOp('transpose', { fn: (x) => tf.transpose(x), shapes: [[2, 3]], dtypes: ['bool'], low: 0, high: 2, ref: ([x]) => transposeRef(x, [2, 3], [1, 0]), forwardOnly: true });
  checkOp('transpose', { fn: (x) => tf.transpose(x), shapes: [[0, 3]], ref: () => [], outShapes: [[3, 0]], forwardOnly: true });
  checkOp('transpose', { fn: (x) => tf.transpose(x), shapes: [[]], ref: same });
  it('propagates NaN, feeds strided views into other ops, and rejects bad perms', () =>
    withEager(() => {
      const x = tf.constant([[1, NaN], [3, 4]]);
      expect(Array.from(tf.reshape(tf.transpose(x), [4]).dataSync())).toEqual([1, 3, NaN, 4]);
      expect(() => tf.transpose(x, [0, 0])).toThrow(/^transpose: perm \[0,0\] is not a permutation of 0\.\.1 for a tensor of rank 2 \(inputs: float32\[2,2\]\)/);
      expect(() => tf.transpose(x, [0, 1, 2])).toThrow(/transpose: perm \[0,1,2\] is not a permutation/);
      expect(() => tf.transpose(x, [-1, 0])).toThrow(/transpose: perm \[-1,0\]/);
    }));
});

describe('expand_dims / squeeze', () => {
  checkOp('expand_dims', { fn: (x) => tf.expandDims(x, 1), shapes: [[3, 4]], ref: same, outShapes: [[3, 1, 4]] });
  checkOp('expand_dims', { fn: (x) => tf.expandDims(x, -1), shapes: [[3, 4]], transpose: true, ref: same, outShapes: [[3, 4, 1]] });
  checkOp('expand_dims', { fn: (x) => tf.expandDims(x, 0), shapes: [[]], ref: same, outShapes: [[1]] });
  checkOp('expand_dims', { fn: (x) => tf.expandDims(x, 0), shapes: [[0]], dtypes: ['int32'], ref: () => [], outShapes: [[1, 0]], forwardOnly: true });
  checkOp('squeeze', { fn: (x) => tf.squeeze(x), shapes: [[1, 3, 1, 2]], ref: same, outShapes: [[3, 2]] });
  checkOp('squeeze', { fn: (x) => tf.squeeze(x, [-1]), shapes: [[3, 1]], ref: same, outShapes: [[3]] });
  checkOp('squeeze', { fn: (x) => tf.squeeze(x, 0), shapes: [[1, 4, 3]], transpose: true, ref: same, outShapes: [[4, 3]] });
  checkOp('squeeze', { fn: (x) => tf.squeeze(x), shapes: [[1, 1]], dtypes: ['bool'], low: 0, high: 2, ref: same, outShapes: [[]], forwardOnly: true });
  checkOp('squeeze', { fn: (x) => tf.squeeze(x), shapes: [[0, 1]], ref: () => [], outShapes: [[0]], forwardOnly: true });
  it('rejects bad axes', () =>
    withEager(() => {
      const x = zeros([2, 1, 3]);
      expect(() => tf.expandDims(x, 4)).toThrow(/^expand_dims: axis 4 is out of range \[-4, 3\] for a tensor of rank 3 \(inputs: float32\[2,1,3\]\)/);
      expect(() => tf.expandDims(x, -5)).toThrow(/expand_dims: axis -5 is out of range/);
      expect(() => tf.squeeze(x, [0])).toThrow(/^squeeze: cannot squeeze axis 0: it has size 2 in shape \[2,1,3\] \(inputs: float32\[2,1,3\]\)/);
      expect(() => tf.squeeze(x, [3])).toThrow(/squeeze: axis 3 is out of range for a tensor of rank 3/);
    }));
});

describe('concat', () => {
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], 1), shapes: [[2, 3], [2, 5]], ref: (xs) => concatRef(xs, [[2, 3], [2, 5]], 1), outShapes: [[2, 8]] });
  checkOp('concat', {
    fn: (a, b, c) => tf.concat([a, b, c], 0),
    shapes: [[1, 2, 3], [2, 2, 3], [3, 2, 3]],
    ref: (xs) => concatRef(xs, [[1, 2, 3], [2, 2, 3], [3, 2, 3]], 0),
  });
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], -1), shapes: [[2, 3, 2], [2, 3, 4]], ref: (xs) => concatRef(xs, [[2, 3, 2], [2, 3, 4]], 2) });
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], 1), shapes: [[4, 3], [4, 2]], transpose: true, ref: (xs) => concatRef(xs, [[4, 3], [4, 2]], 1) });
  checkOp('concat', { fn: (a) => tf.concat([a], 0), shapes: [[3]], ref: same });
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], 0), shapes: [[0, 2], [3, 2]], ref: (xs) => concatRef(xs, [[0, 2], [3, 2]], 0), wrt: [1] });
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], 1), shapes: [[2, 2], [2, 3]], dtypes: ['int32', 'int32'], ref: (xs) => concatRef(xs, [[2, 2], [2, 3]], 1), forwardOnly: true });
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], 0), shapes: [[2], [3]], dtypes: ['bool', 'bool'], low: 0, high: 2, ref: (xs) => concatRef(xs, [[2], [3]], 0), forwardOnly: true });
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], 0), shapes: [[2], [2]], inputs: [[NaN, 1], [2, NaN]], ref: () => [NaN, 1, 2, NaN], forwardOnly: true });
  // A large case crosses the parallel grain (both cores).
  checkOp('concat', { fn: (a, b) => tf.concat([a, b], 1), shapes: [[300, 100], [300, 60]], ref: (xs) => concatRef(xs, [[300, 100], [300, 60]], 1), forwardOnly: true });
  it('rejects mismatched shapes, dtypes, ranks and scalars', () =>
    withEager(() => {
      const a = zeros([2, 3]);
      expect(() => tf.concat([a, zeros([2, 4])], 0)).toThrow(/^concat: input 1 has shape \[2,4\], which does not match \[2,3\] in dimension 1 \(inputs: float32\[2,3\], float32\[2,4\]\)/);
      expect(() => tf.concat([a, zeros([2, 3], 'int32')], 0)).toThrow(/^concat: inputs must have the same dtype, got float32 and int32/);
      expect(() => tf.concat([a, zeros([6])], 0)).toThrow(/concat: input 1 has shape \[6\], rank 1; input 0 has rank 2/);
      expect(() => tf.concat([a, a], 2)).toThrow(/concat: axis 2 is out of range for a tensor of rank 2/);
      expect(() => tf.concat([tf.constant(1), tf.constant(2)], 0)).toThrow(/concat: cannot concatenate scalars/);
      expect(() => tf.concat([], 0)).toThrow(/concat: 'values' must be a non-empty array/);
    }));
});

describe('stack / unstack', () => {
  checkOp('stack', { fn: (a, b) => tf.stack([a, b]), shapes: [[2, 3], [2, 3]], ref: (xs) => stackRef(xs, [2, 3], 0), outShapes: [[2, 2, 3]] });
  checkOp('stack', { fn: (a, b, c) => tf.stack([a, b, c], -1), shapes: [[4, 2], [4, 2], [4, 2]], ref: (xs) => stackRef(xs, [4, 2], 2) });
  checkOp('stack', { fn: (a, b) => tf.stack([a, b], 1), shapes: [[3, 4], [3, 4]], transpose: true, ref: (xs) => stackRef(xs, [3, 4], 1) });
  checkOp('stack', { fn: (a, b) => tf.stack([a, b]), shapes: [[], []], ref: (xs) => [xs[0][0], xs[1][0]], outShapes: [[2]] });
  checkOp('stack', { fn: (a, b) => tf.stack([a, b], 1), shapes: [[0], [0]], ref: () => [], outShapes: [[0, 2]], forwardOnly: true });
  checkOp('stack', { fn: (a, b) => tf.stack([a, b], 1), shapes: [[3], [3]], dtypes: ['int32', 'int32'], ref: (xs) => stackRef(xs, [3], 1), forwardOnly: true });
  checkOp('unstack', { fn: (x) => tf.unstack(x), shapes: [[3, 4]], ref: ([x]) => splitRef(x, [3, 4], 0, [1, 1, 1]), outShapes: [[4], [4], [4]] });
  checkOp('unstack', { fn: (x) => tf.unstack(x, -1), shapes: [[2, 3, 2]], ref: ([x]) => [0, 1].map((k) => gatherRef(x, [2, 3, 2], [2, 3], (o) => [...o, k])) });
  checkOp('unstack', { fn: (x) => tf.unstack(x, 1), shapes: [[3, 2]], transpose: true, ref: ([x]) => [0, 1].map((k) => gatherRef(x, [3, 2], [3], (o) => [o[0], k])) });
  checkOp('unstack', { fn: (x) => tf.unstack(x, 1), shapes: [[2, 2]], dtypes: ['bool'], low: 0, high: 2, ref: ([x]) => [[x[0], x[2]], [x[1], x[3]]], forwardOnly: true });
  checkOp('unstack', { fn: (x) => tf.unstack(x, 1), shapes: [[0, 2]], ref: () => [[], []], outShapes: [[0], [0]], forwardOnly: true });
  it('unstacks a size-0 axis into no tensors and rejects bad stacks', () =>
    withEager(() => {
      expect(tf.unstack(zeros([0, 3]))).toEqual([]);
      expect(() => tf.stack([zeros([2]), zeros([3])])).toThrow(/^stack: input 1 has shape \[3\], which does not match \[2\] in dimension 0 \(inputs: float32\[2\], float32\[3\]\)/);
      expect(() => tf.stack([zeros([2]), zeros([2], 'float64')])).toThrow(/stack: inputs must have the same dtype, got float32 and float64/);
      expect(() => tf.stack([zeros([2])], 2)).toThrow(/stack: axis 2 is out of range \[-2, 1\]/);
      expect(() => tf.unstack(zeros([2]), 1)).toThrow(/unstack: axis 1 is out of range for a tensor of rank 1/);
    }));
});

describe('split', () => {
  checkOp('split', { fn: (x) => tf.split(x, 3, 1), shapes: [[2, 6]], ref: ([x]) => splitRef(x, [2, 6], 1, [2, 2, 2]), outShapes: [[2, 2], [2, 2], [2, 2]] });
  checkOp('split', { fn: (x) => tf.split(x, [1, -1, 2]), shapes: [[6, 2]], ref: ([x]) => splitRef(x, [6, 2], 0, [1, 3, 2]), outShapes: [[1, 2], [3, 2], [2, 2]] });
  checkOp('split', { fn: (x) => tf.split(x, [3, 0, 1], -1), shapes: [[3, 4]], transpose: true, ref: ([x]) => splitRef(x, [3, 4], 1, [3, 0, 1]) });
  checkOp('split', { fn: (x) => tf.split(x, 1), shapes: [[1]], ref: ([x]) => [x] });
  checkOp('split', { fn: (x) => tf.split(x, 2), shapes: [[4]], dtypes: ['int32'], ref: ([x]) => splitRef(x, [4], 0, [2, 2]), forwardOnly: true });
  checkOp('split', { fn: (x) => tf.split(x, 2, 1), shapes: [[0, 4]], ref: () => [[], []], outShapes: [[0, 2], [0, 2]], forwardOnly: true });
  it('gradient when only one output is used (others count as zeros)', () =>
    withEager(() => {
      const x = tf.constant([1, 2, 3, 4], 'float64');
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return tf.split(x, 2)[1];
      });
      expect(Array.from(tape.gradient(y, [x])[0]!.dataSync())).toEqual([0, 0, 1, 1]);
    }));
  it('rejects splits that do not divide or do not add up', () =>
    withEager(() => {
      const x = zeros([5, 2]);
      expect(() => tf.split(x, 2)).toThrow(/^split: cannot split axis 0 of size 5 into 2 equal parts \(inputs: float32\[5,2\]\)/);
      expect(() => tf.split(x, [2, 2])).toThrow(/split: split sizes \[2,2\] do not add up to the size 5 of axis 0/);
      expect(() => tf.split(x, [4, -1, 3])).toThrow(/split: split sizes \[4,-1,3\] do not add up/);
      expect(() => tf.split(x, [-1, -1, 3])).toThrow(/split: split sizes \[-1,-1,3\]: sizes must be >= 0 with at most one -1/);
      expect(() => tf.split(x, 0)).toThrow(/split: num splits must be positive, got 0/);
      expect(() => tf.split(x, 1, 2)).toThrow(/split: axis 2 is out of range/);
    }));
});

describe('graph-mode shape inference with unknown dims', () => {
  const f32 = (...shape: (number | null)[]) => ({ dtype: 'float32' as const, shape });
  const infer = (op: string, ins: ReturnType<typeof f32>[], attrs: Record<string, number | number[]>) =>
    native.inferShapes(op, ins, attrs).map((m) => m.shape);
  it('propagates unknown dims', () => {
    expect(infer('reshape', [f32(null, 784)], { shape: [-1, 28, 28, 1] })).toEqual([[null, 28, 28, 1]]);
    expect(infer('reshape', [f32(null, 4)], { shape: [2, 2, 2] })).toEqual([[2, 2, 2]]);
    expect(infer('transpose', [f32(null, 3, 5)], {})).toEqual([[5, 3, null]]);
    expect(infer('expand_dims', [f32(null)], { axis: -1 })).toEqual([[null, 1]]);
    expect(infer('squeeze', [f32(null, 1, 3)], {})).toEqual([[null, 3]]);
    expect(infer('squeeze', [f32(3, null)], { axis: [1] })).toEqual([[3]]);
    expect(infer('concat', [f32(null, 3), f32(2, 3)], { axis: 0 })).toEqual([[null, 3]]);
    expect(infer('concat', [f32(null, 3), f32(4, 2)], { axis: 1 })).toEqual([[4, 5]]);
    expect(infer('stack', [f32(null, 3), f32(2, null)], { axis: 1 })).toEqual([[2, 2, 3]]);
    expect(infer('split', [f32(null, 6)], { num: 2, axis: 1 })).toEqual([[null, 3], [null, 3]]);
    expect(infer('split', [f32(null, 6)], { sizes: [1, -1], axis: 0 })).toEqual([[1, 6], [null, 6]]);
    expect(infer('unstack', [f32(null, 2)], { axis: 1 })).toEqual([[null], [null]]);
  });
  it('still validates what is known', () => {
    expect(() => infer('reshape', [f32(null, 3), f32(2)], { shape: [4] })).toThrow(/reshape: expected 1 input/);
    expect(() => infer('reshape', [f32(2, 3)], { shape: [4, -1] })).toThrow(/reshape: cannot reshape/);
    expect(() => infer('concat', [f32(null, 3), f32(null, 4)], { axis: 0 })).toThrow(/concat: input 1 has shape \[\?,4\]/);
    expect(() => infer('unstack', [f32(null, 2)], { axis: 0 })).toThrow(/unstack: cannot unstack axis 0 of unknown size \(shape \[\?,2\]\)/);
    expect(() => infer('transpose', [f32(null, 2)], { perm: [1] })).toThrow(/transpose: perm \[1\]/);
  });
});
